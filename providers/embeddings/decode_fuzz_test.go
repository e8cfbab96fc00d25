package embeddings

import (
	"errors"
	"testing"
)

// FuzzDecode feeds the answer decoder arbitrary bodies: it returns one
// vector per input, all of one dimension, or ErrRefused; never a panic.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2]}],"model":"m"}`), 1)
	f.Add([]byte(`{"data":[{"index":1,"embedding":[1]},{"index":0,"embedding":[2]}]}`), 2)
	f.Add([]byte(`{"data":[{"index":0,"embedding":[1,2]},{"index":1,"embedding":[3]}]}`), 2)
	f.Add([]byte(`{"data":[{"index":5,"embedding":[1]}]}`), 1)
	f.Add([]byte(`not json`), 1)
	f.Fuzz(func(t *testing.T, body []byte, n int) {
		if n < 0 || n > 64 {
			return
		}
		vecs, err := decode(body, n)
		if err != nil {
			if !errors.Is(err, ErrRefused) {
				t.Fatalf("error %v is not ErrRefused", err)
			}
			return
		}
		if len(vecs) != n {
			t.Fatalf("%d vectors for %d inputs", len(vecs), n)
		}
		for _, v := range vecs {
			if len(v) == 0 || len(v) != len(vecs[0]) {
				t.Fatalf("vectors of %d and %d dimensions", len(v), len(vecs[0]))
			}
		}
	})
}
