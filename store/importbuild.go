package store

// A chunk's records and audit entries need no transaction (the model,
// the encodings, the hashes), so they are made on the other core, one
// chunk ahead of the writer: the first while the rows' MACs and RFIDs
// are still being checked, each next one while the one before is stored
// and committed. What the builder owns (the audit chain, the seal's
// list, the counts) only it touches until it has handed over the last
// chunk; the writer reads them after that.

// builtChunk is a chunk made ready to store.
type builtChunk struct {
	records [][]byte    // in id order from the chunk's first
	runs    []packedRun // its audit runs, in order
	err     error
}

// chunkBuilder makes an import's chunks in order, one at a time.
type chunkBuilder struct {
	next chan builtChunk
	stop chan struct{}
	done chan struct{}
}

// startBuilding starts the builder.
func (imp *keyImport) startBuilding() {
	b := &chunkBuilder{next: make(chan builtChunk), stop: make(chan struct{}), done: make(chan struct{})}
	imp.builder = b
	chunks := imp.chunks()
	go func() {
		defer close(b.done)
		for k := range chunks {
			built := imp.buildChunk(k)
			select {
			case b.next <- built:
			case <-b.stop:
				return
			}
			if built.err != nil {
				return
			}
		}
	}()
}

// nextBuilt is the next chunk, built (the check started the builder).
func (imp *keyImport) nextBuilt() builtChunk { return <-imp.builder.next }

// stopBuilding ends the builder, done or not, and waits for it. A
// transaction that ends before the import's chunks are written (refused,
// or failed) calls it too.
func (imp *keyImport) stopBuilding() {
	if b := imp.builder; b != nil {
		close(b.stop)
		<-b.done
		imp.builder = nil
	}
}
