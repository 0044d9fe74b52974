package store

import (
	"fmt"
	"os"
)

// Exposed says, when the file at path can be read by its group or by
// others, how to close it ("" when it cannot, or does not exist). The
// database, its key file and serve's host key are each as good as the
// admins' access.
func Exposed(path, what string) string {
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm()&0o077 == 0 {
		return ""
	}
	return fmt.Sprintf("%s %s can be read by others than its owner (mode %04o): chmod 600 %s", what, path, info.Mode().Perm(), path)
}

// Exposed lists the warnings for the database and its key file.
func (s *Store) Exposed() []string {
	var out []string
	for _, f := range []struct{ path, what string }{{s.path, "the database"}, {s.KeyPath(), "the key file"}} {
		if w := Exposed(f.path, f.what); w != "" {
			out = append(out, w)
		}
	}
	return out
}
