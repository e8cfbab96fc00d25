// Package sdp reads the audio offer of an INVITE's session description
// (RFC 4566/8866) and writes the answer (RFC 3264): G.711 μ-law or A-law
// at 8 kHz, with RFC 4733 telephone-events when offered. Only what a
// voice trunk uses is read; the rest of a description is skipped, and a
// description without a usable audio stream is an error naming why.
package sdp
