// Package siptest is a SIP trunk's end of a call for tests: a user agent
// on emiago/sipgo that places an INVITE (answering digest challenges),
// and an RTP endpoint on pion/rtp that speaks a phone.Phone's fakespeech
// frames every 20 ms, feeds it what the engine sends, presses keys as RFC
// 4733 events, and checks what arrives the way a strict trunk would: one
// SSRC, sequence numbers that advance by one, timestamps by the samples
// sent, 20 ms G.711 payloads. It also answers REFERs and can send raw
// datagrams (malformed RTP, say) at the engine.
package siptest
