package store

import (
	"testing"

	"github.com/keydesk/keydesk/model"
)

// BenchmarkAssignUnflushed is BenchmarkAssign with bbolt's flushes off:
// the reads, the model, the encodings and the page writes to the cache.
// What BenchmarkAssign takes more is its commit's two flushes: the
// transaction's pages (14 for an assign in this database, by bbolt's
// stats: a leaf and its branches in keys, employees, codes and audit, the
// root bucket's page, the freelist), then the meta page that makes them
// current.
func BenchmarkAssignUnflushed(b *testing.B) {
	s := benchStore(b)
	serials, emails := benchPairs(b, s, b.N)
	s.db.Load().NoSync = true
	defer func() { s.db.Load().NoSync = false }()
	againstFsync(b, bench.dir, func(i int) {
		if _, err := s.AssignKey(model.LocalAdmin("bench"), Serial(serials[i]), emails[i]); err != nil {
			b.Fatal(err)
		}
	})
}
