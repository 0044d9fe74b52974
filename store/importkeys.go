package store

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/csvfile"
	"github.com/keydesk/keydesk/store/index"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// importKeysAt checks every row, then writes the keys as one bulk: each
// key a record in id order, each index in its own order, and one audit
// entry per key (its first, T1 through the model like any change) in runs.
// Until commit bbolt keeps a bucket's new entries in one node, where an
// insert in the middle moves every entry after it, so nothing is written
// twice or out of order; the indexes get theirs merged into their runs
// (keyindex.go). What needs no transaction (the model, the
// encodings, the hashes) is done on the other core meanwhile: the records
// first, which are stored while the audit entries are chained.
func (s *Store) importKeysAt(tx *bolt.Tx, env *applyEnv, rows []KeyRow, now time.Time) error {
	by := env.By
	inputs, extras, indexes, err := s.checkKeyRows(tx, rows)
	if err != nil {
		return err
	}
	n := uint64(len(inputs))
	touchAll(tx)
	keys := tx.Bucket(bucketKeys)
	t := openTrail(tx)
	actor, err := t.actorID(by)
	if err != nil {
		return err
	}
	meta := tx.Bucket(bucketMeta)
	b := &keysBulk{
		firstID: keys.Sequence() + 1, firstSeq: t.entries.Sequence() + 1, now: now, by: by, random: env.Random,
		runs: newRunPacker(actor, by, tx.DB().Info().PageSize), prevHash: hex.EncodeToString(meta.Get(metaAuditHead)),
		seal: s.entrySeal, sealing: tx.Bucket(bucketEntrySeals) != nil,
	}
	if err := keys.SetSequence(b.firstID + n - 1); err != nil {
		return err
	}
	if err := t.entries.SetSequence(b.firstSeq + n - 1); err != nil {
		return err
	}
	recorded, built := make(chan error, 1), make(chan error, 1)
	go func() { built <- b.build(rows, inputs, extras, recorded) }()

	for _, ix := range indexes {
		if err := s.keyIndex(tx, ix.bucket).Insert(ix.entries(b.firstID)); err != nil {
			<-built
			return err
		}
	}
	if err := <-recorded; err != nil {
		<-built
		return err
	}
	keys.FillPercent = 1 // ids only grow
	var id [8]byte       // bbolt copies a key, not a value
	for i, record := range b.records {
		binary.BigEndian.PutUint64(id[:], b.firstID+uint64(i))
		if err := keys.Put(id[:], record); err != nil {
			<-built
			return err
		}
	}
	if err := <-built; err != nil {
		return err
	}
	t.entries.FillPercent = 1
	for _, run := range b.runs.done {
		if err := t.entries.Put(record.ID(run.first), run.value); err != nil {
			return err
		}
	}
	if err := meta.Put(metaAuditHead, record.StoredHashRaw(b.runs.done[len(b.runs.done)-1].value)); err != nil {
		return err
	}
	if b.sealing {
		if err := putImportSeal(tx, b.firstSeq+n-1, b.sealValue); err != nil {
			return err
		}
	}
	return countImported(tx, b.counted)
}

// importCounts are the counts an import adds to: every key is Ready, and
// counted under its profile and its licence's end day.
type importCounts struct {
	ready    uint64
	profiles map[uint64]uint64
	days     map[uint64]uint64
}

func countImported(tx *bolt.Tx, c importCounts) error {
	if err := addToCount(tx.Bucket(bucketCounts), countKey(model.Ready), c.ready); err != nil {
		return err
	}
	for id, n := range c.profiles {
		if err := addToCount(tx.Bucket(bucketProfileCounts), record.ID(id), n); err != nil {
			return err
		}
	}
	for day, n := range c.days {
		if err := addToCount(tx.Bucket(bucketLicenceDays), record.ID(day), n); err != nil {
			return err
		}
	}
	return nil
}

// keysBulk builds an import's key records and audit runs.
type keysBulk struct {
	firstID, firstSeq uint64
	now               time.Time
	by                string
	random            interface{ Read([]byte) (int, error) }
	prevHash          string

	// seal makes the seal of the import's last entry (recordseal.go),
	// kept in sealValue, when sealing (a file of schema 9 on).
	seal      func(from, seq uint64, hash, list []byte) []byte
	sealing   bool
	sealValue []byte

	records [][]byte
	runs    *runPacker
	counted importCounts
}

