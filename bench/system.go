package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/switchboard-voice/switchboard/http/telephony/twilio/twiliotest"
	"github.com/switchboard-voice/switchboard/providers/fakes"
)

// system is what the simulated carrier calls: an engine's Twilio numbers
// (one assistant with speculative replies off, one with them on), or the
// floor relay.
type system struct {
	// clouds are the simulated carriers, one for each engine called (a
	// cluster's nodes): calls go through them in turn.
	clouds  []*twiliotest.Cloud
	next    atomic.Uint64
	sip     netip.AddrPort  // the engine's SIP listener, when calls go over SIP
	numbers map[bool]string // by speculative
	floor   bool
	closers []func()
	// errs counts the current run's errors (an in-process engine's
	// warnings go there too).
	errs atomic.Pointer[errorCounts]
	// procs are the processes under test when they are not this one: the
	// engine's, or the floor's.
	procs []*process
	// stages reads the engine's metrics, for its own stage timings
	// (metrics.OverheadName); nil for the floor.
	stages func() ([]byte, error)
	// profile reads one of the engine's Go profiles (net/http/pprof's
	// names: "goroutine", "heap", "allocs"); nil where it cannot be read.
	profile func(name string) ([]byte, error)
	// idle is the sample before the system's first run: every run's
	// figures per call are growth over it, since a process under test
	// keeps what an earlier run grew (a ramp's steps, the speculative run).
	idle *Sample
}

// idleSample is the system's resource use before its first run.
func (s *system) idleSample() Sample {
	if s.idle == nil {
		runtime.GC() // the idle figures should not hold this process's garbage
		smp := s.sample()
		s.idle = &smp
	}
	return *s.idle
}

// sample is this process's resource use now, and that of the processes
// under test.
func (s *system) sample() Sample {
	smp := sample()
	for _, p := range s.procs {
		smp.Processes = append(smp.Processes, p.sample())
	}
	return smp
}

// close stops everything the system started; closing it again does
// nothing.
func (s *system) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
	s.closers = nil
}

// carrier is the simulated carrier the next call goes through.
func (s *system) carrier() *twiliotest.Cloud {
	return s.clouds[(s.next.Add(1)-1)%uint64(len(s.clouds))]
}

// addCloud adds the simulated carrier of the engine at url.
func (s *system) addCloud(url string, acct account) (*twiliotest.Cloud, error) {
	cl, err := newCloud(url, acct)
	if err != nil {
		return nil, err
	}
	s.clouds = append(s.clouds, cl)
	return cl, nil
}

// number is the number to call.
func (s *system) number(speculative bool) string { return s.numbers[speculative] }

// serveFakes runs the provider fakes on addr ("127.0.0.1:0" for any
// port) and returns the environment that points an engine at them
// (SWITCHBOARD_<PROVIDER>_BASE_URL) and how to stop them.
func serveFakes(lat Latencies, addr string) ([]string, func(), error) {
	fk, err := fakes.New(lat.fakesOptions())
	if err != nil {
		return nil, nil, fmt.Errorf("bench: %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fk.Close()
		return nil, nil, fmt.Errorf("bench: fakes: %w", err)
	}
	srv := &http.Server{Handler: fk, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return fk.Env("http://" + ln.Addr().String()), func() {
		fk.Close() // ends streams in flight, which Shutdown would wait for
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); errors.Is(err, context.DeadlineExceeded) {
			_ = srv.Close()
		}
	}, nil
}

// newCloud is the simulated carrier of acct calling an engine at url.
func newCloud(url string, acct account) (*twiliotest.Cloud, error) {
	cl, err := twiliotest.New(twiliotest.Config{Engine: url, Public: url, AccountSID: acct.SID, AuthToken: acct.Token, Forget: true})
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	return cl, nil
}
