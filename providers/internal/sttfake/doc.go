// Package sttfake holds what the recogniser fakes share: a connection that
// delivers their messages after a processing delay and applies injected
// Drop and Stall faults and an idle timeout, and a framer that hears the
// words internal/fakespeech encodes in the audio, on audio time.
package sttfake
