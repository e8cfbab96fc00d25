package bench

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"

	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/secrets"
)

// startEngineProcess runs `switchboard serve` (bin) as a process of its
// own over a fresh database, pointed at the fakes' process, and
// provisions its assistants; its warnings and errors are counted with the
// run's. The bench process keeps only the callers. With sip, the engine
// listens for SIP on loopback and the calls come over SIP.
func startEngineProcess(ctx context.Context, bin, databaseURL string, lat Latencies, fk *fakesProcess, dir string, sip bool) (_ *system, err error) {
	s := &system{numbers: map[bool]string{}}
	s.errs.Store(&errorCounts{})
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	pool, drop, err := freshDatabase(ctx, databaseURL)
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, drop)
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	metricsAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	url := "http://" + addr
	acct := newAccount()
	cloud, err := s.addCloud(url, acct)
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, cloud.Close)
	env := append([]string{"DATABASE_URL=" + pool.Config().ConnString(),
		"SWITCHBOARD_SECRET_KEY=" + base64.StdEncoding.EncodeToString(random(secrets.KeySize)),
		"SWITCHBOARD_TWILIO_API_URL=" + cloud.URL()}, fk.env...)
	args := []string{"serve", "--addr", addr, "--public-url", url,
		"--metrics-addr", metricsAddr, "--pprof", "--allow-private-urls", "--data-dir", dir + "/engine", "--demo", "off",
		"--drain-timeout", "5s", "--log-format", "json", "--log-level", "warn"}
	if sip {
		if s.sip, err = freeSIPAddr(); err != nil {
			return nil, err
		}
		args = append(args, "--sip-addr", s.sip.String())
	}
	p, err := startProcess("engine", bin, args, env, nil, &jsonLogCounter{errs: s.errs.Load})
	if err != nil {
		return nil, err
	}
	p.metricsURL = "http://" + metricsAddr + "/metrics"
	s.procs = append(s.procs, p)
	s.closers = append(s.closers, p.stop)
	s.stages = func() ([]byte, error) { return get(p.metricsURL) }
	s.profile = func(name string) ([]byte, error) {
		q := ""
		if name == "goroutine" {
			q = "?debug=1" // grouped by stack, as text
		}
		return get("http://" + metricsAddr + "/debug/pprof/" + name + q)
	}
	if err := p.waitReady(ctx, url+"/readyz"); err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "engine: pid %d, metrics and Go profiles at http://%s/ (/metrics, /debug/pprof/)\n", p.cmd.Process.Pid, metricsAddr)
	key, err := adminKey(ctx, persistence.NewStore(pool))
	if err != nil {
		return nil, err
	}
	if sip {
		if err := addTrunk(ctx, url, key); err != nil {
			return nil, err
		}
	}
	for _, spec := range []bool{false, true} {
		if s.numbers[spec], err = provision(ctx, url, key, lat, acct, spec, sip); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// startFloorProcess runs `switchboard floor` (bin) as a process of its
// own, reaching the fakes' process.
func startFloorProcess(ctx context.Context, bin string, fk *fakesProcess) (_ *system, err error) {
	s := &system{floor: true, numbers: map[bool]string{false: "+15550000000", true: "+15550000000"}}
	s.errs.Store(&errorCounts{})
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	prov, err := floorProvidersFromEnv(fk.env)
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	p, err := startProcess("floor", bin, []string{"floor", "--addr", addr, "--stt", prov.STT, "--tts", prov.TTS}, nil, nil, os.Stderr)
	if err != nil {
		return nil, err
	}
	p.metricsURL = "http://" + addr + "/metrics"
	s.procs = append(s.procs, p)
	s.closers = append(s.closers, p.stop)
	if err := p.waitReady(ctx, p.metricsURL); err != nil {
		return nil, err
	}
	cloud, err := s.addCloud("http://"+addr, newAccount())
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, cloud.Close)
	return s, nil
}
