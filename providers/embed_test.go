package providers

import (
	"net/http"
	"testing"

	"github.com/switchboard-voice/switchboard/internal/testkit"
)

// Query embeddings, made during calls, share HTTP/2 connections where the
// endpoint offers it.
func TestEmbeddingsSpeakHTTP2(t *testing.T) {
	testkit.SharesHTTP2(t, new(Set).embedClient().Transport.(*http.Transport))
}
