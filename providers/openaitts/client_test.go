package openaitts

import (
	"net/http"
	"testing"

	"github.com/switchboard-voice/switchboard/internal/testkit"
)

// Speech requests, two in flight per utterance, share HTTP/2 connections.
func TestDefaultClientSpeaksHTTP2(t *testing.T) {
	testkit.SharesHTTP2(t, defaultClient.Transport.(*http.Transport).Clone())
}
