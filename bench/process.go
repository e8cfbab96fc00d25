package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// process is a child process the bench started (`switchboard serve`,
// `switchboard fakes`, `switchboard floor`), measured from /proc.
type process struct {
	name       string
	cmd        *exec.Cmd
	metricsURL string // its Prometheus metrics (go_goroutines); "" for none
	exited     chan struct{}
}

// ProcessSample is a child process's resource use at one moment.
type ProcessSample struct {
	Name       string        `json:"name"`
	CPU        time.Duration `json:"cpu_ns"` // user + system time since it started
	RSS        int64         `json:"rss_bytes"`
	Goroutines int           `json:"goroutines"`
	// Heap and Stacks are the Go heap's spans in use and the goroutine
	// stacks (go_memstats_heap_inuse_bytes, go_memstats_stack_inuse_bytes):
	// the parts of RSS that are Go's.
	Heap   int64 `json:"heap_inuse_bytes"`
	Stacks int64 `json:"stack_inuse_bytes"`
}

// startProcess runs bin with args and env added to the bench's own, its
// stderr to logs. It returns once the process has started.
func startProcess(name, bin string, args, env []string, stdout io.Writer, logs io.Writer) (*process, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = stdout, logs
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench: start %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.exited) }()
	return p, nil
}

// stop ends the process as an operator would (SIGTERM), and kills it if
// it has not exited within 30 s.
func (p *process) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// sample reads the process's CPU time and RSS from /proc and its
// goroutines from its metrics.
func (p *process) sample() ProcessSample {
	s := ProcessSample{Name: p.name}
	pid := strconv.Itoa(p.cmd.Process.Pid)
	if b, err := os.ReadFile("/proc/" + pid + "/stat"); err == nil {
		s.CPU = statCPU(b)
	}
	if b, err := os.ReadFile("/proc/" + pid + "/status"); err == nil {
		s.RSS = statusValue(b, "VmRSS")
	}
	if p.metricsURL != "" {
		if b, err := get(p.metricsURL); err == nil {
			s.Goroutines = int(metricValue(b, "go_goroutines"))
			s.Heap = int64(metricValue(b, "go_memstats_heap_inuse_bytes"))
			s.Stacks = int64(metricValue(b, "go_memstats_stack_inuse_bytes"))
		}
	}
	return s
}

// userHZ is the unit of /proc/PID/stat's times: USER_HZ, 100 on Linux.
const userHZ = 100

// statCPU is utime + stime of a /proc/PID/stat line. The fields are
// counted after the command's closing parenthesis (the command may hold
// spaces): utime and stime are fields 14 and 15.
func statCPU(stat []byte) time.Duration {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / userHZ
}

// statusValue is a field of a /proc/PID/status (VmRSS, Threads), in
// bytes where it is given in kB.
func statusValue(status []byte, field string) int64 {
	for line := range bytes.Lines(status) {
		if v, ok := bytes.CutPrefix(line, []byte(field+":")); ok {
			v = bytes.TrimSpace(v)
			kb := bytes.HasSuffix(v, []byte(" kB"))
			n, _ := strconv.ParseInt(string(bytes.TrimSuffix(v, []byte(" kB"))), 10, 64)
			if kb {
				n <<= 10
			}
			return n
		}
	}
	return 0
}

// metricValue is the value of an unlabelled metric in Prometheus' text
// format, 0 if absent.
func metricValue(text []byte, name string) float64 {
	for line := range bytes.Lines(text) {
		if v, ok := bytes.CutPrefix(line, []byte(name+" ")); ok {
			f, _ := strconv.ParseFloat(string(bytes.TrimSpace(v)), 64)
			return f
		}
	}
	return 0
}

func get(url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %d", url, resp.StatusCode)
	}
	return b, err
}

// waitReady polls url until it answers 200, the process exits or a
// minute passes.
func (p *process) waitReady(ctx context.Context, url string) error {
	deadline := time.Now().Add(time.Minute)
	for {
		if _, err := get(url); err == nil {
			return nil
		} else if time.Now().After(deadline) {
			return fmt.Errorf("bench: %s not ready: %w", p.name, err)
		}
		select {
		case <-p.exited:
			return fmt.Errorf("bench: %s exited: %v", p.name, p.cmd.ProcessState)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// freeAddr is a loopback address with a port free now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("bench: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// jsonLogCounter counts a child engine's warnings and errors from its
// JSON log lines, as logCounter does for an engine in this process.
type jsonLogCounter struct {
	errs func() *errorCounts
	buf  []byte
}

func (l *jsonLogCounter) Write(b []byte) (int, error) {
	l.buf = append(l.buf, b...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			return len(b), nil
		}
		var rec struct{ Level, Msg string }
		if json.Unmarshal(l.buf[:i], &rec) == nil && (rec.Level == "WARN" || rec.Level == "ERROR") {
			l.errs().add("engine " + rec.Level + ": " + rec.Msg)
		}
		l.buf = l.buf[i+1:]
	}
}

// fakesProcess is `switchboard fakes` with the benchmark's latencies and
// script, serving the models over TLS with HTTP/2 as real providers do;
// env is what points an engine at it, trusting its certificate authority.
type fakesProcess struct {
	*process
	env []string
}

func startFakesProcess(ctx context.Context, bin string, lat Latencies, dir string) (*fakesProcess, error) {
	script, err := json.Marshal(Script)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	scriptPath := dir + "/script.json"
	if err := os.WriteFile(scriptPath, script, 0o600); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	ca := dir + "/fakes-ca.pem"
	r, w := io.Pipe()
	p, err := startProcess("fakes", bin, []string{"fakes", "--addr", addr, "--key", fakeKey, "--script", scriptPath, "--tls-ca", ca,
		"--stt-delay", lat.STTDelay.String(), "--llm-first-token", lat.LLMFirstToken.String(),
		"--llm-tokens-per-second", fmt.Sprint(lat.LLMTokensPerSecond), "--tts-first-byte", lat.TTSFirstByte.String(),
		"--tts-speed", fmt.Sprint(lat.TTSSpeed)}, nil, w, os.Stderr)
	if err != nil {
		return nil, err
	}
	go func() { <-p.exited; _ = w.Close() }()
	fp := &fakesProcess{process: p, env: []string{"SSL_CERT_FILE=" + ca}}
	sc := bufio.NewScanner(r)
	for sc.Scan() { // the fakes print their environment once listening
		line := strings.TrimSpace(sc.Text())
		if kv, ok := strings.CutPrefix(line, "export "); ok && strings.Contains(kv, "_BASE_URL=") {
			fp.env = append(fp.env, kv)
		}
		if strings.HasPrefix(line, "Inject a fault") {
			go func() { _, _ = io.Copy(io.Discard, r) }()
			return fp, nil
		}
	}
	p.stop()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, errors.New("bench: the fakes exited before listening")
}
