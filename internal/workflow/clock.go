package workflow

import (
	"slices"
	"time"

	"github.com/havenhrd/haven"
)

// StageOf returns the stage of a case in state; a case on hold or waiting
// for information is in the stage of the state it will resume (resume).
// After arrival, and once refused or withdrawn, a case is in no stage.
func StageOf(state, resume haven.CaseState) haven.Stage {
	switch state {
	case haven.StateOnHold, haven.StateInfoRequested:
		if resume == haven.StateOnHold || resume == haven.StateInfoRequested {
			return haven.StageNone
		}
		return StageOf(resume, "")
	case haven.StateReferred:
		return haven.StageFile
	case haven.StateFileCreated, haven.StateEligibilityReview, haven.StateInterview:
		return haven.StageEligibility
	case haven.StateEligible, haven.StateAdmissibilityInProgress, haven.StateAdmissible, haven.StateSplitDecision:
		return haven.StageAdmissibility
	case haven.StateApproved, haven.StateTravelBooked:
		return haven.StageDeparture
	}
	return haven.StageNone
}

// TargetDate returns the date referredAt plus the target time of priority
// in rules, or the zero date when rules are nil or set no target for it.
func TargetDate(referredAt time.Time, priority haven.Priority, rules *haven.ProgrammeRules) haven.Date {
	if rules == nil {
		return haven.Date{}
	}
	days, ok := rules.TargetDays[priority]
	if !ok {
		return haven.Date{}
	}
	return haven.DateOf(referredAt).AddDays(days)
}

// StageDue returns the deadline of stage for a case of priority that
// entered it at since: since's date plus the stage's budget in rules. It
// is the zero date outside a stage, or when rules are nil or set no budget.
func StageDue(stage haven.Stage, since time.Time, priority haven.Priority, rules *haven.ProgrammeRules) haven.Date {
	if rules == nil || stage == haven.StageNone {
		return haven.Date{}
	}
	days, ok := rules.StageDays[stage][priority]
	if !ok {
		return haven.Date{}
	}
	return haven.DateOf(since).AddDays(days)
}

// Turn returns whose turn it is to move c: the referring partner while it
// is asked for information and has not answered (Answered: once it has,
// the visa office's, to read the answer and resume); the check partners while a case in
// admissibility_in_progress has a traveller whose medical, security or
// criminality check has no result or is on hold; otherwise the visa office
// for any case in a stage (a case on hold included: the visa office put it
// there and resumes it); no one outside a stage.
func Turn(c *haven.Case) haven.Party {
	if StageOf(c.State, c.ResumeState) == haven.StageNone {
		return haven.PartyNone
	}
	switch c.State {
	case haven.StateInfoRequested:
		if Answered(c) {
			return haven.PartyVisaOffice
		}
		return haven.PartyReferringPartner
	case haven.StateAdmissibilityInProgress:
		for _, m := range c.Travellers() {
			for _, k := range haven.CheckKinds {
				if outstanding(c, m.ID, k) {
					return haven.PartyCheckPartners
				}
			}
		}
	}
	return haven.PartyVisaOffice
}

// outstanding reports whether the member's check of kind waits on a
// partner: it has no result yet, or its latest is on hold.
func outstanding(c *haven.Case, member haven.ID, kind haven.CheckKind) bool {
	ch := c.LatestCheck(member, kind)
	return ch == nil || ch.Result == haven.ResultOnHold
}

// CheckHolders returns the organisations of c.CheckAssignments that hold
// an outstanding check of a traveller (one of the kinds the organisation
// records, with no result yet or on hold): those the check partners' turn
// (Turn) waits on. Each is named once, in ID order; none is nil. It reads
// only c's travellers, their checks and the assignments, so a case that
// holds no more than those answers as the whole case does.
func CheckHolders(c *haven.Case) []haven.ID {
	var out []haven.ID
	for _, m := range c.Travellers() {
		for _, a := range c.CheckAssignments {
			if a.MemberID != m.ID || slices.Contains(out, a.OrgID) {
				continue
			}
			if slices.ContainsFunc(a.Kinds, func(k haven.CheckKind) bool { return outstanding(c, m.ID, k) }) {
				out = append(out, a.OrgID)
			}
		}
	}
	slices.Sort(out)
	return out
}

// NextClock returns c's clock after an act, from the clock it had before
// (prev: the zero clock for a new case), c as it stands after the act, the
// rules of c's referral year (nil when that year has none) and the time of
// the act.
//
// A deadline, once set, stands until what it was computed from changes:
//   - the target date is computed at referral, and later only if it was
//     unset (the referral year had no rules then);
//   - a stage's deadline is computed when the case enters the stage, and
//     later only if it was unset. A change of
//     state inside a stage (eligibility_review to interview, admissible
//     back to admissibility_in_progress) keeps it; entering another stage
//     starts its clock afresh at now.
//
// So a change of the year's rules applies to new referrals and to the
// stages cases enter after it, and never moves a date a case already has.
//
// The interview (c.Interview, in the eligibility stage) is a date of its
// own: the stage's deadline is never before it (StageDue is the later of
// the two, BaseDue keeping the stage's own while the interview's is
// later), and while the case is in state interview it is the next step's
// day (NextDue). Both follow the interview when it moves.
// (No act changes a case's processing priority after referral.)
//
// A hold or a request for information does not stop the clock: the case
// stays in its stage and the deadline stands. The deadline measures the
// family's need (an emergency departs within 7 days, whatever the reason
// for delay), and pausing it would make a late case look on time; instead
// the clock says the case is waiting, since when and on whom.
func NextClock(prev haven.CaseClock, c *haven.Case, rules *haven.ProgrammeRules, now time.Time) haven.CaseClock {
	next := prev
	if next.TargetDate.IsZero() {
		next.TargetDate = TargetDate(c.ReferredAt, c.ProcessingPriority, rules)
	}
	stage := StageOf(c.State, c.ResumeState)
	// own is the stage's own deadline, by its budget alone: the stored
	// one, unless an interview moved it (then BaseDue keeps it).
	own := prev.StageDue
	if !prev.BaseDue.IsZero() {
		own = prev.BaseDue
	}
	switch {
	case stage == haven.StageNone:
		next.Stage, next.StageSince, own = haven.StageNone, time.Time{}, haven.Date{}
	case stage != prev.Stage:
		next.Stage, next.StageSince = stage, now
		own = StageDue(stage, now, c.ProcessingPriority, rules)
	case own.IsZero():
		own = StageDue(stage, next.StageSince, c.ProcessingPriority, rules)
	}
	next.StageDue, next.BaseDue, next.NextDue = own, haven.Date{}, haven.Date{}
	if iv := c.Interview; iv != nil && stage == haven.StageEligibility {
		// The eligibility stage does not end before its interview: an
		// interview after the stage's own deadline moves the deadline to
		// the interview's day, and back when the interview moves back.
		if !own.IsZero() && iv.Date.After(own) {
			next.StageDue, next.BaseDue = iv.Date, own
		}
		if c.State == haven.StateInterview {
			next.NextDue = iv.Date
		}
	}
	next.Turn = Turn(c)
	waiting := c.State == haven.StateOnHold || c.State == haven.StateInfoRequested
	switch {
	case !waiting:
		next.WaitingSince = time.Time{}
	case next.WaitingSince.IsZero(), next.Turn != prev.Turn:
		// A wait that passes to another party (the referring partner's
		// answer hands it to the visa office) starts afresh: the clock
		// says since when the one who holds it now has held it.
		next.WaitingSince = now
	}
	return next
}
