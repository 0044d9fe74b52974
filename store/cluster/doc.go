// Package cluster replicates keydesk's store over Raft (hashicorp/raft),
// the shape of Vault's integrated storage and of rqlite: the store's own
// bbolt file is the state machine, the log carries commands, and every node
// applies them in log order, so every node writes the same records and the
// same audit chain (design/cluster.md).
//
// The package knows nothing of keydesk's operations. The store plugs in as
// an Executor: one function that applies one encoded command inside a
// bbolt write transaction and reads nothing but the transaction and the
// command. Around it the package keeps, in the same transaction:
//
//   - the applied index and term (a re-delivered entry is a no-op, and the
//     file carries its own position, so a restart replays from there);
//   - the request table: a retried request id has one effect and gets the
//     first answer back;
//   - batch semantics equal to one-by-one application: a refused command is
//     rolled back alone by re-running the commands before it.
//
// A node that cannot apply an entry halts; it never skips one.
package cluster
