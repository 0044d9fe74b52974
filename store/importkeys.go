package store

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/index"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// importChunkKeys is how many keys one chunk of an import writes: each
// chunk is a transaction of its own on a single node (importchunks.go),
// and what bbolt holds until a commit is what one chunk wrote, whatever
// the size of the import. At a million keys, chunks of 25,000 peaked
// some 15 MB lower than chunks of 50,000, in about the same time.
// Changing it changes where the index runs are cut (not what they
// hold, nor the records and audit entries): the same command writes the
// same bytes with the same size.
var importChunkKeys uint64 = 25_000

// importKeysAt checks every row, then writes the keys in chunks: each
// chunk the records of the next ids, the next values of each index in
// its order, and one audit entry per key (its first, T1 through the model
// like any change) in runs. How the import is cut into chunks depends on
// the import alone, so that the same command writes the same bytes
// whether its chunks share one transaction (a replay, a cluster node, a
// group commit) or each has its own (a large import on a single node,
// importchunks.go). Until the last chunk is written, an "import in
// progress" record (importprogress.go) says what to take back.
func (s *Store) importKeysAt(tx *bolt.Tx, env *applyEnv, rows keySource, now time.Time) error {
	imp, err := s.beginKeyImport(tx, env, rows, now)
	if err != nil {
		return err
	}
	if run := chunkedRunOf(tx); run != nil {
		run.imp = imp // the chunks follow in transactions of their own
		return nil
	}
	return imp.writeAll(func(fn func(*bolt.Tx) error) error { return fn(tx) })
}

// keyImport is an import of keys that has been checked and not written
// yet. It holds what the chunks need compactly: the rows as read, and the
// index values in order; each chunk makes its records and entries anew.
type keyImport struct {
	rows              keySource
	firstID, firstSeq uint64
	n                 uint64
	now               time.Time
	by                string
	random            io.Reader
	indexes           []keyImportIndex
	profiles          profileIDs

	runs     *runPacker
	lastRun  []byte // the value of the last run stored, whose hash is the head
	sealer   model.Sealer
	prevHash string

	// seal makes the seal of the import's last entry (recordseal.go),
	// when sealing (a file of schema 9 on); list is the import's records
	// as the last entry lists them, built chunk by chunk.
	seal    func(from, seq uint64, hash, list []byte) []byte
	sealing bool
	list    []byte

	counted importCounts
	written int           // chunks written
	builder *chunkBuilder // makes the chunks, one ahead of the writer
}

// chunks is how many chunks the import is written in.
func (imp *keyImport) chunks() int {
	return int((imp.n + importChunkKeys - 1) / importChunkKeys)
}

// beginKeyImport checks the rows and, in tx, takes the ids and sequence
// numbers the import will use and notes that it is in progress. Once
// the rows are found good on their own, the chunks start being built
// (importbuild.go) while the rest is checked.
func (s *Store) beginKeyImport(tx *bolt.Tx, env *applyEnv, rows keySource, now time.Time) (_ *keyImport, err error) {
	keys := tx.Bucket(bucketKeys)
	t := openTrail(tx)
	actor, err := t.actorID(env.By)
	if err != nil {
		return nil, err
	}
	meta := tx.Bucket(bucketMeta)
	n := uint64(rows.Len())
	imp := &keyImport{
		rows: rows, firstID: keys.Sequence() + 1, firstSeq: t.entries.Sequence() + 1, n: n,
		now: now, by: env.By, random: env.Random, profiles: profileIDs{tx: tx},
		runs: newRunPacker(actor, env.By, tx.DB().Info().PageSize), prevHash: hex.EncodeToString(meta.Get(metaAuditHead)),
		seal: s.entrySeal, sealing: sealPlaceOf(tx) != sealsNone,
		counted: importCounts{profiles: map[uint64]uint64{}, days: map[uint64]uint64{}},
	}
	imp.runs.folded = sealPlaceOf(tx) == sealsFolded // the last entry's seal in its run (schema 10 on)
	defer func() {
		if err != nil {
			imp.stopBuilding()
		}
	}()
	imp.indexes, err = s.checkKeyRows(tx, rows, &imp.profiles, func() {
		imp.profiles.tx = nil // every profile is known: the chunks are built beside the transaction
		imp.startBuilding()
	})
	if err != nil {
		return nil, err
	}
	touchAll(tx)
	progress := importProgress{firstID: imp.firstID, firstSeq: imp.firstSeq, n: n, head: meta.Get(metaAuditHead)}
	if err := putImportProgress(meta, progress); err != nil {
		return nil, err
	}
	if err := keys.SetSequence(imp.firstID + n - 1); err != nil {
		return nil, err
	}
	if err := t.entries.SetSequence(imp.firstSeq + n - 1); err != nil {
		return nil, err
	}
	return imp, nil
}

// writeAll writes every chunk, then finishes, each in the transaction
// in gives it.
func (imp *keyImport) writeAll(in func(func(*bolt.Tx) error) error) error {
	defer imp.stopBuilding()
	for imp.written < imp.chunks() {
		if err := in(imp.writeChunk); err != nil {
			return err
		}
	}
	return in(imp.finish)
}

