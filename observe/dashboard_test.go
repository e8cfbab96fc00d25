// Package observe holds what watches a running engine: the Grafana
// dashboard over its Prometheus metrics and the Prometheus scrape
// configuration that `make observe` (scripts/observe.sh) starts them with.
package observe

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	vm "github.com/VictoriaMetrics/metrics"
)

type dashboard struct {
	UID    string `json:"uid"`
	Panels []struct {
		ID         int                `json:"id"`
		Title      string             `json:"title"`
		Datasource map[string]string  `json:"datasource"`
		GridPos    map[string]float64 `json:"gridPos"`
		Targets    []struct {
			Expr       string            `json:"expr"`
			Datasource map[string]string `json:"datasource"`
		} `json:"targets"`
	} `json:"panels"`
	Templating struct {
		List []struct {
			Name, Type, Query string
		} `json:"list"`
	} `json:"templating"`
}

// metricName finds the metrics a PromQL expression reads.
var metricName = regexp.MustCompile(`\b(?:switchboard|go|process)_[a-z_]+`)

// The dashboard is valid Grafana JSON whose every query reads a metric
// the engine exposes: a renamed metric fails here, not in someone's empty
// panel.
func TestDashboardReadsTheEnginesMetrics(t *testing.T) {
	b, err := os.ReadFile("grafana/switchboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("dashboard: %v", err)
	}
	if d.UID != "switchboard" || len(d.Templating.List) != 1 || d.Templating.List[0].Type != "datasource" ||
		d.Templating.List[0].Query != "prometheus" {
		t.Fatalf("dashboard uid %q, templating %+v", d.UID, d.Templating.List)
	}
	exposed := exposedNames(t)
	ids := map[int]bool{}
	for _, p := range d.Panels {
		if ids[p.ID] || p.GridPos["w"] <= 0 || p.GridPos["h"] <= 0 || p.Datasource["uid"] != "${datasource}" || len(p.Targets) == 0 {
			t.Errorf("panel %d %q: duplicate id, no size, no targets or not on the datasource variable", p.ID, p.Title)
		}
		ids[p.ID] = true
		for _, q := range p.Targets {
			names := metricName.FindAllString(q.Expr, -1)
			if len(names) == 0 || q.Datasource["uid"] != "${datasource}" {
				t.Errorf("panel %q: query %q reads no metric, or not from the datasource variable", p.Title, q.Expr)
			}
			for _, n := range names {
				base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(n, "_bucket"), "_sum"), "_count")
				if !exposed[base] {
					t.Errorf("panel %q: %s is not a metric the engine exposes", p.Title, n)
				}
			}
		}
	}
	if len(d.Panels) < 10 {
		t.Fatalf("%d panels", len(d.Panels))
	}
}

// exposedNames are the engine's metric names, found where the code
// registers them (a literal "switchboard_…" or `switchboard_…{`), and the
// runtime and process metrics the metrics handler writes.
func exposedNames(t *testing.T) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	registered := regexp.MustCompile("[\"`](switchboard_[a-z_]+)[\"`{]")
	err := filepath.WalkDir("..", func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && (e.Name() == ".git" || e.Name() == ".local" || e.Name() == "testdata") {
			return filepath.SkipDir
		}
		if e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range registered.FindAllStringSubmatch(string(b), -1) {
			names[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	vm.WriteProcessMetrics(&sb)
	for _, line := range strings.Split(sb.String(), "\n") {
		if n := metricName.FindString(line); n != "" && strings.HasPrefix(line, n) {
			names[n] = true
		}
	}
	return names
}
