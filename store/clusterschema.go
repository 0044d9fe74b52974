package store

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"time"

	"github.com/keydesk/keydesk/store/cluster"
	"github.com/keydesk/keydesk/store/migrate"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// A cluster node's database is upgraded to a newer schema only through
// the log, on every node at the same index (design 4.13; the leader's
// side is store/cluster/schema.go). Upgraded by Open on one node alone,
// its migration's writes and audit entries would exist there only: its
// trail would fork from the others'. So Open leaves a cluster node's
// older file as it is, and the node runs on it:
//
//   - it applies the log's entries in the file's own schema: the store
//     still writes the shapes of the schema before its own (olderRecords:
//     codes sealed as schemas 5 to 8 did; the trail's record seals only
//     where the file has their bucket), so an entry proposed by a node
//     still on the older keydesk writes the same bytes here as there, and
//     the rolling restart never stops a node;
//   - it refuses the writes asked of it (clusterUpgradePending) until the
//     upgrade entry has applied, so that a newer keydesk never puts in the
//     log a command the older ones might not know; its reads go on, and
//     the nodes still on the older keydesk take writes until they restart;
//   - once every voter's keydesk knows the newer schema, the leader puts
//     one upgrade entry in the log, and every node runs the migration in
//     that entry's apply (Upgrade) with the entry's time and nonces drawn
//     from the entry's id: the same records and audit entries everywhere.
//     A node whose keydesk does not know that schema halts there.

// oldestClusterSchema is the oldest schema a cluster node's file may be
// of and still be upgraded through the log: older migrations (4 -> 5
// makes the key file) run only on a single node's file (design 4.13).
const oldestClusterSchema = keyIndexRunsSchema

// clusterMigration runs the migration from schema v in an upgrade
// entry's apply, deterministic in now and nonces (called by name, so that
// TestWritePathsReadOnlyTheCommand walks it).
func (e replicatedExec) clusterMigration(tx *bolt.Tx, v uint64, now time.Time, nonces io.Reader) (bool, error) {
	switch v {
	case 8:
		return true, migrate.V9At(tx, now, nonces, recordSealing(&Store{box: e.s.box}))
	case 9:
		return true, migrate.V10(tx)
	}
	return false, nil
}

// maxSchema is the newest schema this keydesk writes (a test's schemaCap
// stands for an older keydesk).
func (s *Store) maxSchema() uint64 {
	if s.schemaCap != 0 && s.schemaCap < schemaVersion {
		return s.schemaCap
	}
	return schemaVersion
}

// clusterUpgradeWaits is Open's part: a cluster node's file of an older
// schema is not migrated here; it answers true when the file stays as it
// is (and the store reads and writes it in its own schema).
func (s *Store) clusterUpgradeWaits(from uint64) (bool, error) {
	if from == 0 || !IsClusterNode(s.path) {
		return false, nil
	}
	if from < s.maxSchema() && from < oldestClusterSchema {
		return false, fmt.Errorf("the database %s is a cluster node's, of schema %d, older than a cluster upgrades through its log (%d): "+
			"stop every node, take the most advanced one back to one file (keydesk cluster detach), "+
			"upgrade it, and make a new cluster from it; nothing was changed", s.path, from, oldestClusterSchema)
	}
	s.plainKeyIndexes = from < keyIndexRunsSchema
	s.olderRecords.Store(from < sealedRecordsSchema)
	return true, nil
}

// fileSchema is the schema in the meta bucket of tx.
func fileSchema(tx *bolt.Tx) uint64 {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return 0
	}
	return record.ParseID(meta.Get(metaSchema))
}

// clusterUpgradePending refuses a write on a node whose keydesk is newer
// than the cluster's database, until the upgrade entry has applied.
func (s *Store) clusterUpgradePending() error {
	var file uint64
	if err := s.view(func(tx *bolt.Tx) error { file = fileSchema(tx); return nil }); err != nil {
		return err
	}
	if file == 0 || file >= s.maxSchema() {
		return nil
	}
	return refused("cluster upgrade in progress: this node runs a keydesk of schema %d, the cluster's database is still of schema %d. "+
		"Reads go on; writes work on the nodes still on the older keydesk, and here once every voter runs the new one and the leader has upgraded the database (keydesk cluster status)",
		s.maxSchema(), file)
}

