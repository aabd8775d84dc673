package workflow

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/havenhrd/haven"
)

// The guards of the case machine. Each names itself in the graph; its doc is
// the legend of the golden file. Messages name IDs, states and kinds only.

// MaxReasons bounds written reasons (of a refusal, a split decision, a
// withdrawal, a hold, a request for information, a nomination's decline),
// in characters.
const MaxReasons = 10000

// checkReasons records the problems of written reasons under field: none
// given, or, all said at once, too long and holding control characters
// other than line breaks and tabs.
func checkReasons(p *haven.Problems, field, reasons string) {
	if strings.TrimSpace(reasons) == "" {
		p.Add(field, "written reasons are required")
		return
	}
	p.Text(field, reasons, 0, MaxReasons)
}

var guardReasons = &guard{
	name: "reasons",
	doc:  "written reasons are given, of at most MaxReasons characters and no control character (EINVALID reasons)",
	check: func(c *haven.Case, in Input, today haven.Date) *haven.Error {
		var p haven.Problems
		checkReasons(&p, "reasons", in.Reasons)
		return problems(p)
	},
}

var guardAssessment = &guard{
	name: "assessment_eligible",
	doc: "the eligibility assessment of this case holds every finding and a Convention ground " +
		"(EINVALID assessment; a negative assessment leads to refusal with written reasons)",
	check: func(c *haven.Case, in Input, today haven.Date) *haven.Error {
		a := in.Assessment
		switch {
		case a == nil:
			return invalid("assessment", "record the eligibility assessment")
		case a.CaseID != "" && a.CaseID != c.ID:
			return invalid("assessment", "the assessment belongs to another case")
		case !a.Eligible():
			return invalid("assessment", "the assessment is negative: a case is eligible only when "+
				"every finding holds and a Convention ground is found; a negative assessment "+
				"leads to refusal with written reasons")
		}
		return nil
	},
}

var guardInterview = &guard{
	name: "interview_on_case",
	doc: "the interview is given, on or before the case's target date (at the place), and each member " +
		"attending is a member of this case not removed by a split decision (EINVALID interview, date, attending)",
	check: func(c *haven.Case, in Input, today haven.Date) *haven.Error {
		iv := in.Interview
		if iv == nil {
			return invalid("interview", "give the interview's date, time, place or link, and language")
		}
		var p haven.Problems
		if !c.TargetDate.IsZero() && iv.Date.After(c.TargetDate) {
			p.Addf("date", "the interview must be on or before the case's target date, %s", c.TargetDate)
		}
		for i, id := range iv.Attending {
			if m := c.Member(id); m == nil || m.Excluded {
				p.Addf("attending", "entry %d is not a member of this case", i+1)
			}
		}
		return problems(p)
	},
}

// DefaultAttending returns who attends an interview on the date on when
// the visa office names no one: the principal applicant and every other
// accompanying adult (AdultAge or over on that date) not removed by a
// split decision, in the case's order. c's members must carry their dates
// of birth; one without is taken for an adult, so that nobody who may be
// one is left out.
func DefaultAttending(c *haven.Case, on haven.Date) []haven.ID {
	var out []haven.ID
	for _, m := range c.Members {
		switch {
		case m.Excluded:
		case m.Relationship == haven.RelPrincipal,
			m.Accompanying && (m.DateOfBirth.IsZero() || m.DateOfBirth.YearsOn(on) >= haven.AdultAge):
			out = append(out, m.ID)
		}
	}
	return out
}

var guardCheckOnCase = &guard{
	name: "check_on_case",
	doc:  "the check is given and concerns a member of this case (EINVALID check, member_id, case_id)",
	check: func(c *haven.Case, in Input, today haven.Date) *haven.Error {
		ch := in.Check
		if ch == nil {
			return invalid("check", "record the check")
		}
		var p haven.Problems
		if c.Member(ch.MemberID) == nil {
			p.Add("member_id", "the member is not on this case")
		}
		if ch.CaseID != "" && ch.CaseID != c.ID {
			p.Add("case_id", "the check belongs to another case")
		}
		return problems(p)
	},
}

