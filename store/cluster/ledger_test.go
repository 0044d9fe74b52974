package cluster

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// ledger is the test state machine until the store's command apply is on
// main: a key/value table with revisions, "activation codes" drawn from
// the request id (the log's data, as the real store draws from the sealed
// seed), and a hash chain over every applied command, like the audit
// trail. Commands are text:
//
//	put K V        sets K, answers its new revision
//	cas K REV V    sets K only if its revision is REV; writes first, then
//	               refuses, so a refusal must really be rolled back
//	code K         stores a 6-digit code for K drawn from the request id
//	fail           the node cannot apply this (a damaged file, say)
type ledger struct{}

var (
	bucketKV    = []byte("kv")
	bucketChain = []byte("chain")
)

func (ledger) Exec(tx *bolt.Tx, at Position, cmd []byte) (Outcome, error) {
	kv, err := tx.CreateBucketIfNotExists(bucketKV)
	if err != nil {
		return Outcome{}, err
	}
	f := strings.Fields(string(cmd))
	if len(f) == 0 {
		return Outcome{Refused: true, Result: []byte("empty command")}, nil
	}
	if err := chain(tx, at, cmd); err != nil {
		return Outcome{}, err
	}
	rev := func(k string) uint64 {
		if v := kv.Get([]byte(k)); len(v) >= 8 {
			return binary.BigEndian.Uint64(v)
		}
		return 0
	}
	set := func(k, v string) (Outcome, error) {
		r := rev(k) + 1
		val := binary.BigEndian.AppendUint64(nil, r)
		if err := kv.Put([]byte(k), append(val, v...)); err != nil {
			return Outcome{}, err
		}
		return Outcome{Result: []byte(strconv.FormatUint(r, 10))}, nil
	}
	switch {
	case f[0] == "put" && len(f) == 3:
		return set(f[1], f[2])
	case f[0] == "cas" && len(f) == 4:
		want, _ := strconv.ParseUint(f[2], 10, 64)
		had := rev(f[1])
		if _, err := set(f[1], f[3]); err != nil {
			return Outcome{}, err
		}
		if had != want {
			return Outcome{Refused: true, Result: fmt.Appendf(nil, "%s changed while you were looking (revision %d, not %d)", f[1], had, want)}, nil
		}
		return Outcome{Result: []byte(strconv.FormatUint(had+1, 10))}, nil
	case f[0] == "code" && len(f) == 2:
		sum := sha256.Sum256(append(at.ID[:], f[1]...))
		code := fmt.Sprintf("%06d", binary.BigEndian.Uint32(sum[:])%1_000_000)
		if _, err := set(f[1], "code:"+code); err != nil {
			return Outcome{}, err
		}
		return Outcome{Result: []byte(code)}, nil
	case f[0] == "fail":
		return Outcome{}, errors.New("the file is damaged")
	}
	return Outcome{Refused: true, Result: []byte("unknown command")}, nil
}

// chain appends sha256(head, index, time, id, cmd) to the chain.
func chain(tx *bolt.Tx, at Position, cmd []byte) error {
	b, err := tx.CreateBucketIfNotExists(bucketChain)
	if err != nil {
		return err
	}
	_, head := b.Cursor().Last()
	h := sha256.New()
	h.Write(head)
	h.Write(binary.BigEndian.AppendUint64(nil, at.Index))
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(at.Time.UnixNano())))
	h.Write(at.ID[:])
	h.Write(cmd)
	seq, _ := b.NextSequence()
	return b.Put(binary.BigEndian.AppendUint64(nil, seq), h.Sum(nil))
}

func (ledger) Head(tx *bolt.Tx) ([]byte, error) {
	b := tx.Bucket(bucketChain)
	if b == nil {
		return nil, nil
	}
	_, head := b.Cursor().Last()
	return append([]byte(nil), head...), nil
}
