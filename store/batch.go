package store

import (
	bolt "go.etcd.io/bbolt"
)

// Applied is one command's answer from ApplyBatch.
type Applied struct {
	Result any
	Err    error
}

// ApplyBatch applies commands in their order in one write transaction,
// with exactly the effect of applying them one by one: when one fails, the
// transaction is rolled back and run again without it (the others give
// the same answers, being commands), and the failed one keeps its error.
// Unlike group commit, a failed command is never run again later, after
// commands that came after it: a log of commands is applied in its order,
// wherever it is cut into batches. An error that is not a command's own
// (the disk, a damaged file) is returned, and nothing is applied.
func (s *Store) ApplyBatch(cmds []*Command) ([]Applied, error) {
	out := make([]Applied, len(cmds))
	failed := make([]bool, len(cmds))
	for {
		bad := -1
		err := s.guard(func() error {
			// tracked: the shared views learn what the batch touched.
			return s.tracked(s.db.Update, func(tx *bolt.Tx) error {
				for i, cmd := range cmds {
					if failed[i] {
						continue
					}
					result, err := s.apply(tx, cmd)
					if err != nil {
						bad = i
						out[i] = Applied{Err: err}
						return err
					}
					out[i] = Applied{Result: result}
				}
				return nil
			})
		})
		if bad < 0 {
			if err != nil {
				return nil, err
			}
			break
		}
		failed[bad] = true
	}
	for i := range out {
		if r, ok := out[i].Result.(committedRefusal); ok {
			out[i] = Applied{Result: r.value, Err: r.err}
		}
	}
	s.notify()
	return out, nil
}
