package store

import bolt "go.etcd.io/bbolt"

// walkRelease is how many records a whole-bucket walk reads between two
// releases of the file's pages (releaseMapped): at a few hundred bytes a
// record, some megabytes of the map are resident at a time.
var walkRelease = 1 << 14

// runRelease is walkRelease for the audit trail's runs, which fill a
// page or more each.
var runRelease = 1 << 10

// mappedWalk releases the file's pages every walkRelease records of a
// walk in tx (every `every`, when set).
type mappedWalk struct {
	tx    *bolt.Tx
	n     int
	every int
}

func (w *mappedWalk) step() {
	every := w.every
	if every == 0 {
		every = walkRelease
	}
	if w.n++; w.n%every == 0 {
		releaseMapped(w.tx)
	}
}
