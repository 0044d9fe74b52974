package migrate

// The buckets and meta values the upgrades touch, named as on disk. A
// name on disk never changes (a file of an older keydesk has it), so
// these are the store's names as well, written again here because the
// upgrades must not follow the store's: the history indexes of schemas 1
// to 6 are named only here.
var (
	bucketMeta                             = []byte("meta")
	bucketAudit, bucketAuditActors         = []byte("audit"), []byte("audit_actors")
	bucketAuditKey, bucketAuditEmp         = []byte("audit_by_key"), []byte("audit_by_employee")
	metaAuditHead, bucketDeletedHeads      = []byte("audit_head"), []byte("deleted_history")
	bucketKeys, bucketEmployees            = []byte("keys"), []byte("employees")
	bucketCodes, bucketCounts              = []byte("codes"), []byte("key_counts")
	bucketAdmins, bucketAdminKey           = []byte("admins"), []byte("idx_admin_key")
	metaSecretsCheck, metaSMTP             = []byte("secrets_check"), []byte("settings_smtp")
	bucketProfiles, bucketProfileNames     = []byte("profiles"), []byte("idx_profile_name")
	bucketProfileCounts, bucketLicenceDays = []byte("profile_counts"), []byte("licence_days")
	bucketEmails, bucketNames              = []byte("idx_email"), []byte("idx_name")
	bucketEntrySeals, bucketAdminLastWrite = []byte("audit_seals"), []byte("admin_last_write")
	metaRecordsGenesis                     = []byte("records_genesis")
	keyIndexes                             = [][]byte{[]byte("idx_serial"), []byte("idx_mac"), []byte("idx_rfid")}
)
