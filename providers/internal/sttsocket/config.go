package sttsocket

import "time"

// Config tunes a stream; zero fields take the defaults in brackets.
type Config struct {
	// HandshakeTimeout bounds one websocket dial [10 s].
	HandshakeTimeout time.Duration
	// MaxAttempts is how many connection attempts in a row may fail, with
	// no progress in between, before a stream gives up [6].
	MaxAttempts int
	// BackoffMin and BackoffMax bound the exponential wait between
	// attempts; the first reconnection is immediate [100 ms, 2 s].
	BackoffMin, BackoffMax time.Duration
	// KeepAlive is how long a connection may go without audio before the
	// protocol's keepalive message is sent; Deepgram closes idle sockets at
	// 10 s, Soniox at about 20 s [4 s].
	KeepAlive time.Duration
	// StallTimeout drops a connection whose service has sent nothing for
	// this long after being sent audio [10 s]. It also bounds each write.
	StallTimeout time.Duration
	// CloseTimeout bounds how long Close waits for the last results [3 s].
	CloseTimeout time.Duration
	// MaxBuffered is how much audio a stream keeps for sending and replay.
	// Past it the oldest audio is discarded (see ErrAudioDropped) [30 s].
	MaxBuffered time.Duration
}

// WithDefaults fills zero fields.
func (c Config) WithDefaults() Config {
	set := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	set(&c.HandshakeTimeout, 10*time.Second)
	set(&c.BackoffMin, 100*time.Millisecond)
	set(&c.BackoffMax, 2*time.Second)
	set(&c.KeepAlive, 4*time.Second)
	set(&c.StallTimeout, 10*time.Second)
	set(&c.CloseTimeout, 3*time.Second)
	set(&c.MaxBuffered, 30*time.Second)
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 6
	}
	c.BackoffMax = max(c.BackoffMax, c.BackoffMin)
	return c
}
