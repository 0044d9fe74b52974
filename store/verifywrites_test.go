package store

import (
	"crypto/sha256"
	"testing"
)

// The tables of audit verify give back what was put, for ids in the
// arrays and past them, and list what was never taken in id order.
func TestLastWritesKeepsEachRecordsLastWrite(t *testing.T) {
	tab := newLastWrites(100)
	sum := func(s string) [sha256.Size]byte { return sha256.Sum256([]byte(s)) }
	tab.put(0, lastWrite{seq: 0, sum: sum("genesis")}) // the file's first records: entry 0
	tab.put(5, lastWrite{seq: 3, sum: sum("a")})
	tab.put(5, lastWrite{seq: 9, sum: sum("b")}) // the last write wins
	tab.put(7, lastWrite{seq: 4, gone: true})
	tab.put(1<<40, lastWrite{seq: 11, sum: sum("far")}) // past the bucket's sequence
	tab.put(60, lastWrite{seq: 12, sum: sum("left")})

	if lw, ok := tab.take(5); !ok || lw.seq != 9 || !lw.matches(sum("b")) || lw.matches(sum("a")) {
		t.Errorf("id 5: %+v %v, want entry 9 matching b only", lw, ok)
	}
	if _, ok := tab.take(5); ok {
		t.Error("id 5 taken twice")
	}
	if lw, ok := tab.take(0); !ok || lw.seq != 0 || !lw.matches(sum("genesis")) {
		t.Errorf("id 0: %+v %v, want entry 0", lw, ok)
	}
	if lw, ok := tab.take(1 << 40); !ok || lw.seq != 11 || !lw.matches(sum("far")) {
		t.Errorf("far id: %+v %v", lw, ok)
	}
	if _, ok := tab.take(6); ok {
		t.Error("id 6 was never written")
	}
	var left []uint64
	tab.left(func(id uint64, lw lastWrite) {
		left = append(left, id)
		if id == 7 && (!lw.gone || lw.seq != 4) {
			t.Errorf("id 7: %+v, want removed by entry 4", lw)
		}
	})
	if len(left) != 2 || left[0] != 7 || left[1] != 60 {
		t.Errorf("left %v, want [7 60]", left)
	}
	if len(tab.seqs) > 101 {
		t.Errorf("the arrays grew to %d, past the limit", len(tab.seqs))
	}
}
