package anthropicfake

import (
	"github.com/switchboard-voice/switchboard/providers/internal/loopback"
	"github.com/switchboard-voice/switchboard/providers/openai/openaifake"
)

// Server is a fake running on loopback.
type Server struct {
	*Fake
	BaseURL string // e.g. http://127.0.0.1:41234, to which clients append /v1/messages
	stop    func()
}

// Start runs a fake on 127.0.0.1:0.
func Start(cfg openaifake.Config) (*Server, error) {
	f, err := New(cfg)
	if err != nil {
		return nil, err
	}
	url, stop, err := loopback.Listen(f)
	if err != nil {
		return nil, err
	}
	return &Server{Fake: f, BaseURL: url, stop: stop}, nil
}

// Close stops the server and ends its streams.
func (s *Server) Close() {
	s.stop()
	s.Fake.Close()
}
