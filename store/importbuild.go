package store

// A chunk's records and audit entries need no transaction (the model,
// the encodings, the hashes), so they are made on the other core, one
// chunk ahead, while the writer stores and commits the one before. What
// the builder owns (the rows' reading, the audit chain, the seal's list,
// the counts) only it touches until it has handed over the last chunk.

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

// nextBuilt is the next chunk, built; the first call starts the builder.
func (imp *keyImport) nextBuilt() builtChunk {
	if imp.builder == nil {
		b := &chunkBuilder{next: make(chan builtChunk), stop: make(chan struct{}), done: make(chan struct{})}
		imp.builder = b
		go func() {
			defer close(b.done)
			for k := imp.written; k < imp.chunks(); k++ {
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
	return <-imp.builder.next
}

// stopBuilding ends the builder, done or not, and waits for it.
func (imp *keyImport) stopBuilding() {
	if b := imp.builder; b != nil {
		close(b.stop)
		<-b.done
		imp.builder = nil
	}
}
