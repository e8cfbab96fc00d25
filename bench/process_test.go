package bench

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/metrics"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
)

// With --engine-process the engine, the fakes and the floor each run in
// a process of their own, and each process is measured alone: two calls
// at small scale, checked for what is reported, not for how fast.
func TestEngineProcess(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "switchboard")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/switchboard").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	rep, err := Run(t.Context(), Options{DatabaseURL: pgtest.AdminDSN(), Latencies: DefaultLatencies, Calls: 2,
		Duration: 20 * time.Second, Floor: true, EngineProcess: true, Binary: bin})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Target != TargetProcess || len(rep.Runs) != 2 {
		t.Fatalf("target %q, %d runs", rep.Target, len(rep.Runs))
	}
	for i, name := range []string{"engine", "floor"} {
		r := rep.Runs[i]
		if len(r.Errors) != 0 {
			t.Errorf("%s: errors %v", name, r.Errors)
		}
		if r.Pacing.Frames == 0 {
			t.Errorf("%s: no frames reached the callers", name)
		}
		if len(r.Resources.Processes) != 1 {
			t.Fatalf("%s: processes measured: %+v", name, r.Resources.Processes)
		}
		p := r.Resources.Processes[0]
		// Not StacksPerCall: a difference of stack spans in use, it is 0
		// when the idle process's spans already hold two calls' stacks.
		if p.Name != name || p.CPUPerCall <= 0 || p.RSS <= 0 || p.Goroutines <= 0 {
			t.Errorf("%s's process: %+v", name, p)
		}
	}
	if rep.Runs[1].Stages != nil {
		t.Errorf("the floor reports engine stages: %+v", rep.Runs[1].Stages)
	}
	stages := rep.Runs[0].Stages
	if len(stages) != 3 || stages[0].Stage != metrics.StageEndOfTurn || stages[0].Count == 0 || stages[1].Count == 0 {
		t.Errorf("engine stages: %+v", stages)
	}
	if rep.FloorRatio <= 0 {
		t.Errorf("no floor ratio")
	}
	var b strings.Builder
	if err := rep.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	t.Log(b.String())
}

func TestStatusValue(t *testing.T) {
	status := []byte("Name:\tswitchboard\nVmRSS:\t  117708 kB\nThreads:\t13\n")
	if got := statusValue(status, "VmRSS"); got != 117708<<10 {
		t.Errorf("VmRSS %d bytes; want %d", got, 117708<<10)
	}
	if got := statusValue(status, "Threads"); got != 13 {
		t.Errorf("Threads %d; want 13", got)
	}
	if got := statusValue(status, "VmSwap"); got != 0 {
		t.Errorf("VmSwap, absent, %d; want 0", got)
	}
}
