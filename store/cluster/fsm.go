package cluster

import (
	"io"

	"github.com/hashicorp/raft"
)

// fsm is the Machine as hashicorp/raft's BatchingFSM. raft hands it up to
// MaxAppendEntries committed entries at a time; each batch is one bbolt
// transaction.
type fsm struct {
	m    *Machine
	halt func(error) // told once when the machine halts
}

var _ raft.BatchingFSM = (*fsm)(nil)

func (f *fsm) Apply(l *raft.Log) any { return f.ApplyBatch([]*raft.Log{l})[0] }

func (f *fsm) ApplyBatch(logs []*raft.Log) []any {
	entries := make([]Entry, len(logs))
	for i, l := range logs {
		entries[i] = Entry{Index: l.Index, Term: l.Term}
		if l.Type == raft.LogCommand {
			entries[i].Data = l.Data
		}
	}
	wasRunning := f.m.Halted() == nil
	applied, err := f.m.ApplyBatch(entries)
	if err != nil && wasRunning && f.halt != nil {
		go f.halt(err)
	}
	out := make([]any, len(applied))
	for i := range applied {
		out[i] = applied[i]
	}
	return out
}

func (f *fsm) Snapshot() (raft.FSMSnapshot, error) {
	s, err := f.m.Snapshot()
	if err != nil {
		return nil, err
	}
	return fsmSnapshot{s}, nil
}

func (f *fsm) Restore(r io.ReadCloser) error {
	defer r.Close()
	return f.m.Restore(r)
}

type fsmSnapshot struct{ s *Snapshot }

func (s fsmSnapshot) Persist(sink raft.SnapshotSink) error {
	if _, err := s.s.WriteTo(sink); err != nil {
		sink.Cancel()
		return err
	}
	return sink.Close()
}

func (s fsmSnapshot) Release() { s.s.Release() }
