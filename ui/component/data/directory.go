package data

import "github.com/keydesk/keydesk/store"

// Directory is the directory sync's state when the index was built.
func (x *Index) Directory() store.DirectoryStatus { return x.snap.Directory }
