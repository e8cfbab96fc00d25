package telephonytest

// Receiver records what a decoder found (a telephony.Receiver).
type Receiver struct {
	Frames  [][]byte
	Marks   []string
	Digits  []string
	Stopped bool
}

// Audio implements telephony.Receiver.
func (r *Receiver) Audio(f []byte) { r.Frames = append(r.Frames, f) }

// Mark implements telephony.Receiver.
func (r *Receiver) Mark(name string) { r.Marks = append(r.Marks, name) }

// DTMF implements telephony.Receiver.
func (r *Receiver) DTMF(d string) { r.Digits = append(r.Digits, d) }

// Stop implements telephony.Receiver.
func (r *Receiver) Stop() { r.Stopped = true }

// Reset forgets everything.
func (r *Receiver) Reset() { *r = Receiver{} }
