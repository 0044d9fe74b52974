package store

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/demodata"
	bolt "go.etcd.io/bbolt"
)

// FillDemo fills an empty database with a realistic inventory: keys in
// every status, employees with and without keys, a plausible history.
// Every change goes through the same transitions as real work, in one
// transaction. The layout is the same for the same counts.
func (s *Store) FillDemo(who model.Actor, keys, employees int) error {
	if err := s.Check(who, model.OpDemo); err != nil {
		return err // the role first (see Check)
	}
	if keys < 0 || employees < 0 {
		return refused("the counts cannot be negative")
	}
	_, err := s.exec(who, model.OpDemo, demoArgs{Keys: keys, Employees: employees})
	return err
}

// demoArgs fill an empty database with demo data.
type demoArgs struct{ Keys, Employees int }

func (a demoArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	if tx.Bucket(bucketKeys).Stats().KeyN > 0 || tx.Bucket(bucketEmployees).Stats().KeyN > 0 {
		return nil, refused("the database already holds keys or employees: demo data goes only into an empty one")
	}
	touchAll(tx)
	d := demo{s: s, tx: tx, env: env, by: env.By, rng: rand.New(rand.NewPCG(uint64(a.Keys), uint64(a.Employees))),
		// Profiles, licences and companies draw from their own
		// source, so that the rest of the layout is as it always was.
		extra: rand.New(rand.NewPCG(uint64(a.Keys), uint64(a.Employees)+1))}
	return nil, d.fill(a.Keys, a.Employees)
}

type demo struct {
	s     *Store
	tx    *bolt.Tx
	env   *applyEnv
	by    string
	rng   *rand.Rand
	extra *rand.Rand
	clock time.Time
}

// tick moves the demo clock forward so that the history reads in order.
func (d *demo) tick(max time.Duration) time.Time {
	d.clock = d.clock.Add(time.Duration(d.rng.Int64N(int64(max)) + 1))
	return d.clock
}

func (d *demo) fill(nKeys, nEmployees int) error {
	now := d.env.Now
	d.clock = now.Add(-120 * 24 * time.Hour)

	profiles := []string{model.DefaultProfileName}
	if nKeys > 0 { // an empty demo is an empty database
		var err error
		if profiles, err = d.profiles(); err != nil {
			return err
		}
	}
	rows := make([]KeyRow, nKeys)
	for i := range rows {
		rows[i] = KeyRow{Line: i + 2, KeyInput: demodata.Key(i, d.rng)}
		rows[i].Profile, rows[i].LicenceUntil = d.keyExtras(profiles, now)
	}
	if nKeys > 0 {
		if err := d.s.importKeysAt(d.tx, d.env, keyRowList(rows), d.tick(time.Hour)); err != nil {
			return err
		}
	}

	// Created in name order: the e-mail and name indexes then grow by
	// appending, where random order moves half the index at each insert.
	inputs := make([]model.EmployeeInput, nEmployees)
	for i := range inputs {
		inputs[i] = demodata.Employee(i, d.rng)
		inputs[i].Company = demodata.Companies[d.extra.IntN(len(demodata.Companies))]
	}
	slices.SortFunc(inputs, func(a, b model.EmployeeInput) int {
		return strings.Compare(model.NameKey(a.FirstName, a.LastName), model.NameKey(b.FirstName, b.LastName))
	})
	created := make([]model.Employee, nEmployees)
	spread := 30 * 24 * time.Hour / time.Duration(nEmployees+1)
	for i, in := range inputs {
		e, err := d.s.createEmployeeAt(d.tx, d.by, in, d.tick(spread))
		if err != nil {
			return fmt.Errorf("demo employee %d: %w", i, err)
		}
		created[i] = e
	}
	// Keys go to employees picked at random, not to the first names of
	// the alphabet.
	people := make([]model.Employee, nEmployees)
	for i, j := range d.rng.Perm(nEmployees) {
		people[i] = created[j]
	}

	// Roughly two thirds of the employees get a key, if there are keys.
	assigned := min(nEmployees*2/3, nKeys*3/4)
	plan := make([]model.Status, assigned)
	for i := range plan {
		switch r := d.rng.IntN(100); {
		case r < 12:
			plan[i] = model.Reserved
		case r < 70:
			plan[i] = model.Active
		case r < 78:
			plan[i] = model.Locked
		case r < 86:
			plan[i] = model.Suspended
		case r < 93:
			plan[i] = model.Deactivated
		default:
			plan[i] = model.Compromised
		}
	}
	if assigned >= len(model.Statuses)-1 { // every status but Ready, which the rest of the stock shows
		copy(plan, []model.Status{model.Reserved, model.Active, model.Locked, model.Suspended, model.Deactivated, model.Compromised})
	}

	// The older history first, then the recent codes that must still be
	// valid (Reserved and Suspended) in the last few days.
	d.clock = now.Add(-80 * 24 * time.Hour)
	// A key's life takes at most 4 events (assign, three wrong codes): this
	// spread ends the older history before the recent codes, and keeps a
	// key's events well within its code's validity.
	spread = min(70*24*time.Hour/time.Duration(4*(assigned+1)), 24*time.Hour)
	for i, target := range plan {
		if target == model.Reserved {
			continue
		}
		if err := d.live(rows[i].Serial, &people[i], target, spread); err != nil {
			return err
		}
	}
	d.clock = now.Add(-5 * 24 * time.Hour)
	spread = 4 * 24 * time.Hour / time.Duration(assigned+1)
	for i, target := range plan {
		var err error
		switch target {
		case model.Reserved:
			_, err = d.event(rows[i].Serial, model.Event{Kind: model.EventAssign, Employee: &people[i]}, spread)
		case model.Suspended:
			_, err = d.event(rows[i].Serial, model.Event{Kind: model.EventSuspend, Note: "on leave"}, spread)
		}
		if err != nil {
			return err
		}
	}
	return d.pendingProfiles(rows, profiles, plan)
}

