package haven

import "time"

// TimelineEntry is one act on a case as its timeline shows it: what was
// done, when, and by which organisation, from the audit log. It holds no
// text of the case: the log keeps IDs and states only.
type TimelineEntry struct {
	At time.Time
	// Act is the audit action, one of TimelineActs.
	Act   string
	OrgID ID
	// From and To are the states the act moved the case between; empty
	// for an act that is no workflow event.
	From, To CaseState
}

// Timeline is one page of a case's timeline, oldest act first.
type Timeline struct {
	Entries []*TimelineEntry
	// Earlier counts the acts before this page's first, of those the
	// reader sees: the before of the page ahead of it (FindCaseTimeline);
	// 0 when this page starts at the first act. It counts the reader's
	// own timeline only, never the audit log's events, which would tell
	// how much is done on other cases.
	Earlier int
}

// TimelinePage is the number of acts a page of a timeline holds.
const TimelinePage = 20

// TimelineActs lists every act a case's timeline may show: each case
// event ("case." and the event, as the audit log names it), then the acts
// on a case that are no event.
var TimelineActs = func() []string {
	var out []string
	for _, ev := range CaseEvents {
		out = append(out, "case."+string(ev))
	}
	return append(out, "case.refer", "case.assess", "case.assign_checks", "case.assign_settlement",
		"case.possible_duplicate", "case.plan.milestone", "case.plan.follow_up", "case.shred")
}()
