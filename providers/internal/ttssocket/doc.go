// Package ttssocket is the life cycle the websocket TTS clients share: a
// socket dialled in the background, a bounded write queue so that callers
// never block on the network, and failing or closing it exactly once. What
// the service's messages mean stays with each client.
package ttssocket