// profiles adds the demo's profiles and returns every profile's name,
// Default first.
func (d *demo) profiles() ([]string, error) {
	names := []string{model.DefaultProfileName}
	for _, dp := range demodata.Profiles {
		p, err := model.NewProfile(dp.Name, dp.Rules)
		if err != nil {
			return nil, err
		}
		if p.ID, err = d.tx.Bucket(bucketProfiles).NextSequence(); err != nil {
			return nil, err
		}
		p.CreatedAt = d.tick(time.Hour)
		p.UpdatedAt = p.CreatedAt
		if err := putProfile(d.tx, model.Profile{}, &p); err != nil {
			return nil, err
		}
		if err := d.s.appendAudit(d.tx, model.AuditEntry{Time: p.CreatedAt, Actor: d.by, Action: model.ActionProfileAdded,
			Target: profileTarget(p.Name), Note: rulesNote(p)}); err != nil {
			return nil, err
		}
		names = append(names, p.Name)
	}
	return names, nil
}

// keyExtras draws a key's profile (half keep Default) and licence end
// date: one key in ten has none; the others end from 30 days ago to
// about a year ahead, so that every licence status shows.
func (d *demo) keyExtras(profiles []string, now time.Time) (profile, licence string) {
	if r := d.extra.IntN(100); r >= 50 {
		profile = profiles[1+r%(len(profiles)-1)]
	}
	if d.extra.IntN(10) == 0 {
		return profile, ""
	}
	days := d.extra.IntN(420) - 30
	return profile, model.FormatLicenceDate(model.LicenceDate(model.LicenceDay(now) + days))
}

// pendingProfiles changes the profile of one Active key in twelve
// recently: the device has not applied it yet.
func (d *demo) pendingProfiles(rows []KeyRow, profiles []string, plan []model.Status) error {
	active := 0
	for i, target := range plan {
		if target != model.Active {
			continue
		}
		if active++; active%12 != 1 {
			continue
		}
		k, err := d.s.keyBySerial(d.tx, rows[i].Serial)
		if err != nil {
			return err
		}
		was, err := profileByID(d.tx, k.ProfileID)
		if err != nil {
			return err
		}
		p, err := profileByName(d.tx, profiles[(int(k.ProfileID)+1)%len(profiles)])
		if err != nil {
			return err
		}
		now := d.tick(time.Hour)
		next, err := model.ChangeKeyProfile(k, p, now)
		if err != nil {
			return fmt.Errorf("demo key %s: %w", k.Serial, err)
		}
		if err := d.s.writeKeyEdit(d.tx, d.by, k, &next, model.ActionKeyProfile, profileNote(next, p, was), now); err != nil {
			return err
		}
	}
	return nil
}

// live takes a key from Ready through assignment and activation to target.
func (d *demo) live(serial string, e *model.Employee, target model.Status, spread time.Duration) error {
	k, err := d.event(serial, model.Event{Kind: model.EventAssign, Employee: e}, spread)
	if err != nil {
		return err
	}
	e.KeyID = k.ID
	if target == model.Locked && d.rng.IntN(2) == 0 {
		for range model.MaxCodeFailures {
			if _, err := d.event(serial, model.Event{Kind: model.EventEnterCode, Code: wrongCode(k.Code.Digits)}, spread); err != nil {
				return err
			}
		}
		return nil
	}
	// The employee types the code within a day, long before it expires.
	if _, err := d.event(serial, model.Event{Kind: model.EventEnterCode, Code: k.Code.Digits}, min(spread, 24*time.Hour)); err != nil {
		return err
	}
	var ev model.Event
	switch target {
	case model.Locked:
		ev = model.Event{Kind: model.EventPinLocked}
	case model.Deactivated:
		ev = model.Event{Kind: model.EventRemove, Reason: model.Broken, Note: "cracked casing"}
		if d.rng.IntN(2) == 0 {
			ev = model.Event{Kind: model.EventRemove, Reason: model.Withdrawal, Note: "left the company"}
		}
		e.KeyID = 0
	case model.Compromised:
		ev = model.Event{Kind: model.EventCompromise, Reason: model.Lost, Confirm: serial, Note: "reported by phone"}
		if d.rng.IntN(3) == 0 {
			ev.Reason, ev.Note = model.Stolen, "bag stolen on a train"
		}
		e.KeyID = 0
	default:
		return nil
	}
	_, err = d.event(serial, ev, spread)
	return err
}

func (d *demo) event(serial string, ev model.Event, spread time.Duration) (model.Key, error) {
	k, err := d.s.keyBySerial(d.tx, serial)
	if err != nil {
		return k, err
	}
	ev.Now = d.tick(spread)
	actor := d.by
	if ev.Kind == model.EventEnterCode || ev.Kind == model.EventPinLocked {
		actor = model.ActorDevice
	}
	ch, err := d.s.applyKeyEvent(d.tx, actor, k, ev)
	if err == nil && ch.Failure != nil && ev.Kind == model.EventEnterCode && ev.Code == k.Code.Digits {
		err = ch.Failure // a right code that failed would leave the plan half done
	}
	if err != nil {
		return k, fmt.Errorf("demo key %s: %w", serial, err)
	}
	return ch.Key, nil
}

func wrongCode(code string) string {
	b := []byte(code)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}
