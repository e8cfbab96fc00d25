package openaifake

import (
	"github.com/switchboard-voice/switchboard/providers/internal/loopback"
)

// Server is a fake running on loopback.
type Server struct {
	*Fake
	BaseURL  string // the OpenAI base URL, e.g. http://127.0.0.1:41234/v1
	AzureURL string // the Azure endpoint, e.g. http://127.0.0.1:41234
	stop     func()
}

// Start runs a fake on 127.0.0.1:0.
func Start(opts Options) (*Server, error) {
	f, err := New(opts)
	if err != nil {
		return nil, err
	}
	url, stop, err := loopback.Listen(f)
	if err != nil {
		return nil, err
	}
	return &Server{Fake: f, BaseURL: url + "/v1", AzureURL: url, stop: stop}, nil
}

// Close stops the server and ends its streams.
func (s *Server) Close() {
	s.stop()
	s.Fake.Close()
}
