package store

import (
	"errors"
	"math/rand/v2"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// apply runs one command in the caller's write transaction. It reads the
// database and the command, nothing else: no clock, no randomness, no file.
// It may run more than once for one command (group commit runs a group
// again when one of its writes fails): each run starts the command's
// random stream afresh, so every run writes the same bytes.
func (s *Store) apply(tx *bolt.Tx, cmd *Command) (any, error) {
	env := &applyEnv{Now: cmd.Time, Random: rand.NewChaCha8(cmd.Seed)}
	s.applying = appliedTx{tx: tx, env: env}
	defer func() { s.applying = appliedTx{} }()
	ws := beginWrites(tx) // recordseal.go
	defer endWrites(tx, ws)

	if done, err := requestDone(tx, cmd.RequestID); done || err != nil {
		return committedRefusal{err: &AlreadyAppliedError{}}, err
	}
	if _, ok := cmd.Args.(unchecked); !ok {
		ops := []model.Operation{cmd.Op}
		if p, ok := cmd.Args.(permits); ok {
			ops = p.operations(cmd.Op)
		}
		actor, refusedOp, err := s.permit(tx, cmd.Actor, ops)
		if model.IsRefusal(err) {
			if err := s.appendAudit(tx, refusalEntry(actor, refusedOp, err)); err != nil {
				return nil, err
			}
			return committedRefusal{err: err}, recordRequest(tx, cmd.RequestID)
		}
		if err != nil {
			return nil, err
		}
		env.By = actor.String()
	}
	result, err := cmd.Args.apply(s, tx, env)
	if err != nil {
		return nil, err
	}
	if err := checkWritesSealed(tx, cmd); err != nil {
		return nil, err
	}
	return result, recordRequest(tx, cmd.RequestID)
}

// appliedTx is the command being applied and its transaction. bbolt runs
// one write transaction at a time, and a command is applied inside one,
// so there is one at most; the helpers deep in a write (the audit trail,
// sealing a code) take the time and the random stream from it.
type appliedTx struct {
	tx  *bolt.Tx
	env *applyEnv
}

// envOf is the environment of the command applied in tx.
func (s *Store) envOf(tx *bolt.Tx) (*applyEnv, error) {
	if s.applying.tx != tx || s.applying.env == nil {
		return nil, errors.New("a write outside a command") // a programming error: every write is a command
	}
	return s.applying.env, nil
}