// build makes the records and says so on recorded, then the audit runs;
// it returns the first error of either.
func (b *keysBulk) build(rows []KeyRow, inputs []model.KeyInput, extras []keyExtras, recorded chan<- error) error {
	changes, err := b.buildRecords(rows, inputs, extras)
	recorded <- err
	if err != nil {
		return err
	}
	return b.buildRuns(changes)
}

// imported is what an import's transition did to one key, for its audit
// entry.
type imported struct {
	serial       string
	action       model.Action
	from, status model.Status
	reason       model.Reason
}

func (b *keysBulk) buildRecords(rows []KeyRow, inputs []model.KeyInput, extras []keyExtras) ([]imported, error) {
	var held arena
	b.records = make([][]byte, len(inputs))
	changes := make([]imported, len(inputs))
	b.counted = importCounts{profiles: map[uint64]uint64{}, days: map[uint64]uint64{}}
	ev := model.Event{Kind: model.EventImport, Now: b.now, Random: b.random}
	for i, in := range inputs {
		id, seq := b.firstID+uint64(i), b.firstSeq+uint64(i)
		ch, err := model.Transition(model.Key{ID: id, Serial: in.Serial, MAC: in.MAC, Model: in.Model, Firmware: in.Firmware, RFID: in.RFID,
			ProfileID: extras[i].profile, AppliedProfileID: extras[i].profile, LicenceUntil: extras[i].licence}, ev)
		if err != nil {
			return nil, lineError(rows[i].Line, err)
		}
		if ch.Key.Status != model.Ready || ch.Key.Code != nil {
			return nil, fmt.Errorf("an import made key %s %s: it counts only Ready keys without a code", ch.Key.Serial, ch.Key.Status)
		}
		ch.Key.Rev = 1
		b.records[i] = held.hold(func(buf []byte) []byte { return record.AppendKey(buf, ch.Key, seq) })
		b.counted.ready++
		b.counted.profiles[ch.Key.ProfileID]++
		if day := record.LicenceDay(ch.Key.LicenceUntil); day != 0 {
			b.counted.days[day]++
		}
		changes[i] = imported{serial: ch.Key.Serial, action: ch.Action, from: ch.From, status: ch.Key.Status, reason: ch.Key.Reason}
	}
	return changes, nil
}

// buildRuns chains each key's first audit entry and packs them in runs.
func (b *keysBulk) buildRuns(changes []imported) error {
	var sealer model.Sealer
	var list []byte
	if b.sealing {
		list = importedWrites(b.firstID, b.records)
	}
	for i, ch := range changes {
		id, seq := b.firstID+uint64(i), b.firstSeq+uint64(i)
		e := model.AuditEntry{Seq: seq, Time: b.now, Actor: b.by, Action: ch.action, Target: "key " + ch.serial,
			From: ch.from, To: ch.status, Reason: ch.reason, KeyID: id}
		last := i == len(changes)-1
		if b.sealing && last {
			e.Writes = writesHash(list)
		}
		sealer.Seal(&e, b.prevHash)
		b.prevHash = e.Hash
		if b.sealing && last {
			var hash [record.AuditHashSize]byte
			if err := hexDecode(hash[:], e.Hash); err != nil {
				return err
			}
			b.sealValue = b.seal(b.firstSeq, seq, hash[:], list)
		}
		if err := b.runs.add(storedEntry{AuditEntry: e}); err != nil {
			return err
		}
	}
	b.runs.finish()
	return nil
}

// arena hands out slices of large buffers, which bbolt may keep until
// commit: a few allocations for a whole import rather than some for every
// key for the collector to chase.
type arena struct{ buf []byte }

const arenaChunk = 1 << 20

// hold keeps what appendTo appends.
func (a *arena) hold(appendTo func([]byte) []byte) []byte {
	if cap(a.buf)-len(a.buf) < 512 {
		a.buf = make([]byte, 0, arenaChunk)
	}
	start := len(a.buf)
	a.buf = appendTo(a.buf) // a record that outgrows the chunk moves it, which is fine: the slices given out keep the old one
	return a.buf[start:len(a.buf):len(a.buf)]
}

// importIndex is the new entries of one unique index, in its order.
type importIndex struct {
	bucket []byte
	values []indexEntry
}

// entries are the index's new entries for keys numbered from firstID on,
// their values in one buffer.
func (ix importIndex) entries(firstID uint64) []index.Entry {
	size := 0
	for _, v := range ix.values {
		size += len(v.value)
	}
	buf := make([]byte, 0, size)
	entries := make([]index.Entry, len(ix.values))
	for i, v := range ix.values {
		buf = append(buf, v.value...)
		entries[i] = index.Entry{Value: buf[len(buf)-len(v.value):], ID: firstID + uint64(v.row)}
	}
	return entries
}

