// Package voicetest has scripted, in-process implementations of the voice
// interfaces for testing and benchmarking the call engine without any
// network: providers that answer instantly or when told, and a carrier
// that records what it is sent.
package voicetest
