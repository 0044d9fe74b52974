package cli

import (
	"time"

	"github.com/spf13/cobra"
)

// OpsOptions are serve's flags for running it for years; zero values
// leave serve's defaults (a backup a day, 14 kept, a text log).
type OpsOptions struct {
	BackupDir   string
	BackupEvery time.Duration
	BackupKeep  int
	Metrics     string // the metrics' listen address; "" = none
	LogFormat   string // "" (text) or "json"
}

func addOpsFlags(cmd *cobra.Command, o *OpsOptions) {
	f := cmd.Flags()
	f.StringVar(&o.BackupDir, "backup-dir", "", "take a verified backup into DIR every --backup-every, keeping the newest --backup-keep (off when empty)")
	f.DurationVar(&o.BackupEvery, "backup-every", 0, "how often to take a scheduled backup, at least 1m (0: 24h)")
	f.IntVar(&o.BackupKeep, "backup-keep", 0, "how many scheduled backups to keep; older ones are removed (0: 14)")
	f.StringVar(&o.Metrics, "metrics", "", "serve Prometheus metrics on ADDR (host:port) at /metrics (off when empty)")
	f.Var(&choiceInto{choice: newChoice("text", "text", "json"), into: &o.LogFormat}, "log-format",
		"the server log: text, or json (one object a line, for journald and log shippers)")
}

// choiceInto is a choice whose value, once set, is also written into a
// plain string of the options.
type choiceInto struct {
	*choice
	into *string
}

func (c *choiceInto) Set(v string) error {
	if err := c.choice.Set(v); err != nil {
		return err
	}
	*c.into = c.value
	return nil
}
