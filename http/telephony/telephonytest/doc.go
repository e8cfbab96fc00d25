// Package telephonytest runs the engine's call side for gateway tests: a
// real actor system and call.Manager with scripted providers (voicetest,
// adapted to the line's audio format), a fake directory, an event recorder
// and a Fiber app listening on 127.0.0.1 with the gateways mounted, which
// the carrier test callers (twiliotest, …) then call over real sockets.
package telephonytest
