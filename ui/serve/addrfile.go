package serve

import (
	"os"
	"path/filepath"
)

// AddressFile is where serve leaves its listen address (host:port on the
// first line) while it runs, so that another keydesk program that finds
// the database locked can tell the admin how to connect instead.
func AddressFile(dbPath string) string { return dbPath + ".serve" }

// writeAddressFile replaces the file in one step, so that a reader never
// sees half an address.
func writeAddressFile(path, addr string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = tmp.WriteString(addr + "\n")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

func removeAddressFile(path string) { os.Remove(path) }
