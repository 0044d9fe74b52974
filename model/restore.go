package model

// ActionDatabaseRestored is written into a restored database's trail, in
// the restore itself: who put the backup back, from where, and where the
// file it replaced was kept. It changes no record.
const ActionDatabaseRestored Action = "database.restored"
