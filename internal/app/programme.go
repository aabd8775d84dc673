package app

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/policy"
	"github.com/havenhrd/haven/internal/store"
)

// DefaultRuleYears are the years seeded with DefaultRules at first start:
// from the stream's launch in 2021 to 2027. Any later year needs rules set
// by the programme's administration before it takes referrals.
var DefaultRuleYears = []int{2021, 2022, 2023, 2024, 2025, 2026, 2027}

// Bootstrap seeds the default programme rules of DefaultRuleYears where a
// year has none yet, as SystemActor. It is idempotent.
func (a *Programme) Bootstrap(ctx context.Context) error {
	return a.update(ctx, func(tx store.Tx) error {
		for _, y := range DefaultRuleYears {
			_, err := tx.FindRules(ctx, y)
			if err == nil {
				continue
			}
			if haven.ErrorCodeOf(err) != haven.ENOTFOUND {
				return err
			}
			r := haven.DefaultRules(y)
			r.Version, r.ChangedBy, r.ChangedAt = 1, SystemActor.UserID, a.now()
			if err := a.putRules(ctx, tx, SystemActor, r); err != nil {
				return err
			}
		}
		return a.indexNames(ctx, tx)
	})
}

// CreateFirstAdmin creates the programme administration's organisation and
// its first admin user on an empty database, as SystemActor, and returns
// the admin's one-time enrolment secret. It is how an installation starts;
// it fails with ECONFLICT once any organisation exists.
func (a *Programme) CreateFirstAdmin(ctx context.Context, org *haven.Organisation, u *haven.User) (enrolment string, err error) {
	const op = "app.CreateFirstAdmin"
	org.Kind, u.Role = haven.OrgProgrammeAdmin, haven.RoleAdmin
	return enrolment, a.update(ctx, func(tx store.Tx) error {
		os, err := tx.FindOrganisations(ctx, "")
		if err != nil {
			return err
		}
		if len(os) > 0 {
			return haven.Errorf(haven.ECONFLICT, op, "this database already has organisations")
		}
		if err := a.insertOrganisation(ctx, tx, SystemActor, org); err != nil {
			return err
		}
		u.OrgID = org.ID
		enrolment, err = a.insertUser(ctx, tx, SystemActor, u)
		return err
	})
}

// CreateOrganisation adds an organisation. Only the programme's
// administration may.
func (a *Programme) CreateOrganisation(ctx context.Context, actor haven.Actor, o *haven.Organisation) error {
	return a.update(ctx, func(tx store.Tx) error {
		w, err := a.allow(ctx, tx, actor, policy.OrgCreate)
		if err != nil {
			return err
		}
		return a.insertOrganisation(ctx, tx, w.actor(), o)
	})
}

func (a *Programme) insertOrganisation(ctx context.Context, tx store.Tx, actor haven.Actor, o *haven.Organisation) error {
	o.Name = trimmed(o.Name)
	if err := o.Validate().Err("app.CreateOrganisation"); err != nil {
		return err
	}
	id, err := a.newID("org")
	if err != nil {
		return err
	}
	o.ID, o.CreatedAt = id, a.now()
	if err := tx.CreateOrganisation(ctx, o); err != nil {
		return err
	}
	return a.audit(ctx, tx, actor, "org.create", "organisation", o.ID, "", map[string]any{"kind": o.Kind})
}

// CreateUser adds a user to an organisation and returns their one-time
// enrolment secret (valid 72 hours), with which they set a password and
// enrol a second factor: no password ever passes through an administrator.
// Only the programme's administration may. A taken username is ECONFLICT.
func (a *Programme) CreateUser(ctx context.Context, actor haven.Actor, u *haven.User) (enrolment string, err error) {
	return enrolment, a.update(ctx, func(tx store.Tx) error {
		w, err := a.allow(ctx, tx, actor, policy.UserCreate)
		if err != nil {
			return err
		}
		enrolment, err = a.insertUser(ctx, tx, w.actor(), u)
		return err
	})
}

