package telephony

import "testing"

func TestOutboxKeepsOrderAndLimit(t *testing.T) {
	q := newOutbox(3)
	for i := range 3 {
		if !q.push(outItem{kind: outMark, text: string(rune('a' + i))}) {
			t.Fatalf("push %d refused under the limit", i)
		}
	}
	if q.push(outItem{kind: outMark, text: "d"}) {
		t.Fatal("push beyond the limit accepted")
	}
	got := q.take(nil)
	if len(got) != 3 || got[0].text != "a" || got[2].text != "c" {
		t.Fatalf("took %+v", got)
	}
	if !q.push(outItem{kind: outMark, text: "e"}) {
		t.Fatal("push refused after the writer took the queue")
	}
	if again := q.take(got); len(again) != 1 || again[0].text != "e" {
		t.Fatalf("took %+v", again)
	}
}

// Once its two arrays are big enough, a steady stream of frames and
// marks allocates nothing.
func TestOutboxAllocatesNothingOnceGrown(t *testing.T) {
	q := newOutbox(512)
	frame := make([]byte, 160)
	var batch []outItem
	step := func() {
		q.push(outItem{kind: outAudio, data: frame})
		q.push(outItem{kind: outMark, text: "r1:800"})
		batch = q.take(batch)
	}
	step()
	step()
	if n := testing.AllocsPerRun(100, step); n != 0 {
		t.Fatalf("%v allocations a frame", n)
	}
}
