// Package osfile holds what keydesk does the same way with every file it
// writes beside its database: making a new name durable, and saying an
// operating system error in one line.
package osfile

import (
	"errors"
	"os"
	"path/filepath"
)

// SyncName makes the name of the file at path durable, as its contents
// are once synced: it syncs the folder that holds it.
func SyncName(path string) error {
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Innermost is the last error of a wrapped chain: "address already in
// use" rather than "listen tcp 127.0.0.1:2323: bind: address already in
// use", for a one-line message in the admin's words.
func Innermost(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}
