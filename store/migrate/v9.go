package migrate

import (
	"fmt"
	"io"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// V9At (schema 8 -> 9) seals the records: codes are sealed again with
// their fields bound (store's codeseal.go), and the trail gets "records
// sealed" entries carrying the digest of every record there is, so that
// from here on audit verify vouches for every record. A file whose trail
// is empty (a new one) keeps the list of its first records (the Default
// profile) as its genesis seal in meta instead.
//
// A code in an older form than its file's schema allows (plain digits in
// a file whose codes are sealed) was put there outside keydesk: it is
// dropped, and the entry says so.
//
// sealRecords (v9open.go) runs it at Open with the clock and crypto/rand;
// a cluster runs it in a log entry's apply with the entry's time and
// nonces drawn from it (store's clusterschema.go), where every node must
// write the same bytes. It reads nothing but tx, now and nonces.
func V9At(tx *bolt.Tx, now time.Time, nonces io.Reader, st Sealing) error {
	if tx.Bucket(bucketEntrySeals) != nil || tx.Bucket(bucketAdminLastWrite) != nil || tx.Bucket(bucketMeta).Get(metaRecordsGenesis) != nil {
		return fmt.Errorf("the file's records were sealed already: its schema number was changed outside keydesk; restore a backup, or run keydesk audit verify on a copy")
	}
	if _, err := tx.CreateBucket(bucketEntrySeals); err != nil {
		return err
	}
	if _, err := tx.CreateBucket(bucketAdminLastWrite); err != nil {
		return err
	}
	dropped, err := st.RebindCodes(tx, nonces)
	if err != nil {
		return err
	}
	all, err := st.ListRecords(tx)
	if err != nil {
		return err
	}
	if tx.Bucket(bucketAudit).Sequence() == 0 && len(dropped) == 0 {
		return st.Genesis(tx)
	}
	for start := 0; start == 0 || start < all; start += sealedPerEntry {
		end := min(start+sealedPerEntry, all)
		note := fmt.Sprintf("schema 9: records %d to %d of %d as they were at the upgrade", start+1, end, all)
		if start == 0 && len(dropped) > 0 {
			note += "; dropped codes in a form keydesk no longer writes (put there outside keydesk) of key ids " + strings.Join(dropped, ", ")
		}
		if err := st.AppendEntry(tx, now, note, start, end); err != nil {
			return err
		}
	}
	return nil
}

// sealedPerEntry bounds an upgrade entry's list.
const sealedPerEntry = 4096
