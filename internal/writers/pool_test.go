package writers

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/switchboard-voice/switchboard/internal/testkit"
)

// socket is a slot writing a queue of messages to one end of a pipe.
type socket struct {
	conn     net.Conn
	deadline time.Duration
	slot     *Slot

	mu     sync.Mutex
	queue  [][]byte
	failed error
}

func newSocket(p *Pool, conn net.Conn, deadline time.Duration) *socket {
	k := &socket{conn: conn, deadline: deadline}
	k.slot = NewSlot(p, k.flush)
	return k
}

func (k *socket) send(b []byte) {
	k.mu.Lock()
	k.queue = append(k.queue, b)
	k.mu.Unlock()
	k.slot.Notify()
}

func (k *socket) flush() {
	k.mu.Lock()
	q := k.queue
	k.queue = nil
	k.mu.Unlock()
	for _, b := range q {
		_ = k.conn.SetWriteDeadline(time.Now().Add(k.deadline))
		if _, err := k.conn.Write(b); err != nil {
			k.mu.Lock()
			k.failed = err
			k.mu.Unlock()
			_ = k.conn.Close()
			return
		}
	}
}

func (k *socket) err() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.failed
}

// reader reads n bytes from c and reports them on got.
func reader(t *testing.T, c net.Conn, n int) <-chan []byte {
	got := make(chan []byte, 1)
	go func() {
		b := make([]byte, n)
		_, err := io.ReadFull(c, b)
		if err != nil {
			t.Error(err)
		}
		got <- b
	}()
	return got
}

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestWritesGoOnWhileAPeerStalls(t *testing.T) {
	p := New(4)
	stalledEnd, stalledPeer := net.Pipe() // the peer never reads
	defer stalledPeer.Close()
	stalled := newSocket(p, stalledEnd, time.Hour)
	stalled.send([]byte("never read"))

	for i := range 3 {
		end, peer := net.Pipe()
		k := newSocket(p, end, time.Hour)
		got := reader(t, peer, 4)
		k.send([]byte("ab"))
		k.send([]byte("cd"))
		if b := <-got; string(b) != "abcd" {
			t.Fatalf("socket %d: peer read %q", i, b)
		}
		k.slot.Stop()
		end.Close()
		peer.Close()
	}
	if err := stalled.err(); err != nil {
		t.Fatalf("the stalled socket failed early: %v", err)
	}
	stalledEnd.Close() // frees its writer
	testkit.Eventually(t, 30*time.Second, func() error {
		if stalled.err() == nil {
			return errors.New("the stalled socket has not failed")
		}
		return nil
	})
	stalled.slot.Stop()
}

func TestAStallHoldsTheLastWriterOnlyUntilItsDeadline(t *testing.T) {
	p := New(1)
	stalledEnd, stalledPeer := net.Pipe()
	defer stalledPeer.Close()
	stalled := newSocket(p, stalledEnd, 100*time.Millisecond)
	stalled.send([]byte("never read"))

	end, peer := net.Pipe()
	defer peer.Close()
	k := newSocket(p, end, time.Hour)
	got := reader(t, peer, 2)
	k.send([]byte("ok"))
	if b := <-got; string(b) != "ok" {
		t.Fatalf("peer read %q", b)
	}
	if err := stalled.err(); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the stalled socket: %v, want its deadline exceeded", err)
	}
	if n := p.Workers(); n != 1 {
		t.Fatalf("%d writers, bound 1", n)
	}
	stalled.slot.Stop()
	k.slot.Stop()
}

func TestNotifyDuringAFlushFlushesAgain(t *testing.T) {
	p := New(2)
	var mu sync.Mutex
	flushes := 0
	var s *Slot
	second := make(chan struct{})
	s = NewSlot(p, func() {
		mu.Lock()
		flushes++
		n := flushes
		mu.Unlock()
		switch n {
		case 1:
			s.Notify() // arrives while this flush runs
		case 2:
			close(second)
		}
	})
	s.Notify()
	<-second
	s.Stop()
	mu.Lock()
	defer mu.Unlock()
	if flushes != 2 {
		t.Fatalf("%d flushes", flushes)
	}
}

func TestNoFlushAfterStop(t *testing.T) {
	p := New(1)
	block, release := make(chan struct{}), make(chan struct{})
	blocker := NewSlot(p, func() { close(block); <-release })
	blocker.Notify()
	<-block // the only writer is busy: the next slot waits in the queue
	ran := make(chan struct{}, 1)
	s := NewSlot(p, func() { ran <- struct{}{} })
	s.Notify()
	s.Stop()
	close(release)
	blocker.Stop()
	// a slot queued behind s runs after it would have
	after := make(chan struct{})
	last := NewSlot(p, func() { close(after) })
	last.Notify()
	<-after
	last.Stop()
	if len(ran) != 0 {
		t.Fatal("a stopped slot was flushed")
	}
}

func TestWritersEndWithTheLastSlot(t *testing.T) {
	p := New(4)
	done := make(chan struct{})
	s := NewSlot(p, func() { close(done) })
	s.Notify()
	<-done
	if n := p.Workers(); n != 1 {
		t.Fatalf("%d writers while a slot is open", n)
	}
	s.Stop()
	if n := p.Workers(); n != 0 {
		t.Fatalf("%d writers left once the last slot stopped", n)
	}
}

// Slots queued behind a busy writer are each flushed once, in order, as
// the queue is compacted while it never drains.
func TestQueueKeepsOrderWhileCompacting(t *testing.T) {
	p := New(1)
	block, release := make(chan struct{}), make(chan struct{})
	blocker := NewSlot(p, func() { close(block); <-release })
	blocker.Notify()
	<-block
	var mu sync.Mutex
	var order []int
	slots := make([]*Slot, 100)
	for i := range slots {
		slots[i] = NewSlot(p, func() {
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			if i < 50 { // keep the queue from draining
				slots[i+50].Notify()
			}
		})
	}
	for _, s := range slots[:50] {
		s.Notify()
	}
	close(release)
	testkit.Eventually(t, 30*time.Second, func() error {
		mu.Lock()
		defer mu.Unlock()
		if len(order) < 100 {
			return errors.New("not every slot was flushed")
		}
		return nil
	})
	for i, n := range order {
		if n != i {
			t.Fatalf("flush %d was slot %d", i, n)
		}
	}
	blocker.Stop()
	for _, s := range slots {
		s.Stop()
	}
}

func TestSharedPoolsByClass(t *testing.T) {
	first, again := Shared("test-a"), Shared("test-a")
	if first != again {
		t.Fatal("one class, two pools")
	}
	if Shared("test-a") == Shared("test-b") {
		t.Fatal("two classes share a pool: one's stalls would hold up the other's writes")
	}
}
