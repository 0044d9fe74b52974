// Package authkeys reads the authorized_keys file that bootstraps who may
// use keydesk serve: its keys are admins (unless the admins table gives
// them another role), named by their comments.
package authkeys

import (
	"bytes"
	"os"

	"github.com/keydesk/keydesk/model"
)

// Read returns the plain public keys of the file, and the numbers of the
// lines it ignores: lines that hold no key, or a key with options
// (from=, command=, ...), which keydesk does not enforce and so does not
// let in more widely than they say.
func Read(path string) (keys []model.AdminKey, badLines []int, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, err := model.ParseAdminKey(string(line))
		if err != nil {
			badLines = append(badLines, i+1)
			continue
		}
		keys = append(keys, key)
	}
	return keys, badLines, nil
}
