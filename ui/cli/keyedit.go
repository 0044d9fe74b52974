package cli

import (
	"fmt"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
)

// The key commands that change a key without changing its status: its
// profile, its licence, its RFID. Each prints what the key has now.

func (a *app) keyProfileCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "profile SERIAL PROFILE",
		Short: "Give a key another access profile (Ready, Reserved, Active or Suspended); it applies at the key's next connection",
		Args:  argsNamed("SERIAL", "PROFILE"),
	}
	cmd.RunE = a.action(func(_ *cobra.Command, args []string) error {
		return a.withStore(mustExist, func(st *store.Store) error {
			k, err := st.SetKeyProfile(a.actor(), store.Serial(args[0]), args[1])
			if err != nil {
				return err
			}
			return a.printKeyProfile(st, k)
		})
	})
	return cmd
}

// printKeyProfile says which profile a key has, and whether its device
// has it yet.
func (a *app) printKeyProfile(st *store.Store, k model.Key) error {
	p, err := st.ProfileByID(k.ProfileID)
	if err != nil {
		return err
	}
	line := fmt.Sprintf("key %s has the profile %s", model.Printable(k.Serial), model.Printable(p.Name))
	if k.ProfilePending() {
		line += ": pending until the key applies it at its next connection"
	}
	_, err = fmt.Fprintln(a.env.Stderr, line)
	return err
}

// licenceFlag reads an end date with the model's parser, so that a date
// that is no date is a usage error.
type licenceFlag struct{ until time.Time }

func (l *licenceFlag) Set(s string) error {
	t, err := model.ParseLicenceDate(s)
	if err != nil {
		return err
	}
	l.until = t
	return nil
}

func (l *licenceFlag) String() string { return model.FormatLicenceDate(l.until) }
func (l *licenceFlag) Type() string   { return "YYYY-MM-DD" }

func (a *app) keyLicenceCommand() *cobra.Command {
	var until licenceFlag
	var clear bool
	cmd := &cobra.Command{
		Use:   "licence SERIAL --until YYYY-MM-DD | --clear",
		Short: "Set the day a key's licence ends (it is expired from that day on, UTC), or clear it",
		Args:  argsNamed("SERIAL"),
	}
	cmd.RunE = a.action(func(cmd *cobra.Command, args []string) error {
		if cmd.Flags().Changed("until") == clear {
			return usagef(cmd, "key licence needs --until YYYY-MM-DD or --clear (one of them)")
		}
		return a.withStore(mustExist, func(st *store.Store) error {
			k, err := st.SetKeyLicence(a.actor(), store.Serial(args[0]), until.until)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(a.env.Stderr, licenceLine(k, time.Now()))
			return err
		})
	})
	cmd.Flags().Var(&until, "until", "the day the licence ends")
	cmd.Flags().BoolVar(&clear, "clear", false, "the key has no licence (any more)")
	return cmd
}

// licenceLine says where a key's licence stands at now.
func licenceLine(k model.Key, now time.Time) string {
	serial := model.Printable(k.Serial)
	if k.LicenceUntil.IsZero() {
		return fmt.Sprintf("key %s has no licence", serial)
	}
	line := fmt.Sprintf("key %s has a licence until %s: %s", serial, model.FormatLicenceDate(k.LicenceUntil), model.LicenceStatusOf(k.LicenceUntil, now))
	if left := model.LicenceDaysLeft(k.LicenceUntil, now); left > 0 {
		line += fmt.Sprintf(", %d %s left", left, plural(left, "day", "days"))
	}
	return line
}

func (a *app) keyRFIDCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rfid SERIAL RFID",
		Short: "Change a key's RFID ('' clears it); no two keys have the same",
		Args:  argsNamed("SERIAL", "RFID"),
	}
	cmd.RunE = a.action(func(_ *cobra.Command, args []string) error {
		return a.withStore(mustExist, func(st *store.Store) error {
			k, err := st.SetKeyRFID(a.actor(), store.Serial(args[0]), args[1])
			if err != nil {
				return err
			}
			line := fmt.Sprintf("key %s has the RFID %s", model.Printable(k.Serial), model.Printable(k.RFID))
			if k.RFID == "" {
				line = fmt.Sprintf("key %s has no RFID", model.Printable(k.Serial))
			}
			_, err = fmt.Fprintln(a.env.Stderr, line)
			return err
		})
	})
	return cmd
}

func (a *app) profileAppliedCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "profile-applied SERIAL",
		Short: "Report that the key applied its new access profile",
		Args:  argsNamed("SERIAL"),
	}
	cmd.RunE = a.action(func(_ *cobra.Command, args []string) error {
		return a.withStore(mustExist, func(st *store.Store) error {
			k, err := st.ProfileApplied(a.actor(), args[0])
			if err != nil {
				return err
			}
			return a.printKeyProfile(st, k)
		})
	})
	return cmd
}
