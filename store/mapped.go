package store

import bolt "go.etcd.io/bbolt"

// walkRelease is how many records a whole-bucket walk reads between two
// releases of the file's pages (releaseMapped): at a few hundred bytes a
// record, some megabytes of the map are resident at a time.
var walkRelease = 1 << 14

// mappedWalk releases the file's pages every walkRelease records of a
// walk in tx.
type mappedWalk struct {
	tx *bolt.Tx
	n  int
}

func (w *mappedWalk) step() {
	if w.n++; w.n%walkRelease == 0 {
		releaseMapped(w.tx)
	}
}
