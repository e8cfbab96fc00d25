package phone

import "time"

// cutWindow is how long after the caller's last word the assistant's
// audio stopping still answers the caller's talking over it.
const cutWindow = time.Second

// Cut is the assistant's audio stopping at `at` on a line with no clear
// message (RTP, where the engine just sends silence): when the caller was
// talking over the assistant, it is heard as the barge-in's clear and
// counts as Clear's would. It reports whether it counted.
func (p *Phone) Cut(at time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bargeAt.IsZero() || at.Sub(p.lastSpeechAt) > cutWindow {
		return false
	}
	p.cleared++
	p.barges = append(p.barges, at.Sub(p.bargeAt))
	p.bargeAt = time.Time{}
	p.notify()
	return true
}
