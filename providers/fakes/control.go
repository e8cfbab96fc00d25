package fakes

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/switchboard-voice/switchboard/providers/fault"
)

// serveFaults lets another process inject faults:
//
//	POST   /_faults/{target}?kind=rate-limited[&count=N][&after=M]   the next N requests (1)
//	POST   /_faults/{target}?kind=stall&always=true                  every request until reset
//	DELETE /_faults/{target}                                         reset
//
// kind is a fault.Kind name; after is the messages sent before a drop or
// stall.
func (f *Fakes) serveFaults(w http.ResponseWriter, r *http.Request) {
	inj, ok := f.Faults(r.PathValue("target"))
	if !ok {
		http.Error(w, fmt.Sprintf("unknown fault target %q; targets: %v", r.PathValue("target"), f.Targets()), http.StatusNotFound)
		return
	}
	switch r.Method {
	case http.MethodDelete:
		inj.Reset()
	case http.MethodPost:
		q := r.URL.Query()
		kind, err := fault.ParseKind(q.Get("kind"))
		if err != nil {
			http.Error(w, "kind: "+err.Error(), http.StatusBadRequest)
			return
		}
		after, err := intParam(q.Get("after"), 0)
		if err != nil {
			http.Error(w, "after: "+err.Error(), http.StatusBadRequest)
			return
		}
		count, err := intParam(q.Get("count"), 1)
		if err != nil {
			http.Error(w, "count: "+err.Error(), http.StatusBadRequest)
			return
		}
		ft := fault.Fault{Kind: kind, After: after}
		if q.Get("always") == "true" {
			inj.Always(ft)
		} else {
			inj.Next(ft, count)
		}
	default:
		w.Header().Set("Allow", "POST, DELETE")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func intParam(s string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("want a whole number, got %q", s)
	}
	return n, nil
}
