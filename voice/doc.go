// Package voice is the contract between the call engine and the outside
// world, in the engine's own terms: audio formats, and the streaming
// speech-to-text, language model, text-to-speech and carrier interfaces that
// provider clients and telephony gateways implement.
//
// Streams deliver what they produce through an emit function the engine
// gives them. Emit never blocks (the engine posts to an actor's mailbox), may
// be called from any goroutine, and must not be called after the stream's
// Close or Cancel has returned.
package voice