type indexEntry struct {
	value string
	row   int // in the import's rows
}

// checkKeyRows normalizes the rows, finds their profiles and licences,
// and checks that no serial, MAC or RFID is twice in the file or already
// in the stock. The bad rows are listed in an *ImportError, in file order.
func (s *Store) checkKeyRows(tx *bolt.Tx, rows []KeyRow) ([]model.KeyInput, []keyExtras, []importIndex, error) {
	inputs := make([]model.KeyInput, len(rows))
	invalid := make([]error, len(rows))
	inParallel(len(rows), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			inputs[i], invalid[i] = model.NormalizeKey(rows[i].KeyInput)
		}
	})
	extras := make([]keyExtras, len(rows))
	profiles := profileIDs{tx: tx}
	var more map[int][]error // a bad row's problems past invalid[i], by row
	for i, row := range rows {
		var errs []error
		if invalid[i] != nil {
			errs = model.KeyProblems(rows[i].KeyInput)
			if len(errs) == 0 {
				errs = []error{invalid[i]}
			}
		}
		x, extraErrs := profiles.extras(row)
		extras[i] = x
		if errs = append(errs, extraErrs...); len(errs) == 0 {
			continue
		}
		invalid[i] = errs[0]
		if len(errs) > 1 {
			if more == nil {
				more = map[int][]error{}
			}
			more[i] = errs[1:]
		}
	}
	fields := []struct {
		label  string
		bucket []byte
		field  func(model.KeyInput) string
	}{
		{"serial", bucketSerials, func(in model.KeyInput) string { return in.Serial }},
		{"MAC address", bucketMACs, func(in model.KeyInput) string { return in.MAC }},
		{"RFID", bucketRFIDs, func(in model.KeyInput) string { return in.RFID }},
	}
	indexes := make([]importIndex, len(fields))
	inParallel(len(fields), func(lo, hi int) {
		for f := lo; f < hi; f++ {
			ix := importIndex{bucket: fields[f].bucket, values: make([]indexEntry, 0, len(rows))}
			for i, in := range inputs {
				if v := fields[f].field(in); invalid[i] == nil && v != "" {
					ix.values = append(ix.values, indexEntry{v, i})
				}
			}
			byValue := func(a, b indexEntry) int { return strings.Compare(a.value, b.value) }
			if !slices.IsSortedFunc(ix.values, byValue) {
				slices.SortStableFunc(ix.values, byValue) // stable: the rows of one value stay in file order
			}
			indexes[f] = ix
		}
	})
	// What is wrong with each row's fields: the line the value is also on
	// (the one before), or -1 when it is in the stock already.
	clash := make([][]int, len(fields))
	for f, ix := range indexes {
		clash[f] = make([]int, len(rows))
		stored := s.keyIndex(tx, ix.bucket)
		values := make([]string, len(ix.values))
		for j, v := range ix.values {
			values[j] = v.value
		}
		inStock, err := stored.Contains(values)
		if err != nil {
			return nil, nil, nil, err
		}
		for j, v := range ix.values {
			if j > 0 && ix.values[j-1].value == v.value {
				clash[f][v.row] = rows[ix.values[j-1].row].Line
			} else if inStock[j] {
				clash[f][v.row] = -1
			}
		}
	}
	var bad csvfile.BadRows
	for i, row := range rows {
		if invalid[i] != nil {
			bad.Add(row.Line, invalid[i].Error())
			for _, err := range more[i] {
				bad.Add(row.Line, err.Error())
			}
			continue
		}
		for f := range fields {
			value := fields[f].field(inputs[i])
			switch line := clash[f][i]; {
			case line > 0:
				bad.Add(row.Line, fmt.Sprintf("%s %s is also on line %d", fields[f].label, value, line))
			case line < 0:
				bad.Add(row.Line, fmt.Sprintf("%s %s is already in the stock", fields[f].label, value))
			}
		}
	}
	if bad.Found() {
		return nil, nil, nil, bad.Err()
	}
	return inputs, extras, indexes, nil
}

// inParallel calls fn on slices of [0, n) on every core.
func inParallel(n int, fn func(lo, hi int)) {
	parts := min(runtime.GOMAXPROCS(0), n)
	if parts <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(p*n/parts, (p+1)*n/parts)
		}()
	}
	wg.Wait()
}
