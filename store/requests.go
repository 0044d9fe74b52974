package store

import (
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// A command that carries a request id is applied once: the id is kept in
// its own bucket, written in the command's transaction, and a command whose
// id is there is not applied again. A request retried after an answer was
// lost (a cut connection, a leader lost) thus has one effect. Commands
// without an id (every single-node write) skip this and cost nothing more.
// A command refused by the rules commits nothing, its id included: applied
// again, it is judged again.

var bucketRequests = []byte("requests")

// AlreadyAppliedError is the answer to a command whose request id was
// applied before: its effect is in the database once.
type AlreadyAppliedError struct{}

func (*AlreadyAppliedError) Error() string {
	return "this request was applied already: look at the audit trail for its effect"
}

func requestDone(tx *bolt.Tx, id [16]byte) (bool, error) {
	if id == ([16]byte{}) {
		return false, nil
	}
	b := tx.Bucket(bucketRequests)
	return b != nil && b.Get(id[:]) != nil, nil
}

// recordRequest notes id with the audit sequence its command reached.
func recordRequest(tx *bolt.Tx, id [16]byte) error {
	if id == ([16]byte{}) {
		return nil
	}
	b, err := tx.CreateBucketIfNotExists(bucketRequests)
	if err != nil {
		return err
	}
	return b.Put(id[:], record.ID(openTrail(tx).entries.Sequence()))
}