var whenCheckPasses = &condition{
	name: "check_passes",
	doc:  "the new check passed (a medical one valid today): the case stays admissible; otherwise admissibility is open again",
	holds: func(c *haven.Case, in Input, today haven.Date) bool {
		ch := in.Check
		return ch != nil && ch.Result == haven.ResultPassed &&
			(ch.Kind != haven.CheckMedical || !ch.ValidUntil.Before(today))
	},
}

var guardTravellersAdmissible = &guard{
	name: "travellers_admissible",
	doc: "every traveller (accompanying, not excluded) is admissible today: latest medical passed and " +
		"valid, latest security and criminality passed; one inadmissible member blocks the family, " +
		"IRPA s.42 (ECONFLICT)",
	facts: true,
	check: func(c *haven.Case, in Input, today haven.Date) *haven.Error {
		ts := c.Travellers()
		if len(ts) == 0 {
			return conflict("the case has no travellers")
		}
		var msgs []string
		for _, m := range ts {
			if ok, reason := MemberAdmissible(c, m, today); !ok {
				msgs = append(msgs, fmt.Sprintf("member %s is not admissible: %s", m.ID, reason))
			}
		}
		if len(msgs) > 0 {
			return conflict(strings.Join(msgs, "; "))
		}
		return nil
	},
}

// Removable returns the members a split decision may remove from c: the
// travellers (accompanying, not already removed) other than the principal
// applicant; none when no traveller would remain after removing one. A
// split decision is possible only when there is one (split_possible).
func Removable(c *haven.Case) []*haven.Member {
	ts := c.Travellers()
	if len(ts) < 2 {
		return nil
	}
	var out []*haven.Member
	for _, m := range ts {
		if m.Relationship != haven.RelPrincipal {
			out = append(out, m)
		}
	}
	return out
}

var guardSplitPossible = &guard{
	name: "split_possible",
	doc: "some traveller other than the principal applicant may be removed and another traveller " +
		"would remain (ECONFLICT)",
	facts: true,
	check: func(c *haven.Case, in Input, today haven.Date) *haven.Error {
		if len(Removable(c)) == 0 {
			return conflict("no member may be removed: a split decision needs an accompanying member other than the principal applicant, and another traveller to remain")
		}
		return nil
	},
}

var guardSplitMembers = &guard{
	name: "split_members",
	doc: "the excluded members are listed, each an accompanying member of this case not already " +
		"excluded and not the principal applicant, and a traveller remains (EINVALID excluded)",
	check: func(c *haven.Case, in Input, today haven.Date) *haven.Error {
		if len(in.Excluded) == 0 {
			return invalid("excluded", "choose the members the split decision removes")
		}
		var p haven.Problems
		for i, id := range in.Excluded {
			m := c.Member(id)
			switch {
			case slices.Index(in.Excluded, id) < i:
				p.Addf("excluded", "entry %d is listed twice", i+1)
			case m == nil:
				p.Addf("excluded", "entry %d is not a member of this case", i+1)
			case m.Relationship == haven.RelPrincipal:
				p.Addf("excluded", "entry %d is the principal applicant, who cannot be removed", i+1)
			case !m.Accompanying:
				p.Addf("excluded", "entry %d is not an accompanying member", i+1)
			case m.Excluded:
				p.Addf("excluded", "entry %d was already removed by a split decision", i+1)
			}
		}
		if len(p) == 0 {
			remaining := slices.DeleteFunc(c.Travellers(), func(m *haven.Member) bool {
				return slices.Contains(in.Excluded, m.ID)
			})
			if len(remaining) == 0 {
				p.Add("excluded", "at least one traveller must remain on the case")
			}
		}
		return problems(p)
	},
}

