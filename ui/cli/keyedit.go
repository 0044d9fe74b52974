package cli

import (
	"fmt"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
)

// The key commands that change a key without changing its status: its
// profile, its licence, its RFID. Each says what the key has now.

func (a *app) keyProfileCommand() *cobra.Command {
	return a.keyProfileChange("profile SERIAL PROFILE",
		"Give a key another access profile (Ready, Reserved, Active or Suspended); it applies at the key's next connection",
		argsNamed("SERIAL", "PROFILE"), func(st *store.Store, args []string) (model.Key, error) {
			return st.SetKeyProfile(a.actor(), store.Serial(args[0]), args[1])
		})
}

func (a *app) profileAppliedCommand() *cobra.Command {
	return a.keyProfileChange("profile-applied SERIAL", "Report that the key applied its new access profile",
		argsNamed("SERIAL"), func(st *store.Store, args []string) (model.Key, error) {
			return st.ProfileApplied(a.actor(), args[0])
		})
}

// keyProfileChange is a key command whose result is the key's profile:
// which one it has, and whether its device has it yet.
func (a *app) keyProfileChange(use, short string, args cobra.PositionalArgs,
	op func(st *store.Store, args []string) (model.Key, error)) *cobra.Command {
	return a.command(use, short, args, func(_ *cobra.Command, args []string) error {
		return a.do(mustExist, func(st *store.Store) (string, error) {
			k, err := op(st, args)
			if err != nil {
				return "", err
			}
			p, err := st.ProfileByID(k.ProfileID)
			if err != nil {
				return "", err
			}
			line := fmt.Sprintf("key %s has the profile %s", model.Printable(k.Serial), model.Printable(p.Name))
			if k.ProfilePending() {
				line += ": pending until the key applies it at its next connection"
			}
			return line, nil
		})
	})
}

func (a *app) keyLicenceCommand() *cobra.Command {
	until := licenceFlag()
	var clear bool
	cmd := a.command("licence SERIAL --until YYYY-MM-DD | --clear",
		"Set the day a key's licence ends (it is expired from that day on, UTC), or clear it", argsNamed("SERIAL"),
		func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("until") == clear {
				return usagef(cmd, "key licence needs --until YYYY-MM-DD or --clear (one of them)")
			}
			return a.do(mustExist, func(st *store.Store) (string, error) {
				k, err := st.SetKeyLicence(a.actor(), store.Serial(args[0]), until.value)
				return licenceLine(k, time.Now()), err
			})
		})
	cmd.Flags().Var(until, "until", "the day the licence ends")
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
	return a.command("rfid SERIAL RFID", "Change a key's RFID ('' clears it); no two keys have the same",
		argsNamed("SERIAL", "RFID"), func(_ *cobra.Command, args []string) error {
			return a.do(mustExist, func(st *store.Store) (string, error) {
				k, err := st.SetKeyRFID(a.actor(), store.Serial(args[0]), args[1])
				if k.RFID == "" {
					return fmt.Sprintf("key %s has no RFID", model.Printable(k.Serial)), err
				}
				return fmt.Sprintf("key %s has the RFID %s", model.Printable(k.Serial), model.Printable(k.RFID)), err
			})
		})
}
