package store

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/migrate"
	"github.com/keydesk/keydesk/store/record"
	"github.com/keydesk/keydesk/store/secrets"
	bolt "go.etcd.io/bbolt"
)

// The schema upgrades are in store/migrate; this is what they ask of the
// store (migrate.Store, migrate.Trail, migrate.Secrets, migrate.Sealing).

// The history indexes of schemas 1 to 6 (a file of schema 4 to 6 opened
// read-only reads them).
var (
	bucketAuditKey = []byte("audit_by_key")
	bucketAuditEmp = []byte("audit_by_employee")
)

// keyIndexRunsSchema is the first schema whose key indexes are in runs.
const keyIndexRunsSchema = 8

// upgrader is the store as the upgrades see it (migrate.Store).
type upgrader struct{}

func (upgrader) CreateBuckets(tx *bolt.Tx) error                 { return createBuckets(tx) }
func (upgrader) Trail(tx *bolt.Tx) migrate.Trail                 { return openTrail(tx) }
func (upgrader) DecodeKey(b []byte) (model.Key, error)           { return decodeKey(b) }
func (upgrader) DecodeEmployee(b []byte) (model.Employee, error) { return decodeEmployee(b) }
func (upgrader) CountKey(s model.Status) []byte                  { return countKey(s) }
func (upgrader) CreateDefaultProfile(tx *bolt.Tx) error          { return createDefaultProfile(tx) }
func (upgrader) Secrets(box *secrets.Box) migrate.Secrets        { return secretsSealer{&Store{box: box}} }
func (upgrader) Sealing(box *secrets.Box) migrate.Sealing        { return recordSealing(&Store{box: box}) }

// ActorID is actorID for the upgrades (migrate.Trail).
func (t *trail) ActorID(name string) (uint64, error) { return t.actorID(name) }

// Relink reads the run stored under seq (in any format the trail has
// had) and encodes it as a run of today's format, each entry linked to
// the entries prev gives: the ones before it about its key and its
// employee (migrate.Trail).
func (t *trail) Relink(seq uint64, v []byte, prev func(seq, keyID, employeeID uint64) (uint64, uint64)) ([]byte, error) {
	run, err := t.run(record.ID(seq), v)
	if err != nil {
		return nil, fmt.Errorf("audit entry %d cannot be read", seq)
	}
	for i := range run {
		se := &run[i]
		se.Seq = seq + uint64(i) // as it is stored: a different number inside is tampering, kept
		se.prevOfKey, se.prevOfEmployee = prev(se.Seq, se.KeyID, se.EmployeeID)
	}
	actor, err := t.actorID(run[0].Actor)
	if err != nil {
		return nil, err
	}
	return encodeAuditRun(run, actor)
}

// secretsSealer seals with the store's box what schema 5 sealed
// (migrate.Secrets).
type secretsSealer struct{ s *Store }

func (ss secretsSealer) CheckValue() []byte { return ss.s.box.Seal(checkPlain, checkContext) }

func (ss secretsSealer) Checks(check []byte) bool {
	_, err := ss.s.box.Open(check, checkContext)
	return err == nil
}

func (ss secretsSealer) SealCode(nonces io.Reader, keyID uint64, c model.ActivationCode) ([]byte, error) {
	return ss.s.sealCode(nonces, keyID, c)
}

func (ss secretsSealer) SealMailSettings(nonces io.Reader, raw []byte) ([]byte, error) {
	var stored storedSMTP
	if err := json.Unmarshal(raw, &stored); err != nil {
		return nil, err
	}
	if err := ss.s.sealPassword(nonces, &stored); err != nil {
		return nil, err
	}
	return json.Marshal(stored)
}
