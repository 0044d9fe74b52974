package store

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/keydesk/keydesk/store/index"
	bolt "go.etcd.io/bbolt"
)

// tIndexEntries is every value in one of the keys' indexes and its id,
// checking that the runs are in order and each is stored under its first
// value.
func tIndexEntries(t *testing.T, tx *bolt.Tx, name []byte) map[string]uint64 {
	t.Helper()
	entries := map[string]uint64{}
	var last []byte
	err := tx.Bucket(name).ForEach(func(k, v []byte) error {
		run, err := index.DecodeRun(v)
		if err != nil {
			return err
		}
		if len(run) == 0 || !bytes.Equal(run[0].Value, k) {
			t.Errorf("%s: the run under %q does not begin with it", name, k)
		}
		for _, e := range run {
			if last != nil && bytes.Compare(last, e.Value) >= 0 {
				t.Errorf("%s: %q comes after %q", name, e.Value, last)
			}
			last = e.Value
			entries[string(e.Value)] = e.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// tIndexValues counts the values in one of the keys' indexes.
func tIndexValues(t *testing.T, tx *bolt.Tx, name []byte) int {
	t.Helper()
	return len(tIndexEntries(t, tx, name))
}

// The run index against a map: random inserts (alone and in bulk),
// replacements, removals and lookups, committed in several transactions.
func TestRunIndexAgainstAMap(t *testing.T) {
	s, _ := tOpen(t)
	want := map[string]uint64{}
	rng := rand.New(rand.NewPCG(7, 8))
	value := func() string { return fmt.Sprintf("V%05d", rng.IntN(3000)) }
	for round := range 30 {
		err := s.db.Update(func(tx *bolt.Tx) error {
			ix := s.keyIndex(tx, bucketRFIDs)
			switch round % 3 {
			case 0: // a bulk, as an import makes it
				bulk := map[string]uint64{}
				for range rng.IntN(400) {
					bulk[value()] = rng.Uint64N(1e6) + 1
				}
				var entries []index.Entry
				for v, id := range bulk {
					entries = append(entries, index.Entry{Value: []byte(v), ID: id})
					want[v] = id
				}
				slices.SortFunc(entries, func(a, b index.Entry) int { return bytes.Compare(a.Value, b.Value) })
				if err := ix.Insert(entries); err != nil {
					return err
				}
			default: // one at a time, as edits do
				for range 60 {
					v, id := value(), rng.Uint64N(1e6)+1
					old := ""
					if rng.IntN(2) == 0 {
						for o := range want {
							old = o
							break
						}
					}
					if old == v {
						continue
					}
					if err := ix.Reindex(old, v, id); err != nil {
						return err
					}
					delete(want, old)
					want[v] = id
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		s.db.View(func(tx *bolt.Tx) error {
			ix := s.keyIndex(tx, bucketRFIDs)
			if n := tIndexValues(t, tx, bucketRFIDs); n != len(want) {
				t.Fatalf("round %d: %d values in the index, want %d", round, n, len(want))
			}
			for i := range 3000 {
				v := fmt.Sprintf("V%05d", i)
				if id, err := ix.Get(v); err != nil || id != want[v] {
					t.Fatalf("round %d: %s names %d (%v), want %d", round, v, id, err, want[v])
				}
			}
			for _, step := range []int{1, 97} { // every value, and a few far apart
				values := []string{"", "A", "V"} // before every value, then some, then after them
				for i := 0; i < 3000; i += step {
					values = append(values, fmt.Sprintf("V%05d", i))
				}
				values = append(values, "W", "Z")
				found, err := ix.Contains(values)
				if err != nil {
					t.Fatal(err)
				}
				for i, v := range values {
					if _, in := want[v]; found[i] != in {
						t.Fatalf("round %d: contains says %s is in the index: %v, want %v", round, v, found[i], in)
					}
				}
			}
			for _, v := range []string{"", "A", "V", "Z"} { // before, between and after every value
				if id, err := ix.Get(v); err != nil || id != 0 {
					t.Fatalf("round %d: %q names %d (%v)", round, v, id, err)
				}
			}
			return nil
		})
	}
	if len(want) < 1000 {
		t.Fatalf("the test left only %d values: it covers too little", len(want))
	}
}