func (a *Programme) insertUser(ctx context.Context, tx store.Tx, actor haven.Actor, u *haven.User) (string, error) {
	const op = "app.CreateUser"
	u.DisplayName = trimmed(u.DisplayName)
	if err := u.Validate().Err(op); err != nil {
		return "", err
	}
	if _, err := tx.FindOrganisationByID(ctx, u.OrgID); haven.ErrorCodeOf(err) == haven.ENOTFOUND {
		return "", (&haven.Problems{{Field: "org_id", Message: "no such organisation"}}).Err(op)
	} else if err != nil {
		return "", err
	}
	id, err := a.newID("usr")
	if err != nil {
		return "", err
	}
	u.ID, u.CreatedAt = id, a.now()
	if err := tx.CreateUser(ctx, u); err != nil {
		if haven.ErrorCodeOf(err) == haven.ECONFLICT {
			return "", &haven.Error{Code: haven.ECONFLICT, Op: op, Message: "the username is taken",
				Fields: []haven.FieldProblem{{Field: "username", Message: "choose another username"}}, Err: err}
		}
		return "", err
	}
	enrolment, err := a.issueEnrolment(ctx, tx, u.ID)
	if err != nil {
		return "", err
	}
	return enrolment, a.audit(ctx, tx, actor, "user.create", "user", u.ID, "", map[string]any{"org_id": u.OrgID, "role": u.Role})
}

// FindOrganisations lists organisations of kind (all when empty). Every
// signed-in user may list them: partners need to address each other.
func (a *Programme) FindOrganisations(ctx context.Context, actor haven.Actor, kind haven.OrgKind) ([]*haven.Organisation, error) {
	var out []*haven.Organisation
	err := a.view(ctx, func(tx store.Tx) error {
		if _, err := a.allow(ctx, tx, actor, policy.OrgRead); err != nil {
			return err
		}
		var err error
		out, err = tx.FindOrganisations(ctx, kind)
		return err
	})
	return out, err
}

// FindRules returns the current rules of year; ENOTFOUND when the year has none.
func (a *Programme) FindRules(ctx context.Context, actor haven.Actor, year int) (*haven.ProgrammeRules, error) {
	var r *haven.ProgrammeRules
	err := a.view(ctx, func(tx store.Tx) error {
		if _, err := a.allow(ctx, tx, actor, policy.RulesRead); err != nil {
			return err
		}
		var err error
		r, err = tx.FindRules(ctx, year)
		if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			return haven.Errorf(haven.ENOTFOUND, "app.FindRules", "no programme rules for %d", year)
		}
		return err
	})
	return r, err
}

// SetRules makes r the new version of its year's rules and sets the year's
// cap and partner allocations in the ledger. Only the programme's
// administration may. Lowering the cap or an allocation below what is
// already approved fails with ECONFLICT and changes nothing. Rules without
// stage budgets (StageDays nil) keep the year's current ones, or take the
// defaults for a year without rules.
//
// A change of rules moves no date a case already has: the new target
// times apply to referrals made after it, the new stage budgets to the
// stages cases enter after it (workflow.NextClock).
func (a *Programme) SetRules(ctx context.Context, actor haven.Actor, r *haven.ProgrammeRules) error {
	return a.setRules(ctx, actor, r, -1)
}

// SetRulesIfVersion is SetRules for a change made against the rules as
// they stood at version (0: the year had none): when the year's rules have
// changed since, in this or another process, it refuses with ECONFLICT and
// changes nothing, so that a change never silently undoes another.
func (a *Programme) SetRulesIfVersion(ctx context.Context, actor haven.Actor, r *haven.ProgrammeRules, version int) error {
	if version < 0 {
		return (&haven.Problems{{Field: "version", Message: "the version is a number from 0"}}).Err("app.SetRulesIfVersion")
	}
	return a.setRules(ctx, actor, r, version)
}

