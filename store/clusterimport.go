package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/cluster"
	bolt "go.etcd.io/bbolt"
)

// An import on a cluster node (design 4.14): one log entry must stay
// small (cluster.MaxCommandSize; a big one stalls the heartbeats), and an
// import of 100,000 rows is megabytes. So the import's command, encoded,
// goes into the log in parts, each staged in a bucket of its own under
// the import's id, then one commit entry applies the whole command in one
// transaction: all rows or none, as on a single node. A commit that is
// refused (a duplicate serial, a role) leaves the records as they were;
// the parts are then discarded by an abort entry, and parts left behind
// by a node that died mid-import are dropped an hour (of log time) later.

var bucketImportStaging = []byte("cluster_import_staging")

// importPartSize is the most of an import's command one log entry holds.
var importPartSize = 256 << 10

// staleImport is how long (log time) staged parts wait for their commit.
const staleImport = time.Hour

const (
	tagImportStage  = 102
	tagImportCommit = 103
	tagImportAbort  = 104
)

func init() {
	type kind = struct {
		tag  uint64
		zero Args
	}
	argsKinds = append(argsKinds, kind{tagImportStage, importStageArgs{}}, kind{tagImportCommit, importCommitArgs{}}, kind{tagImportAbort, importAbortArgs{}})
}

// inParts reports whether cmd, encoded as body, goes into the log in
// parts.
func inParts(cmd *Command, body []byte) bool {
	if len(body) <= importPartSize {
		return false
	}
	switch cmd.Args.(type) {
	case importKeysArgs, importEmployeesArgs:
		return true
	}
	return false
}

// proposeInParts stages body part by part, then commits it.
func (s *Store) proposeInParts(node *cluster.Node, cmd *Command, body []byte) (any, error) {
	id := cluster.NewRequestID().String()
	parts := (len(body) + importPartSize - 1) / importPartSize
	if parts > maxImportParts {
		return nil, refused("the import is too large for the cluster (%d parts of %d KiB; at most %d)", parts, importPartSize>>10, maxImportParts)
	}
	abort := func() {
		// Best effort: staged parts left behind go after staleImport.
		s.proposeCommand(node, &Command{Version: commandVersion, Op: cmd.Op, Actor: cmd.Actor, Args: importAbortArgs{ImportID: id}})
	}
	for i := range parts {
		part := body[i*importPartSize : min(len(body), (i+1)*importPartSize)]
		stage := &Command{Version: commandVersion, Op: cmd.Op, Actor: cmd.Actor,
			Args: importStageArgs{ImportID: id, Part: uint32(i), Parts: uint32(parts), Data: string(part)}}
		if _, err := s.proposeCommand(node, stage); err != nil {
			abort()
			return nil, fmt.Errorf("the import did not reach the cluster whole (part %d of %d): nothing was imported: %w", i+1, parts, err)
		}
	}
	sum := sha256.Sum256(body)
	commit := &Command{Version: commandVersion, Op: cmd.Op, Actor: cmd.Actor,
		Args: importCommitArgs{ImportID: id, Parts: uint32(parts), Sum: hex.EncodeToString(sum[:])}}
	result, err := s.proposeCommand(node, commit)
	if err != nil && !errors.Is(err, cluster.ErrOutcomeUnknown) {
		abort() // the commit rolled back: its parts are still staged
	}
	return result, err
}

// maxImportParts bounds one import: MaxImportBytes of CSV, as parts.
var maxImportParts = int(MaxImportBytes/int64(importPartSize)) + 64

// importStageArgs: one part of an import's encoded command.
type importStageArgs struct {
	ImportID string
	Part     uint32
	Parts    uint32
	Data     string
}

func (importStageArgs) bookkeeping() {}

func stagingKey(id string, part uint32) []byte {
	return binary.BigEndian.AppendUint32(append([]byte(id), '/'), part)
}

func (a importStageArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	if len(a.ImportID) == 0 || len(a.ImportID) > 64 || a.Part >= a.Parts || int(a.Parts) > maxImportParts || len(a.Data) > importPartSize {
		return nil, refused("an import part out of bounds")
	}
	b, err := tx.CreateBucketIfNotExists(bucketImportStaging)
	if err != nil {
		return nil, err
	}
	if a.Part == 0 {
		if err := dropStaleImports(b, env.Now); err != nil {
			return nil, err
		}
	}
	v := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(a.Data)), uint64(env.Now.UnixNano()))
	return nil, b.Put(stagingKey(a.ImportID, a.Part), append(v, a.Data...))
}

// dropStaleImports deletes parts staged more than staleImport ago (log
// time: the same on every node).
func dropStaleImports(b *bolt.Bucket, now time.Time) error {
	return cluster.DropStamped(b, now.Add(-staleImport), true)
}

// importAbortArgs discard an import's staged parts.
type importAbortArgs struct{ ImportID string }

func (importAbortArgs) bookkeeping() {}

func (a importAbortArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	b := tx.Bucket(bucketImportStaging)
	if b == nil || a.ImportID == "" {
		return nil, nil
	}
	return nil, deleteStaged(b, a.ImportID)
}

func deleteStaged(b *bolt.Bucket, id string) error {
	prefix := append([]byte(id), '/')
	var dead [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		dead = append(dead, append([]byte(nil), k...))
	}
	for _, k := range dead {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// importCommitArgs apply the staged command, whole, in this entry's
// transaction, with this entry's time and seed; the parts go with it.
type importCommitArgs struct {
	ImportID string
	Parts    uint32
	Sum      string // hex SHA-256 of the whole encoded command
}

func (a importCommitArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	b := tx.Bucket(bucketImportStaging)
	if b == nil {
		return nil, refused("the import's parts are not in the cluster's file (they waited more than %s, or never arrived): import again", staleImport)
	}
	var body []byte
	for i := range a.Parts {
		v := b.Get(stagingKey(a.ImportID, i))
		if len(v) < 8 {
			return nil, refused("part %d of %d of the import is missing: nothing was imported; import again", i+1, a.Parts)
		}
		body = append(body, v[8:]...)
	}
	if sum := sha256.Sum256(body); hex.EncodeToString(sum[:]) != a.Sum {
		return nil, refused("the import's parts do not add up to what was sent: nothing was imported; import again")
	}
	inner, err := DecodeCommand(body, s.box)
	if err != nil {
		return nil, err
	}
	switch inner.Args.(type) {
	case importKeysArgs:
		if inner.Op != model.OpImportKeys {
			return nil, refused("a staged import is not what it says")
		}
	case importEmployeesArgs:
		if inner.Op != model.OpImportEmployees {
			return nil, refused("a staged import is not what it says")
		}
	default:
		return nil, refused("only imports are staged")
	}
	if err := deleteStaged(b, a.ImportID); err != nil {
		return nil, err
	}
	return inner.Args.apply(s, tx, env)
}
