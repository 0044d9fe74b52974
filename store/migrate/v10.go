package migrate

import (
	bolt "go.etcd.io/bbolt"
)

// V10 (schema 9 -> 10) moves where new entries keep their seal (store's
// recordseal.go): into the entry's own audit value (format 4 of the
// trail's runs), no longer in the bucket audit_seals beside the trail,
// whose pages every write paid for a second time (three of a single
// assignment's eighteen at 100k keys).
//
// The entries already written keep their seals in audit_seals, which from
// here on is only read (the store finds a format 3 run's seals there, a
// format 4 run's in it): moving them would rewrite every entry of the file
// in one transaction, for no reader's gain, and each seal stays where its
// entry's signature and hash were checked. A file without entries sealed
// there (a new one) loses the empty bucket.
//
// It reads nothing but tx and writes no entry, so a cluster runs it as it
// is in the upgrade entry's apply (store's clusterschema.go), on every
// node alike; at Open it runs in the one transaction that also writes the
// new schema number: the file is of schema 9 or 10, never between.
func V10(tx *bolt.Tx) error {
	b := tx.Bucket(bucketEntrySeals)
	if b == nil {
		return nil // removed outside keydesk: audit verify names the entries that lost their seals
	}
	if k, _ := b.Cursor().First(); k != nil {
		return nil
	}
	return tx.DeleteBucket(bucketEntrySeals)
}
