package bench

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
	"time"
)

// WriteHTML writes the report as a page of SVG charts, one section per
// run: the turn-latency and barge-in histograms, and live calls, CPU per
// live call and memory second by second. It needs no script and no
// network: open it in any browser.
func (r *Report) WriteHTML(w io.Writer) error {
	var sections []htmlRun
	for _, run := range r.Runs {
		sections = append(sections, htmlRun{Result: run, Charts: []template.HTML{
			histogramSVG("Turn latency (caller's last word → the answer's first frame)", run.Samples.Turns),
			histogramSVG("Barge-in → clear", run.Samples.BargeIns),
			timelineSVG("Live calls", "", run.Timeline, func(p Point) (float64, bool) { return float64(p.Live), true }),
			timelineSVG("CPU per live call", "% of a core", run.Timeline, func(p Point) (float64, bool) {
				return p.CPUPercent / float64(p.Live), p.Live > 0
			}),
			timelineSVG("Resident memory", "MiB", run.Timeline, func(p Point) (float64, bool) { return float64(p.RSS) / (1 << 20), true }),
		}})
	}
	var table strings.Builder
	if err := r.WriteTable(&table); err != nil {
		return err
	}
	return reportPage.Execute(w, struct {
		*Report
		Table string
		Runs  []htmlRun
	}{r, table.String(), sections})
}

type htmlRun struct {
	Result
	Charts []template.HTML
}

var reportPage = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"/><title>switchboard bench · {{.Date.Format "2006-01-02 15:04"}}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 2em; color: #222; }
pre { font-size: 12px; background: #f6f6f6; padding: 1em; overflow-x: auto; }
svg { margin: 0.5em 1em 0.5em 0; background: #fff; border: 1px solid #ddd; }
svg text { font: 11px system-ui, sans-serif; fill: #444; }
svg .title { font-weight: 600; fill: #222; }
svg .bar { fill: #4a78c2; }
svg .line { fill: none; stroke: #c2574a; stroke-width: 1.5; }
svg .axis { stroke: #999; }
</style></head>
<body>
<h1>switchboard bench</h1>
<p>{{.Date.Format "2006-01-02 15:04:05 MST"}} · {{.Machine.CPU}}, {{.Machine.Cores}} cores, GOMAXPROCS {{.Machine.GOMAXPROCS}}, {{.Machine.Go}} · engine: {{.Target}}</p>
{{range .Runs}}<h2>{{.Name}}: {{.Calls}} concurrent calls</h2>
<div>{{range .Charts}}{{.}}{{end}}</div>
{{end}}<h2>Figures</h2>
<pre>{{.Table}}</pre>
</body></html>
`))

// Chart geometry, in SVG user units.
const (
	chartW, chartH = 460, 220
	padL, padR     = 52, 12
	padT, padB     = 28, 34
	plotW, plotH   = chartW - padL - padR, chartH - padT - padB
)

// histogramBins is how many bars a histogram has at most.
const histogramBins = 30

// histogramSVG draws sorted durations as a histogram in milliseconds.
func histogramSVG(title string, sorted []time.Duration) template.HTML {
	var b strings.Builder
	chartStart(&b, title)
	if len(sorted) == 0 {
		return chartEnd(&b, "no samples")
	}
	lo, hi := ms64(sorted[0]), ms64(sorted[len(sorted)-1])
	width := niceStep((hi - lo) / histogramBins)
	lo = math.Floor(lo/width) * width
	n := max(1, int(math.Ceil((hi-lo)/width+1e-9)))
	if lo+float64(n)*width <= hi {
		n++ // the maximum opens a bin of its own
	}
	counts := make([]int, n)
	for _, d := range sorted {
		counts[min(int((ms64(d)-lo)/width), n-1)]++
	}
	top := 0
	for _, c := range counts {
		top = max(top, c)
	}
	bw := float64(plotW) / float64(n)
	for i, c := range counts {
		if c == 0 {
			continue
		}
		h := float64(plotH) * float64(c) / float64(top)
		fmt.Fprintf(&b, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s–%s ms: %d</title></rect>`,
			padL+float64(i)*bw+0.5, padT+plotH-h, math.Max(bw-1, 1), h, num(lo+float64(i)*width), num(lo+float64(i+1)*width), c)
	}
	axes(&b, num(lo)+" ms", num(lo+float64(n)*width)+" ms", "0", fmt.Sprint(top))
	return chartEnd(&b, fmt.Sprintf("%d samples, %s ms wide bars", len(sorted), num(width)))
}

// timelineSVG draws one value of each point over the run's time; value
// says false where it has none (CPU per call with no call up).
func timelineSVG(title, unit string, points []Point, value func(Point) (float64, bool)) template.HTML {
	var b strings.Builder
	if unit != "" {
		title += " (" + unit + ")"
	}
	chartStart(&b, title)
	var xs, ys []float64
	for _, p := range points {
		if v, ok := value(p); ok && !math.IsNaN(v) && !math.IsInf(v, 0) {
			xs, ys = append(xs, p.Elapsed.Seconds()), append(ys, v)
		}
	}
	if len(xs) == 0 {
		return chartEnd(&b, "no samples")
	}
	xmax, ymax := xs[len(xs)-1], 0.0
	for _, y := range ys {
		ymax = math.Max(ymax, y)
	}
	ymax = niceStep(ymax/4) * 4
	if ymax == 0 {
		ymax = 1
	}
	xmax = math.Max(xmax, 1)
	b.WriteString(`<polyline class="line" points="`)
	for i := range xs {
		fmt.Fprintf(&b, "%.1f,%.1f ", padL+plotW*xs[i]/xmax, padT+plotH*(1-ys[i]/ymax))
	}
	b.WriteString(`"/>`)
	axes(&b, "0 s", num(xmax)+" s", "0", num(ymax))
	return chartEnd(&b, fmt.Sprintf("%d seconds", len(xs)))
}

func chartStart(b *strings.Builder, title string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`, chartW, chartH, chartW, chartH)
	fmt.Fprintf(b, `<text class="title" x="%d" y="18">%s</text>`, padL, template.HTMLEscapeString(title))
}

func chartEnd(b *strings.Builder, note string) template.HTML {
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="end">%s</text></svg>`, chartW-padR, chartH-4, template.HTMLEscapeString(note))
	return template.HTML(b.String()) // numbers and escaped text only
}

// axes draws the plot's frame with its end labels.
func axes(b *strings.Builder, xlo, xhi, ylo, yhi string) {
	fmt.Fprintf(b, `<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`, padL, padT+plotH, padL+plotW, padT+plotH)
	fmt.Fprintf(b, `<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`, padL, padT, padL, padT+plotH)
	fmt.Fprintf(b, `<text x="%d" y="%d">%s</text>`, padL, padT+plotH+14, xlo)
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, padL+plotW, padT+plotH+14, xhi)
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, padL-4, padT+plotH, ylo)
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, padL-4, padT+8, yhi)
}

// niceStep rounds x up to 1, 2 or 5 times a power of ten.
func niceStep(x float64) float64 {
	if x <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x {
			return m * p
		}
	}
	return 10 * p
}

func ms64(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// num prints a figure without needless decimals.
func num(x float64) string {
	if x == math.Trunc(x) {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.3g", x)
}
