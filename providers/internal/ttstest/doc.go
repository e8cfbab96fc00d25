// Package ttstest holds what the TTS clients' tests share: recording an
// utterance's events, reading them back, and speaking through a session.
package ttstest
