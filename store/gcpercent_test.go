package store

import (
	"runtime/debug"
	"testing"
)

// Two operations that lower GOGC at once, ended in either order, leave
// it as it was; while either runs it is the lower of theirs.
func TestLowerGCRestoresWhenTheLastEnds(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	gogc := func() int { p := debug.SetGCPercent(-1); debug.SetGCPercent(p); return p }
	verify := lowerGC(40)
	imp := lowerGC(25)
	if got := gogc(); got != 25 {
		t.Errorf("GOGC %d with both running, want 25", got)
	}
	verify()
	if got := gogc(); got != 25 {
		t.Errorf("GOGC %d with the import running, want 25", got)
	}
	again := lowerGC(40)
	if got := gogc(); got != 25 {
		t.Errorf("GOGC %d: a later operation raised it", got)
	}
	imp()
	again()
	again() // twice: once only
	if got := gogc(); got != 100 {
		t.Errorf("GOGC %d after both, want 100", got)
	}
}