// Schema is the file's schema (cluster.Upgrader).
func (e replicatedExec) Schema(tx *bolt.Tx) uint64 { return fileSchema(tx) }

// MaxSchema is the newest schema this keydesk knows (cluster.Upgrader).
func (e replicatedExec) MaxSchema() uint64 { return e.s.maxSchema() }

// Upgrade runs the migrations from the file's schema to to in the upgrade
// entry's apply. It reads nothing but tx, at and to: the entry's time is
// the audit entries' time, and the seals' nonces come from the entry's id
// (AES-GCM needs them unique, not secret; the id is fresh per entry).
func (e replicatedExec) Upgrade(tx *bolt.Tx, at cluster.Position, to uint64) (cluster.Outcome, error) {
	from := fileSchema(tx)
	if to > e.s.maxSchema() {
		return cluster.Outcome{}, fmt.Errorf("at log index %d the cluster upgrades its database from schema %d to %d, which this keydesk does not know (it knows up to %d). "+
			"Install the keydesk the other nodes run on this node and start it again: it applies the upgrade then (a node never skips a log entry)",
			at.Index, from, to, e.s.maxSchema())
	}
	if to <= from {
		return cluster.Outcome{Result: fmt.Appendf(nil, "the database is of schema %d already", from)}, nil
	}
	var seed [8]byte
	binary.BigEndian.PutUint64(seed[:], to)
	nonces := mrand.NewChaCha8(sha256.Sum256(append(append([]byte("schema upgrade "), at.ID[:]...), seed[:]...)))
	for v := from; v < to; v++ {
		known, err := e.clusterMigration(tx, v, at.Time, nonces)
		if !known {
			return cluster.Outcome{}, fmt.Errorf("at log index %d the cluster upgrades its database from schema %d, which the log cannot upgrade (only from %d on): "+
				"take a node back to one file (keydesk cluster detach), upgrade it, and make a new cluster from it", at.Index, v, oldestClusterSchema)
		}
		if err != nil {
			return cluster.Outcome{}, fmt.Errorf("at log index %d, upgrading the database to schema %d: %w", at.Index, v+1, err)
		}
	}
	if err := tx.Bucket(bucketMeta).Put(metaSchema, record.ID(to)); err != nil {
		return cluster.Outcome{}, err
	}
	// From the next entry on, the store writes the new schema's shapes.
	// (plainKeyIndexes is false from schema 8 on, the oldest a cluster
	// upgrades from: it does not change here.)
	e.s.olderRecords.Store(to < sealedRecordsSchema)
	return cluster.Outcome{Result: fmt.Appendf(nil, "upgraded the database from schema %d to %d", from, to)}, nil
}

// checkSnapshotSchema refuses a snapshot (a file from the leader) of a
// schema this keydesk does not know, or one older than a cluster keeps:
// the node stays behind, and says why, rather than misread it.
func (s *Store) checkSnapshotSchema(db *bolt.DB) error {
	return db.View(func(tx *bolt.Tx) error {
		v := fileSchema(tx)
		switch {
		case v > s.maxSchema():
			return fmt.Errorf("the cluster's snapshot is a database of schema %d, which this keydesk does not know (it knows up to %d): install the keydesk the other nodes run", v, s.maxSchema())
		case v < oldestClusterSchema:
			return fmt.Errorf("the cluster's snapshot is a database of schema %d, older than a cluster node's may be (%d)", v, oldestClusterSchema)
		}
		return nil
	})
}

// schemaReplaced follows the schema of the file a snapshot put in place:
// a node waiting for the upgrade entry may receive a file the upgrade
// entry has already migrated.
func (s *Store) schemaReplaced(db *bolt.DB) {
	db.View(func(tx *bolt.Tx) error {
		s.olderRecords.Store(fileSchema(tx) < sealedRecordsSchema)
		return nil
	})
}
