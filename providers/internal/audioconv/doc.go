// Package audioconv turns the audio a TTS service streams into the format
// the caller asked for, chunk by chunk, and holds back the last sample so
// that late word timings can ride out with audio.
package audioconv
