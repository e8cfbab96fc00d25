// Package plivotest plays Plivo for the engine over real sockets: a Cloud
// requests the answer URL (signed with X-Plivo-Signature-V3), follows the
// XML (Speak, Hangup, Dial, Stream), runs the bidirectional audio stream
// (playAudio, checkpoint and clearAudio honoured as Plivo does), posts
// hang-up callbacks, and serves the REST API the engine calls (Basic auth
// checked): hang-up, transfer, DTMF and outbound calls. Its caller is a
// phone.Phone.
package plivotest
