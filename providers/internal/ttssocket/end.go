package ttssocket

// fail marks the socket dead after an error and tells its utterance.
func (k *Socket[U]) fail(err error) {
	k.mu.Lock()
	if k.dead {
		k.mu.Unlock()
		return
	}
	k.dead = true
	u, connected := k.u, k.connected
	k.mu.Unlock()
	k.shutdown()
	var none U
	if u != none {
		k.c.Lost(u, err, connected)
	}
}

// Close ends the socket on our side.
func (k *Socket[U]) Close() {
	k.mu.Lock()
	k.dead = true
	k.mu.Unlock()
	k.shutdown()
}

func (k *Socket[U]) shutdown() {
	k.once.Do(func() {
		close(k.quit)
		k.cancel()
		k.mu.Lock()
		ws := k.ws
		k.mu.Unlock()
		if ws != nil {
			ws.Close()
		}
	})
}
