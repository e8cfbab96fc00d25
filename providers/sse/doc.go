// Package sse streams Server-Sent Events from HTTP APIs, as the language
// model providers use them: Open posts a request and returns the event
// stream, or a *StatusError carrying the provider's status and message; a
// Reader parses any event stream; Client is the tuned HTTP client the
// provider clients share.
package sse
