package app

import (
	"context"
	"strconv"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/vault"
	"github.com/havenhrd/haven/internal/workflow"
)

// ScheduleInterview schedules the case's eligibility interview, or, while
// the case is in interview, moves it (its date, time, place, link,
// language, interpreter or who attends): the case goes to interview (or
// stays there), the interview is written with its place, link and zone
// sealed under the case's data key, the case's clock is worked out anew
// from it (the eligibility stage's deadline is never before the
// interview, which is the next step's day), the referring partner is told
// (NoticeInterview; its mail says nothing) and the act is audited with
// times and IDs alone, all in one transaction. Each move is an act of its
// own. When iv names no one attending, the principal applicant and the
// accompanying adults on the interview's day attend
// (workflow.DefaultAttending). The visa office may (policy.CaseProcess).
// On success iv carries its ID and the instant it begins.
//
// Errors: EINVALID with field problems, writing nothing, for an interview
// in the past (field "date" or "time"), after the case's target date
// ("date"), with neither place nor link ("place"), with a link that is
// not an absolute https link ("link"), an unknown zone ("zone") or
// language ("language"), an interpreter without a language
// ("interpreter_language"), or a member attending who is not on the case
// ("attending"); ENOTFOUND when there is no such case or the actor may not
// read it, alike; EFORBIDDEN when it reads the case but may not process
// it; ECONFLICT when the case is in a state that takes no interview.
func (a *Cases) ScheduleInterview(ctx context.Context, actor haven.Actor, id haven.ID, iv *haven.Interview) (*haven.Case, error) {
	const op = "app.ScheduleInterview"
	if iv == nil {
		iv = &haven.Interview{}
	}
	if err := iv.Validate(a.now()).Err(op); err != nil {
		return nil, err
	}
	return a.step(ctx, actor, id, workflow.Input{Event: haven.EventScheduleInterview, Interview: iv},
		func(ctx context.Context, tx store.Tx, w who, row *store.CaseRow, c *haven.Case, dk *vault.DataKey) (map[string]any, error) {
			prev := c.Interview
			if prev != nil {
				iv.ID = prev.ID // the same interview, moved
			} else {
				var err error
				if iv.ID, err = a.newID("itv"); err != nil {
					return nil, err
				}
			}
			iv.CaseID, iv.ScheduledBy, iv.ScheduledAt = c.ID, w.user.ID, a.now()
			if len(iv.Attending) == 0 {
				aged, err := a.withBirthDates(ctx, tx, c, dk)
				if err != nil {
					return nil, err
				}
				iv.Attending = workflow.DefaultAttending(aged, iv.Date)
			}
			s := a.sealer(dk, "interviews", iv.ID)
			r := &store.InterviewRow{ID: iv.ID, CaseID: c.ID, At: iv.At, Date: iv.Date,
				Zone: s.str("zone", iv.Zone), Place: s.str("place", iv.Place), Link: s.str("link", iv.Link),
				Language: iv.Language, Interpreter: iv.Interpreter, InterpreterLanguage: iv.InterpreterLanguage,
				Attending: iv.Attending, ScheduledBy: iv.ScheduledBy, ScheduledAt: iv.ScheduledAt}
			if s.err != nil {
				return nil, s.err
			}
			if err := tx.PutInterview(ctx, r); err != nil {
				return nil, err
			}
			// Told in this transaction: the referring partner brings the
			// family to the interview. One notice per act: the case's
			// version after it names the act.
			if _, err := a.notify(ctx, tx, w.actor(), notice{kind: haven.NoticeInterview, caseID: c.ID, due: iv.Date,
				to:  []store.Recipient{{OrgID: c.ReferringOrgID}},
				key: string(c.ID) + ":v" + strconv.Itoa(row.Version+1)}); err != nil {
				return nil, err
			}
			// Times and IDs only: the log holds no place, link or zone.
			detail := map[string]any{"interview_id": iv.ID, "interview_at": iv.At.UTC().Format(time.RFC3339), "attending": iv.Attending}
			if prev != nil {
				detail["previous_at"] = prev.At.UTC().Format(time.RFC3339)
			}
			return detail, nil
		})
}

// withBirthDates returns a copy of c whose members carry their dates of
// birth, opened from the store: whether a member is an adult on the
// interview's day is what the default of who attends turns on. The dates
// are opened for that alone, in the transaction of the visa office's act,
// and go nowhere else.
func (a *Cases) withBirthDates(ctx context.Context, tx store.Tx, c *haven.Case, dk *vault.DataKey) (*haven.Case, error) {
	mrs, err := tx.FindMembers(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	out := &haven.Case{ID: c.ID}
	for _, mr := range mrs {
		m := &haven.Member{ID: mr.ID, CaseID: mr.CaseID, Relationship: mr.Relationship, Accompanying: mr.Accompanying, Excluded: mr.Excluded}
		o := a.opener(dk, "members", mr.ID)
		if dob := o.str("date_of_birth", mr.DateOfBirth); dob != "" {
			if m.DateOfBirth, err = haven.ParseDate(dob); err != nil {
				return nil, haven.Internal("app.withBirthDates", err)
			}
		}
		if o.err != nil {
			return nil, o.err
		}
		out.Members = append(out.Members, m)
	}
	return out, nil
}

// loadInterview reads the case's interview, if any, opening where it is
// (the zone, the place and the link) only when open is set; otherwise
// only its day, its instant and the plain facts are read.
func (a *Cases) loadInterview(ctx context.Context, tx store.Tx, caseID haven.ID, dk *vault.DataKey, open bool) (*haven.Interview, error) {
	r, err := tx.FindInterview(ctx, caseID)
	if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	iv := &haven.Interview{ID: r.ID, CaseID: r.CaseID, Date: r.Date, At: r.At, Language: r.Language, Interpreter: r.Interpreter,
		InterpreterLanguage: r.InterpreterLanguage, Attending: r.Attending, ScheduledBy: r.ScheduledBy, ScheduledAt: r.ScheduledAt}
	if !open {
		return iv, nil
	}
	o := a.opener(dk, "interviews", r.ID)
	iv.Zone, iv.Place, iv.Link = o.str("zone", r.Zone), o.str("place", r.Place), o.str("link", r.Link)
	if o.err != nil {
		return nil, o.err
	}
	if iv.Zone != "" {
		iv.Time = iv.Local().Format("15:04")
	}
	return iv, nil
}
