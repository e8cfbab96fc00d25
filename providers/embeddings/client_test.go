package embeddings_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/switchboard-voice/switchboard/internal/backoff"
	"github.com/switchboard-voice/switchboard/providers/embeddings"
	"github.com/switchboard-voice/switchboard/providers/embeddings/embeddingsfake"
	"github.com/switchboard-voice/switchboard/providers/fault"
)

func serve(t *testing.T, o embeddingsfake.Options) (*embeddingsfake.Fake, string) {
	t.Helper()
	f := embeddingsfake.New(o)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL + "/v1"
}

func client(t *testing.T, base, key string, batch int) *embeddings.Client {
	t.Helper()
	c, err := embeddings.New(embeddings.Config{Model: "text-embedding-3-small", APIKey: key, BaseURL: base, MaxBatch: batch,
		Backoff: backoff.Policy{Min: time.Millisecond, Max: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func cosine(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func TestEmbedBatchesInOrder(t *testing.T) {
	f, base := serve(t, embeddingsfake.Options{Key: "k"})
	texts := make([]string, 10)
	for i := range texts {
		texts[i] = fmt.Sprintf("document number %d about topic %d", i, i%3)
	}
	vecs, err := client(t, base, "k", 4).Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs) != 10 || f.Requests() != 3 || f.Inputs() != 10 {
		t.Fatalf("%d vectors in %d requests (%d inputs)", len(vecs), f.Requests(), f.Inputs())
	}
	for i, v := range vecs {
		want := embeddingsfake.Vector(texts[i], 1536)
		if len(v) != 1536 || cosine(v, want) < 0.9999 {
			t.Fatalf("vector %d out of order", i)
		}
	}
}

func TestFakeVectorsAreNearForSimilarTexts(t *testing.T) {
	q := embeddingsfake.Vector("What are your opening hours on Saturday?", 1536)
	near := embeddingsfake.Vector("Opening hours: on Saturday we open from 9 am to 1 pm.", 1536)
	far := embeddingsfake.Vector("A white composite filling costs from 90 euros.", 1536)
	if cn, cf := cosine(q, near), cosine(q, far); cn < 0.3 || cf > 0.15 || cn < 3*cf {
		t.Fatalf("near %.3f, far %.3f", cn, cf)
	}
}

func TestEmbedRetriesThenSucceeds(t *testing.T) {
	f, base := serve(t, embeddingsfake.Options{})
	f.Faults().Next(fault.Fault{Kind: fault.RateLimited}, 1)
	f.Faults().Next(fault.Fault{Kind: fault.ServerError}, 1)
	vecs, err := client(t, base, "any", 0).Embed(context.Background(), []string{"hello"})
	if err != nil || len(vecs) != 1 {
		t.Fatalf("%v, %d", err, len(vecs))
	}
}

func TestEmbedGivesUpAndChainFallsBack(t *testing.T) {
	_, good := serve(t, embeddingsfake.Options{Key: "good"})
	bad := client(t, good, "revoked", 0)
	if _, err := bad.Embed(context.Background(), []string{"x"}); !errors.Is(err, embeddings.ErrRefused) {
		t.Fatalf("bad key: %v", err)
	}
	f, flaky := serve(t, embeddingsfake.Options{})
	f.Faults().Always(fault.Fault{Kind: fault.Unavailable})
	chain := embeddings.Chain{bad, client(t, flaky, "k", 0), client(t, good, "good", 0)}
	vecs, err := chain.Embed(context.Background(), []string{"x"})
	if err != nil || len(vecs) != 1 {
		t.Fatalf("chain: %v", err)
	}
}

func TestEmbedInvalidIsNotRetriedElsewhere(t *testing.T) {
	f, base := serve(t, embeddingsfake.Options{})
	c, _ := embeddings.New(embeddings.Config{Model: "text-embedding-3-small", APIKey: "k", BaseURL: base})
	if _, err := c.Embed(context.Background(), []string{""}); !errors.Is(err, embeddings.ErrInvalid) {
		t.Fatalf("empty input: %v", err)
	}
	unknown, _ := embeddings.New(embeddings.Config{Model: "no-such-model", APIKey: "k", BaseURL: base})
	second := client(t, base, "k", 0)
	if _, err := (embeddings.Chain{unknown, second}).Embed(context.Background(), []string{"x"}); err != nil {
		t.Fatalf("an unknown model at one endpoint (404) is refused there, not invalid: %v", err)
	}
	if f.Requests() != 1 {
		t.Fatalf("requests served: %d", f.Requests())
	}
}
