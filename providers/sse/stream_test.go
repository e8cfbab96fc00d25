package sse

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/internal/testkit"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func testClient(t *testing.T) *http.Client {
	tr := newTransport()
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func TestOpenStreams(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, "data: "+string(body)+"\n\nevent: end\ndata: x\n\n")
	}))
	defer srv.Close()
	s, err := Open(context.Background(), testClient(t), Request{URL: srv.URL, Header: http.Header{"X-Api-Key": {"k"}}, Body: []byte(`{"q":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e, err := s.Next()
	if err != nil || string(e.Data) != `{"q":1}` {
		t.Fatalf("%q %v", e.Data, err)
	}
	if e, err = s.Next(); err != nil || e.Name != "end" {
		t.Fatalf("%+v %v", e, err)
	}
	if _, err = s.Next(); err != io.EOF {
		t.Fatal(err)
	}
	if got.Get("X-Api-Key") != "k" || got.Get("Content-Type") != "application/json" || got.Get("Accept") != "text/event-stream" || got.Get("Accept-Encoding") != "" {
		t.Fatalf("headers %v", got)
	}
}

func TestOpenStatusError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(429)
		_, _ = io.WriteString(w, `{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}`)
	}))
	defer srv.Close()
	_, err := Open(context.Background(), testClient(t), Request{URL: srv.URL})
	var se *StatusError
	if !errors.As(err, &se) || se.Status != 429 || se.Code != "rate_limit_exceeded" || se.RetryAfter != 7*time.Second {
		t.Fatalf("%v", err)
	}
}

func TestOpenRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := Open(context.Background(), testClient(t), Request{URL: url})
	var se *StatusError
	if err == nil || errors.As(err, &se) {
		t.Fatalf("want a transport error, got %v", err)
	}
}

// stallServer sends one event, then nothing until the client goes away.
func stallServer(t *testing.T, gone *atomic.Bool) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "data: 1\n\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
		gone.Store(true)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestStall(t *testing.T) {
	var gone atomic.Bool
	srv := stallServer(t, &gone)
	s, err := Open(context.Background(), testClient(t), Request{URL: srv.URL, IdleTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Next(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Next(); !errors.Is(err, ErrStalled) {
		t.Fatalf("got %v", err)
	}
}

func TestStallBeforeHeaders(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer srv.Close()
	_, err := Open(context.Background(), testClient(t), Request{URL: srv.URL, IdleTimeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrStalled) {
		t.Fatalf("got %v", err)
	}
}

func TestCancelReleasesConnection(t *testing.T) {
	var gone atomic.Bool
	srv := stallServer(t, &gone)
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Open(ctx, testClient(t), Request{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Next(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		_, err := s.Next()
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	testkit.Eventually(t, 5*time.Second, func() error {
		if !gone.Load() {
			return errors.New("the server still sees the request")
		}
		return nil
	})
}
