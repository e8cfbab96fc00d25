// Package phone is the caller's end of a simulated call, shared by the
// carrier test callers (twiliotest, telnyxtest, …), the load generator and
// the softphone: it speaks fakespeech words as 20 ms frames, plays the
// assistant's audio out in real time as a carrier does (marks reported when
// the audio before them has played, a clear dropping what is queued),
// decodes the words it heard, and times the assistant's answers.
//
// A Phone knows nothing of wire formats: audio is G.711 μ-law at 8 kHz,
// fakespeech's own format. Widen and Narrow convert it losslessly to and
// from the PCM16 formats of Vonage and web calls.
package phone