var guardEmergencyPriority = &guard{
	name:  "emergency_priority",
	doc:   "the case's processing priority is emergency: the temporary resident permit track (ECONFLICT)",
	facts: true,
	check: func(c *haven.Case, in Input, today haven.Date) *haven.Error {
		if c.ProcessingPriority != haven.PriorityEmergency {
			return conflict("the emergency track is open only to emergency-priority cases")
		}
		return nil
	},
}

var guardNoFailedCheck = &guard{
	name:  "no_failed_check",
	doc:   "no traveller's latest check of any kind failed; unfinished checks are allowed (ECONFLICT)",
	facts: true,
	check: func(c *haven.Case, in Input, today haven.Date) *haven.Error {
		var msgs []string
		for _, m := range c.Travellers() {
			for _, k := range haven.CheckKinds {
				if ch := c.LatestCheck(m.ID, k); ch != nil && ch.Result == haven.ResultFailed {
					msgs = append(msgs, fmt.Sprintf("member %s has a failed %s check", m.ID, k))
				}
			}
		}
		if len(msgs) > 0 {
			return conflict(strings.Join(msgs, "; "))
		}
		return nil
	},
}

var guardTravelDate = &guard{
	name: "travel_date",
	doc:  "the travel date is given and not before today (EINVALID travel_date)",
	check: func(c *haven.Case, in Input, today haven.Date) *haven.Error {
		switch {
		case in.TravelDate.IsZero():
			return invalid("travel_date", "enter the travel date")
		case in.TravelDate.Before(today):
			return invalid("travel_date", "the travel date is in the past")
		}
		return nil
	},
}

var guardTravelDateChanged = &guard{
	name: "travel_date_changed",
	doc:  "the new travel date is not the date already booked (EINVALID travel_date)",
	check: func(c *haven.Case, in Input, today haven.Date) *haven.Error {
		if c.Travel != nil && !in.TravelDate.IsZero() && in.TravelDate == c.Travel.Date {
			return invalid("travel_date", "the family is already booked to travel on that date")
		}
		return nil
	},
}

var guardMedicalsValidOnTravelDate = &guard{
	name: "medicals_valid_on_travel_date",
	doc:  "every traveller's latest medical exam passed and is valid on the travel date (ECONFLICT)",
	check: func(c *haven.Case, in Input, today haven.Date) *haven.Error {
		if in.TravelDate.IsZero() {
			return nil // guardTravelDate reports it
		}
		var msgs []string
		for _, m := range c.Travellers() {
			ch := c.LatestCheck(m.ID, haven.CheckMedical)
			switch {
			case ch == nil || ch.Result != haven.ResultPassed:
				msgs = append(msgs, fmt.Sprintf("member %s has no passed medical exam", m.ID))
			case ch.ValidUntil.Before(in.TravelDate):
				msgs = append(msgs, fmt.Sprintf("the medical exam of member %s expires before the travel date", m.ID))
			}
		}
		if len(msgs) > 0 {
			return conflict(strings.Join(msgs, "; "))
		}
		return nil
	},
}

var guardArrivalDate = &guard{
	name: "arrival_date",
	doc:  "the arrival date is given, not after today and not before the booked travel date (EINVALID arrival_date)",
	check: func(c *haven.Case, in Input, today haven.Date) *haven.Error {
		switch {
		case in.ArrivalDate.IsZero():
			return invalid("arrival_date", "enter the arrival date")
		case in.ArrivalDate.After(today):
			return invalid("arrival_date", "the arrival date is in the future")
		case c.Travel != nil && in.ArrivalDate.Before(c.Travel.Date):
			return invalid("arrival_date", "the arrival date is before the travel date")
		}
		return nil
	},
}

var guardSettlementOrg = &guard{
	name:  "settlement_org",
	doc:   "a settlement organisation is chosen (ECONFLICT)",
	facts: true,
	check: func(c *haven.Case, in Input, today haven.Date) *haven.Error {
		if c.SettlementOrgID == "" {
			return conflict("choose the settlement organisation first")
		}
		return nil
	},
}

