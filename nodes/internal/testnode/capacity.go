package main

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/nodes"
)

// batches are the leases asked for by take, by the test's batch name.
type batches struct {
	mu sync.Mutex
	m  map[string]*batch
}

// batch is one take command's leases, asked for at once.
type batch struct {
	done     sync.WaitGroup
	mu       sync.Mutex
	releases []func()
	refused  int
	failed   []error
}

// capacity runs the provider capacity commands:
//
//	take NAME KIND PROVIDER KEY LIMIT N → taking NAME; N leases asked for at once
//	held NAME                           → held NAME GRANTED REFUSED, once all are answered
//	give NAME                           → gave NAME; its leases given back, and counted so
//	host KIND PROVIDER KEY              → host here|elsewhere: where the key's counter runs
//	time KIND PROVIDER KEY N            → timed P50 P99 MAX (µs): N leases taken one after
//	                                      another (each given back), how long each took
func (b *batches) capacity(node *nodes.Node, verb, rest string, say func(string, ...any)) error {
	c := node.Capacity()
	switch verb {
	case "take":
		var name, kind, provider, key string
		var limit, n int
		if _, err := fmt.Sscan(rest, &name, &kind, &provider, &key, &limit, &n); err != nil {
			return err
		}
		bt := &batch{}
		b.mu.Lock()
		b.m[name] = bt
		b.mu.Unlock()
		for range n {
			bt.done.Go(func() {
				release, ok, err := c.Take(kind, provider, key, limit)
				bt.mu.Lock()
				defer bt.mu.Unlock()
				switch {
				case err != nil:
					bt.failed = append(bt.failed, err)
				case ok:
					bt.releases = append(bt.releases, release)
				default:
					bt.refused++
				}
			})
		}
		say("taking %s", name)
	case "held", "give":
		b.mu.Lock()
		bt := b.m[rest]
		b.mu.Unlock()
		if bt == nil {
			return fmt.Errorf("no batch %q", rest)
		}
		bt.done.Wait()
		bt.mu.Lock()
		defer bt.mu.Unlock()
		if len(bt.failed) > 0 {
			return fmt.Errorf("%d leases not counted: %w", len(bt.failed), bt.failed[0])
		}
		if verb == "held" {
			say("held %s %d %d", rest, len(bt.releases), bt.refused)
			return nil
		}
		for _, release := range bt.releases {
			release()
		}
		bt.releases = nil
		c.Settle()
		say("gave %s", rest)
	case "host":
		var kind, provider, key string
		if _, err := fmt.Sscan(rest, &kind, &provider, &key); err != nil {
			return err
		}
		where := "elsewhere"
		if c.Host(kind, provider, key) == node.Address() {
			where = "here"
		}
		say("host %s", where)
	case "time":
		var kind, provider, key string
		var n int
		if _, err := fmt.Sscan(rest, &kind, &provider, &key, &n); err != nil {
			return err
		}
		took := make([]time.Duration, 0, n)
		for range n {
			start := time.Now()
			release, ok, err := c.Take(kind, provider, key, n+1)
			took = append(took, time.Since(start))
			if err != nil || !ok {
				return fmt.Errorf("lease %d not granted: %v", len(took), err)
			}
			release()
		}
		slices.Sort(took)
		q := func(p float64) int64 { return took[int(p*float64(len(took)-1))].Microseconds() }
		say("timed %d %d %d", q(0.5), q(0.99), q(1))
	}
	return nil
}
