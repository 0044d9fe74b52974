package migrate

import (
	"fmt"
	"io"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/secrets"
	bolt "go.etcd.io/bbolt"
)

// The schema upgrades: each step brings a file from one schema to the
// next, one file here per step (v2.go is the step from schema 1 to 2).
// The steps walk and rewrite the buckets themselves; what belongs to the
// format the store writes today (its buckets, the trail's runs, the
// sealing with the key file, the records' seals) they ask of the store,
// through Store and Sealing, which store implements (store/upgrades.go,
// store/upgradeseal.go).

// Latest is the schema the steps bring a file to.
const Latest = 10

// Store is what the upgrades need of the store.
type Store interface {
	// CreateBuckets makes the buckets a new file starts with (schema 1).
	CreateBuckets(tx *bolt.Tx) error
	// Trail is the audit trail of tx, for the steps that rewrite it.
	Trail(tx *bolt.Tx) Trail
	// DecodeKey and DecodeEmployee read a record in any format a file
	// may hold.
	DecodeKey(b []byte) (model.Key, error)
	DecodeEmployee(b []byte) (model.Employee, error)
	// CountKey is the key of a status in the counts bucket.
	CountKey(s model.Status) []byte
	// CreateDefaultProfile makes the Default profile, the first one.
	CreateDefaultProfile(tx *bolt.Tx) error
	// Secrets seals with box, the key file's.
	Secrets(box *secrets.Box) Secrets
	// Sealing seals the records with box (schema 9).
	Sealing(box *secrets.Box) Sealing
}

// Trail is the audit trail in one transaction.
type Trail interface {
	// ActorID is the actor's number in the trail's actor table, given
	// the first time it is asked.
	ActorID(name string) (uint64, error)
	// Relink reads the run stored under seq and encodes it again as it
	// is stored today, each entry linked by prev to the entries before it
	// about its key and its employee (0: none).
	Relink(seq uint64, v []byte, prev func(seq, keyID, employeeID uint64) (ofKey, ofEmployee uint64)) ([]byte, error)
}

// Secrets seals what schema 5 sealed with the key file.
type Secrets interface {
	// CheckValue is the value that tells the key file's database (meta's
	// secrets check); Checks reports whether check is that value.
	CheckValue() []byte
	Checks(check []byte) bool
	// SealCode stores key keyID's code sealed.
	SealCode(nonces io.Reader, keyID uint64, c model.ActivationCode) ([]byte, error)
	// SealMailSettings seals the password in the stored mail settings.
	SealMailSettings(nonces io.Reader, raw []byte) ([]byte, error)
}

// Sealing is what schema 9's upgrade needs of the store: function values,
// so that the check that a cluster's upgrade reads nothing but its log
// entry (store's TestWritePathsReadOnlyTheCommand) follows them. The
// records ListRecords gathers are those Genesis and AppendEntry seal.
type Sealing struct {
	// RebindCodes seals every code again with its fields bound; it drops
	// the plain ones and returns their key ids.
	RebindCodes func(tx *bolt.Tx, nonces io.Reader) (dropped []string, err error)
	// ListRecords gathers every record there is, and says how many.
	ListRecords func(tx *bolt.Tx) (int, error)
	// Genesis keeps the records' list as a new file's first records.
	Genesis func(tx *bolt.Tx) error
	// AppendEntry writes a "records sealed" entry at now, with note,
	// carrying the records from to to (not included).
	AppendEntry func(tx *bolt.Tx, now time.Time, note string, from, to int) error
}

// steps are the upgrades, the one at i from schema i to i+1.
var steps = [Latest]func(tx *bolt.Tx, st Store) error{
	func(tx *bolt.Tx, st Store) error { return st.CreateBuckets(tx) }, // 0 -> 1
	compactAudit, // 1 -> 2: compact audit entries and history indexes
	countKeys,    // 2 -> 3: keys counted by status
	makeAdmins,   // 3 -> 4: the admins table and their roles
	// 4 -> 5: codes and the mail password sealed with the key file
	withKeyFile(true, "cannot make the key file %s for the activation codes: %v", sealSecrets),
	addProfiles,  // 5 -> 6: access profiles, licences, companies
	chainHistory, // 6 -> 7: histories as chains, audit runs, compact records
	keyIndexRuns, // 7 -> 8: the keys' unique indexes in runs
	// 8 -> 9: codes bind their fields, entries carry the records they wrote
	withKeyFile(false, "the key file %s is needed to seal the records: %v", sealRecords),
	func(tx *bolt.Tx, _ Store) error { return V10(tx) }, // 9 -> 10: entries keep their seals in themselves, not in audit_seals
}

// Run brings the file of tx from schema from to schema to (at most
// Latest); the caller writes the new schema number.
func Run(tx *bolt.Tx, from, to uint64, st Store) error {
	for v := from; v < to; v++ {
		if err := steps[v](tx, st); err != nil {
			return fmt.Errorf("upgrading the database to schema %d: %w", v+1, err)
		}
	}
	return nil
}
