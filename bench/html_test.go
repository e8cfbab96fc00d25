package bench

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// The HTML report is well-formed, draws one bar per non-empty bin with
// every sample counted, and one line point per second with a call up.
func TestHTMLReport(t *testing.T) {
	turns := []time.Duration{700 * time.Millisecond, 720 * time.Millisecond, 725 * time.Millisecond, 910 * time.Millisecond}
	timeline := []Point{
		{Elapsed: time.Second, Live: 0, CPUPercent: 3, RSS: 40 << 20},
		{Elapsed: 2 * time.Second, Live: 10, CPUPercent: 20, RSS: 50 << 20},
		{Elapsed: 3 * time.Second, Live: 20, CPUPercent: 30, RSS: 60 << 20},
	}
	r := &Report{Date: time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC), Target: "in-process <&>",
		Runs: []Result{{Name: "engine", Calls: 20, Samples: Samples{Turns: turns}, Timeline: timeline}}}
	var b bytes.Buffer
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	bars, counted, lines, points := 0, 0, 0, []int{}
	dec := xml.NewDecoder(bytes.NewReader(b.Bytes()))
	dec.Strict = true
	inBar := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, b.String())
		}
		switch el := tok.(type) {
		case xml.StartElement:
			for _, a := range el.Attr {
				switch {
				case el.Name.Local == "rect" && a.Name.Local == "class" && a.Value == "bar":
					bars++
					inBar = true
				case el.Name.Local == "polyline" && a.Name.Local == "points":
					lines++
					points = append(points, len(strings.Fields(a.Value)))
				}
			}
		case xml.CharData:
			if inBar {
				var bin string
				var n int
				if _, err := fmt.Sscanf(string(el), "%s ms: %d", &bin, &n); err == nil {
					counted += n
				}
			}
		case xml.EndElement:
			if el.Name.Local == "rect" {
				inBar = false
			}
		}
	}
	if bars != 3 || counted != len(turns) {
		t.Errorf("%d bars counting %d samples, want 3 bars (700, 720 and 910 ms bins) counting %d", bars, counted, len(turns))
	}
	// live calls and memory: every second; CPU per call: only with calls up
	if lines != 3 || points[0] != 3 || points[1] != 2 || points[2] != 3 {
		t.Errorf("%d lines with %v points", lines, points)
	}
	for _, want := range []string{"no samples", "in-process &lt;&amp;&gt;", "Turn latency", "CPU per live call (% of a core)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("no %q in the report", want)
		}
	}
}
