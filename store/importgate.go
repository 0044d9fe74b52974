package store

import "sync"

// importGate keeps everyone else out of the file while an import written
// in chunks (importchunks.go) is between its first transaction and its
// last: writes wait, so that none lands between two chunks (the rows were
// checked against the file as it was), and reads wait, so that nobody
// sees half an import. Hiding the import's ids from every read path
// (keys, indexes, counts, the audit trail, a backup) would be more code in
// more places for the same answer; the wait is one import's time, and an
// import holds the claim of importlock.go, so it comes rarely.
//
// Reads that began before the gate closed are not waited for: bbolt
// gives them the file as it was, without the import. Writes that began
// before are: the import's first transaction would otherwise run after
// them and check against a file they then change.
type importGate struct {
	mu      sync.Mutex
	changed *sync.Cond
	writes  int  // write transactions under way
	closed  bool // an import is running: new writes wait
	hidden  bool // and new reads wait
}

func (g *importGate) cond() *sync.Cond {
	if g.changed == nil {
		g.changed = sync.NewCond(&g.mu)
	}
	return g.changed
}

// enterRead waits while an import runs.
func (g *importGate) enterRead() {
	g.mu.Lock()
	for g.hidden {
		g.cond().Wait()
	}
	g.mu.Unlock()
}

// enterWrite waits while an import runs, then counts the write until
// leaveWrite.
func (g *importGate) enterWrite() {
	g.mu.Lock()
	for g.closed {
		g.cond().Wait()
	}
	g.writes++
	g.mu.Unlock()
}

func (g *importGate) leaveWrite() {
	g.mu.Lock()
	g.writes--
	g.cond().Broadcast()
	g.mu.Unlock()
}

// close waits for the writes under way, then holds new reads and writes
// until open. Reads are held only once the writes are done, so that a
// write that reads inside its transaction is not left waiting on us.
func (g *importGate) close() {
	g.mu.Lock()
	for g.closed {
		g.cond().Wait() // another import (the claim of importlock.go makes it rare)
	}
	g.closed = true
	for g.writes > 0 {
		g.cond().Wait()
	}
	g.hidden = true
	g.mu.Unlock()
}

func (g *importGate) open() {
	g.mu.Lock()
	g.closed, g.hidden = false, false
	g.cond().Broadcast()
	g.mu.Unlock()
}
