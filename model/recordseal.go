package model

// ActionRecordsSealed is the entry an upgrade writes: it carries the
// digests of the records the database held then, so that the trail
// vouches for records written before entries carried their writes.
const ActionRecordsSealed Action = "records.sealed"
