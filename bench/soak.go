package bench

// SoakReport is how memory and goroutines moved while the load held.
type SoakReport struct {
	Samples []Sample `json:"samples"`
	// Slopes of a least-squares line through the samples, per minute.
	RSSPerMinute        float64 `json:"rss_bytes_per_minute"`
	GoroutinesPerMinute float64 `json:"goroutines_per_minute"`
	// Flat: over the soak, the line grows by less than 5 % of the mean
	// RSS and by less than one goroutine per ten calls.
	Flat bool `json:"flat"`
}

func soakReport(samples []Sample, calls int) *SoakReport {
	r := &SoakReport{Samples: samples}
	if len(samples) < 3 {
		return r
	}
	t0 := samples[0].At
	x := func(s Sample) float64 { return s.At.Sub(t0).Minutes() }
	r.RSSPerMinute = slope(samples, x, func(s Sample) float64 { return float64(s.RSS) })
	r.GoroutinesPerMinute = slope(samples, x, func(s Sample) float64 { return float64(s.Goroutines) })
	span := x(samples[len(samples)-1])
	var mean float64
	for _, s := range samples {
		mean += float64(s.RSS) / float64(len(samples))
	}
	r.Flat = r.RSSPerMinute*span < 0.05*mean && r.GoroutinesPerMinute*span < float64(calls)/10
	return r
}

// slope fits y = a + b·x by least squares and returns b.
func slope(ss []Sample, x, y func(Sample) float64) float64 {
	var sx, sy, sxx, sxy float64
	n := float64(len(ss))
	for _, s := range ss {
		xv, yv := x(s), y(s)
		sx, sy, sxx, sxy = sx+xv, sy+yv, sxx+xv*xv, sxy+xv*yv
	}
	if d := n*sxx - sx*sx; d != 0 {
		return (n*sxy - sx*sy) / d
	}
	return 0
}
