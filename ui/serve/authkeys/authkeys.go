// Package authkeys reads the authorized_keys file that bootstraps who may
// use keydesk serve: its keys are admins (unless the admins table gives
// them another role), named by their comments.
package authkeys

import (
	"bytes"
	"os"
	"sync"

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
	keys, badLines = parse(data)
	return keys, badLines, nil
}

// Cache reads the file again only when it changed: keydesk serve asks it
// at every login and at every action of a session let in by the file,
// and parsing 50 admins' keys at every command over SSH was a sixth of
// the server's work per command at 50 sessions. A change is a new file,
// size or modification time (nanoseconds here); the bytes are compared
// too once read. The zero value is ready; what Read returns is shared,
// not to be changed.
type Cache struct {
	mu       sync.Mutex
	info     os.FileInfo
	data     []byte
	keys     []model.AdminKey
	badLines []int
}

// Read is Read(path), from the cache when the file has not changed.
func (c *Cache) Read(path string) (keys []model.AdminKey, badLines []int, err error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.info != nil && os.SameFile(c.info, info) && c.info.Size() == info.Size() && c.info.ModTime().Equal(info.ModTime()) {
		return c.keys, c.badLines, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if c.data == nil || !bytes.Equal(c.data, data) {
		c.keys, c.badLines = parse(data)
		c.data = data
	}
	c.info = info
	return c.keys, c.badLines, nil
}

func parse(data []byte) (keys []model.AdminKey, badLines []int) {
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
	return keys, badLines
}