// setRules sets the year's rules; base is the version the change was made
// against, or -1 for any.
func (a *Programme) setRules(ctx context.Context, actor haven.Actor, r *haven.ProgrammeRules, base int) error {
	const op = "app.SetRules"
	return a.update(ctx, func(tx store.Tx) error {
		w, err := a.allow(ctx, tx, actor, policy.RulesSet)
		if err != nil {
			return err
		}
		cur, err := tx.FindRules(ctx, r.Year)
		switch haven.ErrorCodeOf(err) {
		case "":
			r.Version = cur.Version + 1
			if r.StageDays == nil {
				r.StageDays = cur.StageDays
			}
			if r.InfoRequestDays == 0 {
				r.InfoRequestDays = cur.InfoRequestDays
			}
		case haven.ENOTFOUND:
			r.Version = 1
			if r.StageDays == nil {
				r.StageDays = haven.DefaultStageDays()
			}
			if r.InfoRequestDays == 0 {
				r.InfoRequestDays = haven.DefaultInfoRequestDays
			}
		default:
			return err
		}
		// The row read above is the year's latest version, and PutRules
		// inserts version+1 under a unique key: two changes from the same
		// version cannot both commit, whatever the engine's isolation.
		if base >= 0 && r.Version-1 != base {
			return haven.Errorf(haven.ECONFLICT, op, "the rules of %d changed since version %d; read them again", r.Year, base)
		}
		var p haven.Problems
		check := func(field string, ids []haven.ID) error {
			for _, id := range ids {
				if _, err := tx.FindOrganisationByID(ctx, id); haven.ErrorCodeOf(err) == haven.ENOTFOUND {
					p.Add(field, "no organisation with ID "+string(id))
				} else if err != nil {
					return err
				}
			}
			return nil
		}
		ids := slices.Collect(maps.Keys(r.Allocations))
		slices.Sort(ids)
		if err := check("allocations", ids); err != nil {
			return err
		}
		if err := check("referrers", r.Referrers); err != nil {
			return err
		}
		if err := p.Err(op); err != nil {
			return err
		}
		r.ChangedBy, r.ChangedAt = w.user.ID, a.now()
		return a.putRules(ctx, tx, w.actor(), r)
	})
}

func (a *Programme) putRules(ctx context.Context, tx store.Tx, actor haven.Actor, r *haven.ProgrammeRules) error {
	if err := r.Validate().Err("app.SetRules"); err != nil {
		return err
	}
	if err := tx.PutRules(ctx, r); haven.ErrorCodeOf(err) == haven.ECONFLICT {
		// Another change made the same version first.
		return haven.Errorf(haven.ECONFLICT, "app.SetRules", "the rules of %d changed meanwhile; read them again", r.Year)
	} else if err != nil {
		return err
	}
	if err := tx.SetCap(ctx, r.Year, r.Cap, r.Allocations); err != nil {
		return err
	}
	return a.audit(ctx, tx, actor, "rules.set", "rules", haven.ID("rules_"+itoa(r.Year)), "",
		map[string]any{"year": r.Year, "version": r.Version, "cap": r.Cap, "allocations": len(r.Allocations), "referrers": len(r.Referrers)})
}

// CapFigures returns a year's cap, reserved, arrived and remaining persons,
// overall, by partner and by month (of the whole cap). ENOTFOUND when the
// year has no cap.
func (a *Programme) CapFigures(ctx context.Context, actor haven.Actor, year int) (*haven.CapFigures, error) {
	return a.CapFiguresOf(ctx, actor, year, "")
}

