package store

import (
	"runtime/debug"
	"sync"
)

// The whole-table operations (an import, audit verify) hold large tables
// for a while: at the collector's default (GOGC 100) the heap grows to
// twice what they hold before it runs, which at a million records is
// hundreds of megabytes of garbage. While one runs the collector runs
// sooner; it costs CPU, not memory. GOGC is the process's: serve's other
// sessions run with it too, until the last such operation ends.
var lowGC struct {
	mu      sync.Mutex
	running int
	saved   int // GOGC before the first
}

// lowerGC sets GOGC to percent (or keeps a lower one already set) until
// restore is called.
func lowerGC(percent int) (restore func()) {
	lowGC.mu.Lock()
	defer lowGC.mu.Unlock()
	was := debug.SetGCPercent(percent)
	if lowGC.running == 0 {
		lowGC.saved = was
	} else if was >= 0 && was < percent {
		debug.SetGCPercent(was) // another asked for less
	}
	lowGC.running++
	var once sync.Once
	return func() {
		once.Do(func() {
			lowGC.mu.Lock()
			defer lowGC.mu.Unlock()
			if lowGC.running--; lowGC.running == 0 {
				debug.SetGCPercent(lowGC.saved)
			}
		})
	}
}

// The GOGC of each: verify keeps about 50 bytes a record (verifywrites.go);
// an import holds its rows and what it writes until its commit.
const (
	verifyGCPercent = 40
	importGCPercent = 25
)

// bigImport is the rows from which an import lowers GOGC: below it what
// it holds is small beside the process (serve's other sessions keep
// their own pace).
const bigImport = 10_000