// writeChunk writes the next chunk: its keys and their audit entries,
// made by the builder (importbuild.go), and the same share of each
// index's values in order, so that a chunk touches one range of each
// bucket's pages.
func (imp *keyImport) writeChunk(tx *bolt.Tx) error {
	k := imp.written
	for f := range imp.indexes { // ready before the chunk is built
		ix := &imp.indexes[f]
		entries := ix.take(k, imp.firstID)
		if len(entries) == 0 {
			continue
		}
		if err := index.OpenRuns(tx.Bucket(ix.bucket), false).Insert(entries); err != nil {
			return err
		}
	}
	built := imp.nextBuilt()
	if built.err != nil {
		return built.err
	}
	keys := tx.Bucket(bucketKeys)
	keys.FillPercent = 1 // ids only grow
	var id [8]byte       // bbolt copies a key, not a value
	first := imp.firstID + uint64(k)*importChunkKeys
	for j, rec := range built.records {
		binary.BigEndian.PutUint64(id[:], first+uint64(j))
		if err := keys.Put(id[:], rec); err != nil {
			return err
		}
	}
	entries := openTrail(tx).entries
	entries.FillPercent = 1
	for _, run := range built.runs {
		if err := entries.Put(record.ID(run.first), run.value); err != nil {
			return err
		}
		imp.lastRun = run.value
	}
	imp.written++
	return nil
}

// buildChunk makes chunk k's key records and audit runs: the model, the
// encodings and the hashes, which need no transaction.
func (imp *keyImport) buildChunk(k int) (built builtChunk) {
	lo, hi := uint64(k)*importChunkKeys, min(imp.n, uint64(k+1)*importChunkKeys)
	last := hi == imp.n
	if imp.sealing && imp.list == nil {
		// Its size is known: each key's write is as long as the first's.
		one := len(appendWrite(nil, sealedWrite{recordRef: recordRef{kind: sealKey, id: string(record.ID(imp.firstID))}}))
		imp.list = binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64+int(imp.n)*one), imp.n)
	}
	var held arena
	ev := model.Event{Kind: model.EventImport, Now: imp.now, Random: imp.random}
	built.records = make([][]byte, 0, hi-lo)
	var id [8]byte
	for i := lo; i < hi; i++ {
		row := imp.rows.Row(int(i))
		if i == imp.n-1 {
			imp.rows = nil // read to the end: a file's table can go before the seal's copies are made
		}
		in, err := model.NormalizeKey(row.KeyInput)
		if err != nil {
			return builtChunk{err: lineError(row.Line, err)} // checked before: the rows changed?
		}
		x, errs := imp.profiles.extras(row)
		if len(errs) > 0 {
			return builtChunk{err: lineError(row.Line, errs[0])}
		}
		kid, seq := imp.firstID+i, imp.firstSeq+i
		ch, err := model.Transition(model.Key{ID: kid, Serial: in.Serial, MAC: in.MAC, Model: in.Model, Firmware: in.Firmware, RFID: in.RFID,
			ProfileID: x.profile, AppliedProfileID: x.profile, LicenceUntil: x.licence}, ev)
		if err != nil {
			return builtChunk{err: lineError(row.Line, err)}
		}
		if ch.Key.Status != model.Ready || ch.Key.Code != nil {
			return builtChunk{err: fmt.Errorf("an import made key %s %s: it counts only Ready keys without a code", ch.Key.Serial, ch.Key.Status)}
		}
		ch.Key.Rev = 1
		rec := held.hold(func(buf []byte) []byte { return record.AppendKey(buf, ch.Key, seq) })
		built.records = append(built.records, rec)
		imp.counted.ready++
		imp.counted.profiles[ch.Key.ProfileID]++
		if day := record.LicenceDay(ch.Key.LicenceUntil); day != 0 {
			imp.counted.days[day]++
		}
		if imp.sealing {
			binary.BigEndian.PutUint64(id[:], kid)
			imp.list = appendWrite(imp.list, sealedWrite{recordRef: recordRef{kind: sealKey, id: string(id[:])}, sum: recordDigest(sealKey, rec)})
		}
		if err := imp.audit(ch, kid, seq, last && i == hi-1); err != nil {
			return builtChunk{err: err}
		}
	}
	if last {
		imp.runs.close()
	}
	built.runs, imp.runs.done = imp.runs.done, nil
	return built
}

// audit chains a key's first entry and packs it in the runs.
func (imp *keyImport) audit(ch model.Change, kid, seq uint64, last bool) error {
	e := model.AuditEntry{Seq: seq, Time: imp.now, Actor: imp.by, Action: ch.Action, Target: "key " + ch.Key.Serial,
		From: ch.From, To: ch.Key.Status, Reason: ch.Key.Reason, KeyID: kid}
	if imp.sealing && last {
		e.Writes = writesHash(imp.list)
	}
	imp.sealer.Seal(&e, imp.prevHash)
	imp.prevHash = e.Hash
	if imp.sealing && last {
		var hash [record.AuditHashSize]byte
		if err := hexDecode(hash[:], e.Hash); err != nil {
			return err
		}
		imp.list = imp.seal(imp.firstSeq, seq, hash[:], imp.list) // the seal's value, with the list in it
	}
	se := storedEntry{AuditEntry: e}
	if !(imp.runs.folded && imp.sealing && last) {
		return imp.runs.add(se)
	}
	// The seal holds the list, a few dozen bytes a key: it is kept in its
	// run only, and the runs let go of their buffers when closed.
	se.seal, imp.list = imp.list, nil
	return imp.runs.add(se)
}

// finish sets the audit head, stores the seal, counts the keys and takes
// the "in progress" record away: the import is whole.
func (imp *keyImport) finish(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	if err := meta.Put(metaAuditHead, record.StoredHashRaw(imp.lastRun)); err != nil {
		return err
	}
	if imp.sealing {
		if !imp.runs.folded { // schema 9: beside the entry
			if err := putImportSeal(tx, imp.firstSeq+imp.n-1, imp.list); err != nil {
				return err
			}
		}
		imp.list = nil
	}
	if err := countImported(tx, imp.counted); err != nil {
		return err
	}
	return meta.Delete(metaImportProgress)
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

// arena hands out slices of large buffers, which bbolt may keep until
// commit: a few allocations for a chunk rather than some for every key
// for the collector to chase.
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
