package fault

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestMiddleware(t *testing.T) {
	var inj Injector
	var seen []Kind
	srv := httptest.NewServer(inj.Middleware(func(k Kind) []byte { return []byte(`{"error":"` + k.String() + `"}`) },
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen = append(seen, FromRequest(r).Kind)
			_, _ = io.WriteString(w, "ok")
		})))
	defer srv.Close()

	inj.Next(Fault{Kind: RateLimited}, 1)
	inj.Next(Fault{Kind: Refuse}, 1)
	inj.Next(Fault{Kind: Drop, After: 3}, 1)
	get := func() (int, error) {
		resp, err := http.Get(srv.URL)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		return resp.StatusCode, nil
	}
	if code, err := get(); err != nil || code != 429 {
		t.Fatalf("first: %d %v", code, err)
	}
	if _, err := get(); err == nil {
		t.Fatal("refused connection answered")
	}
	if code, err := get(); err != nil || code != 200 || len(seen) != 1 || seen[0] != Drop {
		t.Fatalf("drop is the handler's: %d %v %v", code, err, seen)
	}
	inj.Always(Fault{Kind: Unavailable})
	if code, _ := get(); code != 503 {
		t.Fatalf("always: %d", code)
	}
	inj.Reset()
	if code, _ := get(); code != 200 {
		t.Fatalf("after reset: %d", code)
	}
}

func TestParseKindReadsEveryName(t *testing.T) {
	for k := None; k <= Stall; k++ {
		got, err := ParseKind(k.String())
		if err != nil || got != k {
			t.Fatalf("ParseKind(%q) = %v, %v", k.String(), got, err)
		}
	}
	if _, err := ParseKind("explode"); err == nil {
		t.Fatal("unknown kind accepted")
	}
}
