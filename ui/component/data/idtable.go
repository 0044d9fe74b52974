package data

// idTable finds a record's position by its id. Ids come from bbolt's
// NextSequence, so they are dense: a slice indexed by id is smaller and
// faster than a map. A database with sparse ids (many deletions) falls
// back to a map.
type idTable struct {
	dense  []int32 // position+1 by id; 0 = none
	sparse map[uint64]int32
	added  map[uint64]int32 // records added since the table was built (update.go)
}

func newIDTable(n int, id func(i int) uint64) idTable {
	var maxID uint64
	for i := 0; i < n; i++ {
		maxID = max(maxID, id(i))
	}
	if maxID > uint64(4*n+1024) {
		t := idTable{sparse: make(map[uint64]int32, n)}
		for i := 0; i < n; i++ {
			t.sparse[id(i)] = int32(i)
		}
		return t
	}
	t := idTable{dense: make([]int32, maxID+1)}
	for i := 0; i < n; i++ {
		t.dense[id(i)] = int32(i) + 1
	}
	return t
}

func (t idTable) get(id uint64) (int32, bool) {
	if i, ok := t.added[id]; ok {
		return i, true
	}
	if t.sparse != nil {
		i, ok := t.sparse[id]
		return i, ok
	}
	if id >= uint64(len(t.dense)) || t.dense[id] == 0 {
		return 0, false
	}
	return t.dense[id] - 1, true
}

// with is the table with one more record: the table it came from is
// left as it was (another version of the index reads it).
func (t idTable) with(id uint64, pos int32) idTable {
	added := make(map[uint64]int32, len(t.added)+1)
	for k, v := range t.added {
		added[k] = v
	}
	added[id] = pos
	t.added = added
	return t
}