// CapFiguresOf is CapFigures with the months of the seats counted for
// partner, or of the whole cap when partner is empty. It fails with EINVALID
// (field "partner") when partner is not one of the year's Partners (those
// with an allocation or with seats), and ENOTFOUND when the year has no cap.
//
// The months run from BeforeYear through the month now in progress (a month
// not yet begun has no figures to show), and reach AfterYear once the year
// has ended. A partner's Remaining is what is left of its allocation, or of
// the cap when it has none, and never more than the cap's.
func (a *Programme) CapFiguresOf(ctx context.Context, actor haven.Actor, year int, partner haven.ID) (*haven.CapFigures, error) {
	const op = "app.CapFigures"
	var f *haven.CapFigures
	err := a.view(ctx, func(tx store.Tx) error {
		if _, err := a.allow(ctx, tx, actor, policy.LedgerRead); err != nil {
			return err
		}
		var err error
		f, err = tx.LedgerCounts(ctx, year)
		if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			return haven.Errorf(haven.ENOTFOUND, op, "no cap is set for %d", year)
		}
		if err != nil {
			return err
		}
		var of *haven.PartnerFigures
		for i := range f.Partners {
			p := &f.Partners[i]
			if p.Allocation > 0 {
				p.Remaining = min(p.Allocation-p.Reserved-p.Arrived, f.Remaining)
			} else {
				p.Remaining = f.Remaining
			}
			if p.OrgID == partner {
				of = p
			}
		}
		if partner != "" && of == nil {
			return (&haven.Problems{{Field: "partner", Message: "choose one of the year's partners"}}).Err(op)
		}
		whole, err := tx.LedgerMonths(ctx, year, "")
		if err != nil {
			return err
		}
		for i := range whole {
			whole[i].Remaining = f.Cap - whole[i].Reserved - whole[i].Arrived
		}
		f.Months = whole
		if of != nil {
			if f.Months, err = tx.LedgerMonths(ctx, year, partner); err != nil {
				return err
			}
			for i := range f.Months {
				m := &f.Months[i]
				m.Remaining = whole[i].Remaining
				if of.Allocation > 0 {
					m.Remaining = min(of.Allocation-m.Reserved-m.Arrived, m.Remaining)
				}
			}
			f.MonthsOf = partner
		}
		f.Months = slices.DeleteFunc(f.Months, func(m haven.MonthFigures) bool { return !a.begun(year, m.Month) })
		return nil
	})
	return f, err
}

// begun reports whether the period month of year has begun by now: a
// month not yet begun has no figures to show.
func (a *Programme) begun(year, month int) bool {
	switch month {
	case haven.BeforeYear:
		return true
	case haven.AfterYear:
		return !a.now().Before(time.Date(year+1, time.January, 1, 0, 0, 0, 0, time.UTC))
	}
	return !a.now().Before(time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC))
}

// FindUserByUsername returns the user with username, for the command line,
// whose operator holds the database and the key file and names the user
// they act as. ENOTFOUND when there is none.
func (a *Programme) FindUserByUsername(ctx context.Context, username string) (*haven.User, error) {
	var out *haven.User
	err := a.view(ctx, func(tx store.Tx) (err error) {
		out, err = tx.FindUserByUsername(ctx, username)
		if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			return haven.Errorf(haven.ENOTFOUND, "app.FindUserByUsername", "no such user")
		}
		return err
	})
	return out, err
}

// demoKey is the meta key marking a demo database.
const demoKey = "demo"

// MarkDemo marks an empty database as a demo database. It fails with
// ECONFLICT when the database already holds organisations.
func (a *Programme) MarkDemo(ctx context.Context) error {
	return a.update(ctx, func(tx store.Tx) error {
		os, err := tx.FindOrganisations(ctx, "")
		if err != nil {
			return err
		}
		if len(os) > 0 {
			return haven.Errorf(haven.ECONFLICT, "app.MarkDemo", "the database is not empty: only a fresh database becomes a demo")
		}
		return tx.SetMeta(ctx, demoKey, "true")
	})
}

// IsDemo reports whether the database is marked as a demo database.
func (a *Programme) IsDemo(ctx context.Context) (bool, error) {
	var v string
	err := a.view(ctx, func(tx store.Tx) (err error) {
		v, err = tx.Meta(ctx, demoKey)
		return err
	})
	if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
		return false, nil
	}
	return v == "true", err
}
