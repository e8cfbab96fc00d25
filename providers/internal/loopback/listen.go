// Package loopback serves the providers' fakes on a free loopback port.
package loopback

import (
	"net"
	"net/http"
	"time"
)

// Listen serves h on 127.0.0.1:0 and returns its root URL and a function
// that stops the server and closes its connections. Hijacked connections
// (websockets) are the handler's to close: http.Server.Close leaves them.
func Listen(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(ln) // returns ErrServerClosed on Close
	}()
	return "http://" + ln.Addr().String(), func() {
		_ = srv.Close()
		<-served
	}, nil
}
