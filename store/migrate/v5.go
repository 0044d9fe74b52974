package migrate

import (
	"crypto/rand"
	"fmt"

	"github.com/keydesk/keydesk/store/record"
	"github.com/keydesk/keydesk/store/secrets"
	bolt "go.etcd.io/bbolt"
)

// Schema 5 sealed the codes and the mail password with the key file.

// sealSecrets (schema 4 -> 5), given the key file beside the database
// (made by withKeyFile, or the one there), writes the check value, and
// seals the codes and the mail password stored plain until now.
func sealSecrets(tx *bolt.Tx, st Store, box *secrets.Box, path string) error {
	sealer := st.Secrets(box)
	meta := tx.Bucket(bucketMeta)
	if check := meta.Get(metaSecretsCheck); check != nil {
		if !sealer.Checks(check) {
			return fmt.Errorf("the key file %s belongs to another database", path)
		}
	} else if err := meta.Put(metaSecretsCheck, sealer.CheckValue()); err != nil {
		return err
	}
	codes := tx.Bucket(bucketCodes)
	type sealed struct{ k, v []byte }
	var out []sealed
	if err := codes.ForEach(func(k, v []byte) error {
		if len(v) == 0 || v[0] != record.Format1 {
			return nil
		}
		c, err := DecodeCode(v)
		if err != nil {
			return err
		}
		nv, err := sealer.SealCode(rand.Reader, record.ParseID(k), c)
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
	nv, err := sealer.SealMailSettings(rand.Reader, raw)
	if err != nil {
		return err
	}
	return meta.Put(metaSMTP, nv)
}
