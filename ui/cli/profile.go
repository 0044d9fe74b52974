package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The profile commands manage the access profiles keys carry (SPEC 10).

// ruleFlags are a profile's rules as flags; the same set serves add
// (from Default's rules) and edit (from the profile's own).
type ruleFlags struct {
	rules model.ProfileRules
}

func (r *ruleFlags) register(fs *pflag.FlagSet) {
	d := model.DefaultRules
	fs.BoolVar(&r.rules.RequirePIN, "require-pin", d.RequirePIN, "the key asks for a PIN (--require-pin=false: it does not)")
	fs.IntVar(&r.rules.PINExpiryDays, "pin-expiry", d.PINExpiryDays, fmt.Sprintf("days before the PIN must be changed, 0 for never (at most %d)", model.MaxPINExpiryDays))
	fs.IntVar(&r.rules.PINMinLength, "pin-min", d.PINMinLength, fmt.Sprintf("shortest PIN, %d to %d digits", model.MinPINLength, model.MaxPINLength))
	fs.IntVar(&r.rules.PINMaxLength, "pin-max", d.PINMaxLength, fmt.Sprintf("longest PIN, %d to %d digits", model.MinPINLength, model.MaxPINLength))
	fs.IntVar(&r.rules.WrongPINLimit, "wrong-pins", d.WrongPINLimit, fmt.Sprintf("wrong PIN entries before the key locks, %d to %d", model.MinWrongPINLimit, model.MaxWrongPINLimit))
	fs.BoolVar(&r.rules.RequireButton, "require-button", d.RequireButton, "the key asks for a press of its button")
	fs.BoolVar(&r.rules.RequireServerConfirm, "require-server-confirm", d.RequireServerConfirm, "the key asks this server to confirm")
}

// applyTo changes rules only where a flag was given, so that an edit keeps
// every rule the admin did not mention.
func (r *ruleFlags) applyTo(fs *pflag.FlagSet, rules model.ProfileRules) (model.ProfileRules, bool) {
	changed := false
	for _, f := range []struct {
		name     string
		dst, src any
	}{
		{"require-pin", &rules.RequirePIN, r.rules.RequirePIN},
		{"pin-expiry", &rules.PINExpiryDays, r.rules.PINExpiryDays},
		{"pin-min", &rules.PINMinLength, r.rules.PINMinLength},
		{"pin-max", &rules.PINMaxLength, r.rules.PINMaxLength},
		{"wrong-pins", &rules.WrongPINLimit, r.rules.WrongPINLimit},
		{"require-button", &rules.RequireButton, r.rules.RequireButton},
		{"require-server-confirm", &rules.RequireServerConfirm, r.rules.RequireServerConfirm},
	} {
		if !fs.Changed(f.name) {
			continue
		}
		changed = true
		switch dst := f.dst.(type) {
		case *bool:
			*dst = f.src.(bool)
		case *int:
			*dst = f.src.(int)
		}
	}
	return rules, changed
}

const profileFlagsUsage = "[--require-pin] [--pin-expiry DAYS] [--pin-min N] [--pin-max N] [--wrong-pins N] [--require-button] [--require-server-confirm]"

func (a *app) profileAddCommand() *cobra.Command {
	var rules ruleFlags
	cmd := a.command("add NAME "+profileFlagsUsage,
		"Add an access profile; rules not given are Default's (no PIN, 4-16 digits, 10 wrong PINs)", argsNamed("NAME"),
		func(_ *cobra.Command, args []string) error {
			return a.do(mayCreate, func(st *store.Store) (string, error) {
				p, err := st.AddProfile(a.actor(), args[0], rules.rules)
				return fmt.Sprintf("added profile %s (%s)", model.Printable(p.Name), rulesLine(p)), err
			})
		})
	rules.register(cmd.Flags())
	return cmd
}