var guardResumeState = &guard{
	name: "resume_state",
	doc: "the case's resume state is one from which the graph leads to the state it is in, " +
		"so it resumes where it was (ECONFLICT)",
	facts: true,
	check: func(c *haven.Case, in Input, today haven.Date) *haven.Error {
		if c.ResumeState.Valid() {
			for _, ev := range haven.CaseEvents {
				for _, b := range index[pair{c.ResumeState, ev}] {
					if b.to == c.State {
						return nil
					}
				}
			}
		}
		return conflict("the case has no state to resume to")
	},
}

// MaxAnswer bounds the referring partner's answer to a request for
// information, in characters.
const MaxAnswer = 20000

var guardAnswer = &guard{
	name: "answer",
	doc:  "the answer is written, and at most MaxAnswer characters (EINVALID answer)",
	check: func(c *haven.Case, in Input, today haven.Date) *haven.Error {
		switch n := utf8.RuneCountInString(strings.TrimSpace(in.Reasons)); {
		case n == 0:
			return invalid("answer", "write your answer to the request")
		case n > MaxAnswer:
			return invalid("answer", fmt.Sprintf("use at most %d characters", MaxAnswer))
		}
		return nil
	},
}

var guardUnanswered = &guard{
	name:  "unanswered",
	doc:   "the open request for information has no answer yet: a request is answered once (ECONFLICT)",
	facts: true,
	check: func(c *haven.Case, in Input, today haven.Date) *haven.Error {
		if Answered(c) {
			return conflict("this request for information is already answered; the visa office resumes the case")
		}
		return nil
	},
}

// Answered reports whether c waits for information and its latest request
// (the last request_info note) has an answer after it (an answer_info
// note). c must carry its notes in the order written, as the app's facts
// view loads them; a request asked again after a resume is a new request.
func Answered(c *haven.Case) bool {
	if c == nil || c.State != haven.StateInfoRequested {
		return false
	}
	for i := len(c.Notes) - 1; i >= 0; i-- {
		switch c.Notes[i].Event {
		case haven.EventAnswerInfo:
			return true
		case haven.EventRequestInfo:
			return false
		}
	}
	return false
}

func invalid(field, message string) *haven.Error {
	return &haven.Error{Code: haven.EINVALID, Message: "the input has problems",
		Fields: []haven.FieldProblem{{Field: field, Message: message}}}
}

func problems(p haven.Problems) *haven.Error {
	if len(p) == 0 {
		return nil
	}
	return &haven.Error{Code: haven.EINVALID, Message: "the input has problems", Fields: p}
}

func conflict(message string) *haven.Error {
	return &haven.Error{Code: haven.ECONFLICT, Message: message}
}

// MemberAdmissible reports whether m is admissible today: the latest medical
// check (by Case.LatestCheck) passed and is valid until today or later, and
// the latest security and criminality checks passed. When it is not, reason
// says which check is missing, failed, on hold or expired, by kind only: it
// holds no personal data.
func MemberAdmissible(c *haven.Case, m *haven.Member, today haven.Date) (ok bool, reason string) {
	if c == nil || m == nil {
		return false, "member missing"
	}
	for _, k := range haven.CheckKinds {
		ch := c.LatestCheck(m.ID, k)
		switch {
		case ch == nil:
			return false, fmt.Sprintf("%s check missing", k)
		case ch.Result == haven.ResultFailed:
			return false, fmt.Sprintf("%s check failed", k)
		case ch.Result == haven.ResultOnHold:
			return false, fmt.Sprintf("%s check on hold", k)
		case ch.Result != haven.ResultPassed:
			return false, fmt.Sprintf("%s check has no known result", k)
		case k == haven.CheckMedical && ch.ValidUntil.IsZero():
			return false, "medical exam has no expiry date"
		case k == haven.CheckMedical && ch.ValidUntil.Before(today):
			return false, "medical exam expired"
		}
	}
	return true, ""
}
