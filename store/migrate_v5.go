package store

import (
	"crypto/rand"
	"encoding/json"
	"fmt"

	"github.com/keydesk/keydesk/store/migrate"
	"github.com/keydesk/keydesk/store/record"
	"github.com/keydesk/keydesk/store/secrets"
	bolt "go.etcd.io/bbolt"
)

// Schema 5 sealed the codes and the mail password with the key file.

// migrateSecrets (schema 4 -> 5) makes the key file beside the database
// (or takes the one there), writes the check value, and seals the codes
// and the mail password stored plain until now.
func migrateSecrets(tx *bolt.Tx) error {
	path := secrets.KeyPath(tx.DB().Path())
	box, _, err := secrets.LoadOrCreate(path)
	if err != nil {
		return fmt.Errorf("cannot make the key file %s for the activation codes: %v", path, innermostError(err))
	}
	meta := tx.Bucket(bucketMeta)
	if check := meta.Get(metaSecretsCheck); check != nil {
		if _, err := box.Open(check, checkContext); err != nil {
			return fmt.Errorf("the key file %s belongs to another database", path)
		}
	} else if err := meta.Put(metaSecretsCheck, box.Seal(checkPlain, checkContext)); err != nil {
		return err
	}
	s := &Store{box: box}
	codes := tx.Bucket(bucketCodes)
	type sealed struct{ k, v []byte }
	var out []sealed
	if err := codes.ForEach(func(k, v []byte) error {
		if len(v) == 0 || v[0] != record.Format1 {
			return nil
		}
		c, err := migrate.DecodeCode(v)
		if err != nil {
			return err
		}
		nv, err := s.sealCode(rand.Reader, record.ParseID(k), c)
		out = append(out, sealed{append([]byte(nil), k...), nv})
		return err
	}); err != nil {
		return err
	}
	for _, c := range out {
		if err := codes.Put(c.k, c.v); err != nil {
			return err
		}
	}
	raw := meta.Get(metaSMTP)
	if raw == nil {
		return nil
	}
	var stored storedSMTP
	if err := json.Unmarshal(raw, &stored); err != nil {
		return err
	}
	if err := s.sealPassword(rand.Reader, &stored); err != nil {
		return err
	}
	nv, err := json.Marshal(stored)
	if err != nil {
		return err
	}
	return meta.Put(metaSMTP, nv)
}