func (a *app) profileEditCommand() *cobra.Command {
	var rules ruleFlags
	var name string
	cmd := a.command("edit NAME [--name NEW] "+profileFlagsUsage,
		"Change the rules given (and the name); the keys that have the profile get them at their next connection", argsNamed("NAME"),
		func(cmd *cobra.Command, args []string) error {
			if _, changed := rules.applyTo(cmd.Flags(), model.ProfileRules{}); !changed && !cmd.Flags().Changed("name") {
				return usagef(cmd, "profile edit: say what to change (--name, or a rule: --require-pin, --pin-expiry, --pin-min, --pin-max, --wrong-pins, --require-button, --require-server-confirm)")
			}
			return a.do(mustExist, func(st *store.Store) (string, error) {
				old, err := st.Profile(a.actor(), args[0])
				if err != nil {
					return "", err
				}
				newName := old.Name
				if cmd.Flags().Changed("name") {
					newName = name
				}
				newRules, _ := rules.applyTo(cmd.Flags(), old.ProfileRules)
				// The revision read above: a change made meanwhile by someone
				// else is refused rather than overwritten.
				p, err := st.EditProfile(a.actor(), store.ProfileRef{Name: old.Name, Rev: old.Rev}, newName, newRules)
				return fmt.Sprintf("updated profile %s (%s)", model.Printable(p.Name), rulesLine(p)), err
			})
		})
	cmd.Flags().StringVar(&name, "name", "", "a new name (not for Default)")
	rules.register(cmd.Flags())
	return cmd
}

func (a *app) profileDeleteCommand() *cobra.Command {
	return a.command("delete NAME", "Delete a profile no key has (never Default)", argsNamed("NAME"),
		func(_ *cobra.Command, args []string) error {
			return a.do(mustExist, func(st *store.Store) (string, error) {
				return "deleted profile " + model.Printable(args[0]), st.DeleteProfile(a.actor(), store.ProfileName(args[0]))
			})
		})
}

func (a *app) profileListCommand() *cobra.Command {
	return a.tableCommand("list", "List the profiles: their rules and how many keys have each", mustExist,
		"NAME\tPIN\tLENGTH\tEXPIRY\tWRONG PINS\tBUTTON\tSERVER\tKEYS", func(st *store.Store, w io.Writer) error {
			profiles, err := st.Profiles(a.actor())
			if err != nil {
				return err
			}
			for _, p := range profiles {
				fmt.Fprintf(w, "%s\t%s\t%d-%d\t%s\t%d\t%s\t%s\t%d\n", model.Printable(p.Name), yesNo(p.RequirePIN),
					p.PINMinLength, p.PINMaxLength, expiryWords(p.PINExpiryDays), p.WrongPINLimit,
					yesNo(p.RequireButton), yesNo(p.RequireServerConfirm), p.Keys)
			}
			return nil
		})
}

func (a *app) profileShowCommand() *cobra.Command {
	return a.command("show NAME", "Show one profile's rules and how many keys have it", argsNamed("NAME"),
		func(_ *cobra.Command, args []string) error {
			return a.withStore(mustExist, func(st *store.Store) error {
				p, err := st.Profile(a.actor(), args[0])
				if err != nil {
					return err
				}
				return printProfile(a.env.Stdout, p)
			})
		})
}

// printProfile writes a profile as labelled lines, one rule a line.
func printProfile(w io.Writer, p store.ProfileUse) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, row := range [][2]string{
		{"name", model.Printable(p.Name)},
		{"require PIN", yesNo(p.RequirePIN)},
		{"PIN length", fmt.Sprintf("%d-%d digits", p.PINMinLength, p.PINMaxLength)},
		{"PIN expiry", expiryWords(p.PINExpiryDays)},
		{"wrong PINs", fmt.Sprintf("%d, then the key locks", p.WrongPINLimit)},
		{"require button", yesNo(p.RequireButton)},
		{"require server confirmation", yesNo(p.RequireServerConfirm)},
		{"keys", strconv.Itoa(p.Keys)},
	} {
		fmt.Fprintf(tw, "%s\t%s\n", row[0], row[1])
	}
	return tw.Flush()
}

// rulesLine sums up a profile's rules on one line, for a confirmation.
func rulesLine(p model.Profile) string {
	asks := "asks for nothing"
	if on := p.Requires(); len(on) > 0 {
		asks = "asks for " + strings.Join(on, ", ")
	}
	return fmt.Sprintf("%s; PIN %d-%d digits, expiry %s, %d wrong PINs lock the key", asks,
		p.PINMinLength, p.PINMaxLength, expiryWords(p.PINExpiryDays), p.WrongPINLimit)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func expiryWords(days int) string {
	if days == 0 {
		return "never"
	}
	return fmt.Sprintf("%d days", days)
}
