// Package twiliotest plays Twilio for the engine, over real sockets: a
// Cloud places calls to the engine's voice webhook (signed as Twilio
// signs), follows the TwiML it answers (Say, Hangup, Dial with whisper and
// Gather, Connect/Stream), runs Media Streams websockets (signed upgrade,
// connected/start/media/dtmf/stop out; media, mark and clear honoured as
// Twilio does), posts status callbacks, and serves the REST API the engine
// calls (Basic auth checked): call updates (hang up, new TwiML), created
// calls and messages, all recorded.
//
// The caller on each call is a phone.Phone speaking fakespeech in real
// time (or at Config.Pace), which makes the Cloud the engine's load
// generator as well as its test caller.
package twiliotest
