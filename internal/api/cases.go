package api

import (
	"context"
	"strconv"
	"strings"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/referral"
)

// caseInput is the body of POST /api/v1/cases: a referral of one family,
// as package referral reads it. The referring organisation is the actor's.
type caseInput = referral.Referral

// assessmentInput is the body of POST /api/v1/cases/{id}/assessment.
type assessmentInput struct {
	OutsideCountry    bool           `json:"outside_country"`
	WellFoundedFear   bool           `json:"well_founded_fear"`
	NoInternalFlight  bool           `json:"no_internal_flight"`
	NoDurableSolution bool           `json:"no_durable_solution"`
	Grounds           []haven.Ground `json:"grounds"`
	Interviewed       bool           `json:"interviewed"`
	Notes             string         `json:"notes"`
}

// interviewInput is the body of POST /api/v1/cases/{id}/schedule-interview:
// the interview, its day and time at the place in the place's zone.
type interviewInput struct {
	Date                haven.Date `json:"date"`
	Time                string     `json:"time"`
	Zone                string     `json:"zone"`
	Place               string     `json:"place"`
	Link                string     `json:"link"`
	Language            string     `json:"language"`
	Interpreter         bool       `json:"interpreter"`
	InterpreterLanguage string     `json:"interpreter_language"`
	Attending           []haven.ID `json:"attending"`
}

// assignChecksInput is the body of POST /api/v1/cases/{id}/assign-checks.
type assignChecksInput struct {
	OrgID   haven.ID   `json:"org_id"`
	Members []haven.ID `json:"members"`
}

// checkInput is the body of POST /api/v1/cases/{id}/checks.
type checkInput struct {
	MemberID                       haven.ID          `json:"member_id"`
	Kind                           haven.CheckKind   `json:"kind"`
	Result                         haven.CheckResult `json:"result"`
	ValidUntil                     haven.Date        `json:"valid_until"`
	Details                        string            `json:"details"`
	ConvictionPoliticallyMotivated bool              `json:"conviction_politically_motivated"`
	PoliticalMotivationReasons     string            `json:"political_motivation_reasons"`
}

// checksInput is the body of POST /api/v1/cases/{id}/checks/batch.
type checksInput struct {
	Checks []checkInput `json:"checks"`
}

// splitInput is the body of POST /api/v1/cases/{id}/split.
type splitInput struct {
	Excluded []haven.ID `json:"excluded"`
	Reasons  string     `json:"reasons"`
}

// approveInput is the body of POST /api/v1/cases/{id}/approve.
type approveInput struct {
	Emergency     bool `json:"emergency"`
	AdmissionYear int  `json:"admission_year"`
}

// reasonsInput is the body of a refusal, a hold, an information request
// and a withdrawal.
type reasonsInput struct {
	Reasons string `json:"reasons"`
}

// answerInput is the body of POST /api/v1/cases/{id}/answer.
type answerInput struct {
	Answer string `json:"answer"`
}

// travelInput is the body of POST /api/v1/cases/{id}/travel.
type travelInput struct {
	Date               haven.Date `json:"date"`
	Itinerary          string     `json:"itinerary"`
	TransportationLoan bool       `json:"transportation_loan"`
}

// travelChangeInput is the body of POST /api/v1/cases/{id}/change-travel.
type travelChangeInput struct {
	Date      haven.Date `json:"date"`
	Itinerary string     `json:"itinerary"`
}

// arrivalInput is the body of POST /api/v1/cases/{id}/arrival.
type arrivalInput struct {
	Date        haven.Date `json:"date"`
	PortOfEntry string     `json:"port_of_entry"`
}

// milestoneInput is the body of POST /api/v1/cases/{id}/plan/milestones.
type milestoneInput struct {
	Milestone haven.Milestone       `json:"milestone"`
	Status    haven.MilestoneStatus `json:"status"`
	Target    haven.Date            `json:"target"`
	Completed haven.Date            `json:"completed"`
	Notes     string                `json:"notes"`
}

// followUpInput is the body of POST /api/v1/cases/{id}/plan/follow-ups.
type followUpInput struct {
	Month         int        `json:"month"`
	Held          haven.Date `json:"held"`
	SafetyConcern bool       `json:"safety_concern"`
	Notes         string     `json:"notes"`
}

// settlementInput is the body of POST /api/v1/cases/{id}/settlement.
type settlementInput struct {
	OrgID haven.ID `json:"org_id"`
}

// maxPage bounds a page of the work queue.
const maxPage = 500

// listCases returns one page of the actor's work queue.
func listCases(c *call, _ *none) (caseList, error) {
	var p haven.Problems
	var f haven.CaseFilter
	for _, s := range c.query["state"] {
		st, err := haven.ParseCaseState(s)
		if err != nil {
			p.Add("state", haven.ErrorMessageOf(err))
			continue
		}
		f.States = append(f.States, st)
	}
	f.Priority = queryEnum(c.query, &p, "priority", haven.ParsePriority)
	if f.Country = c.query.one(&p, "country"); f.Country != "" && !haven.ValidCountry(f.Country) {
		p.Add("country", "use an ISO 3166-1 two-letter country code, such as IR")
	}
	f.ReferringOrgID = haven.ID(c.query.one(&p, "referring_org_id"))
	if f.Search = c.query.one(&p, "q"); len(f.Search) > 200 {
		p.Add("q", "search with 200 characters at most")
	}
	switch c.query.one(&p, "safety_concern") {
	case "", "false":
	case "true":
		f.SafetyConcern = true
	default:
		p.Add("safety_concern", "write true or false")
	}
	switch c.query.one(&p, "possible_duplicate") {
	case "", "false":
	case "true":
		f.PossibleDuplicate = true
	default:
		p.Add("possible_duplicate", "write true or false")
	}
	switch c.query.one(&p, "overdue") {
	case "", "false":
	case "true":
		f.Overdue = true
	default:
		p.Add("overdue", "write true or false")
	}
	f.DueWithin = c.query.number(&p, "due_within", 0, 1, haven.MaxDueWithin)
	f.Turn = queryEnum(c.query, &p, "turn", haven.ParseParty)
	f.ChecksWith = haven.ID(c.query.one(&p, "checks_with"))
	switch c.query.one(&p, "follow_up_due") {
	case "", "false":
	case "true":
		f.FollowUpDue = true
	default:
		p.Add("follow_up_due", "write true or false")
	}
	if st := c.query.one(&p, "sort"); st != "" {
		var err error
		if f.Sort, err = haven.ParseCaseSort(st); err != nil {
			p.Add("sort", haven.ErrorMessageOf(err))
		}
	}
	switch c.query.one(&p, "dir") {
	case "", "asc":
	case "desc":
		f.Desc = true
	default:
		p.Add("dir", "write asc or desc")
	}
	f.After = c.query.one(&p, "after")
	f.Offset = c.query.number(&p, "offset", 0, 0, 1_000_000)
	f.Limit = c.query.number(&p, "limit", 100, 1, maxPage)
	if err := p.Err("api.listCases"); err != nil {
		return caseList{}, err
	}
	page, err := c.cases.FindCasePage(c.ctx, c.actor, f)
	if err != nil {
		return caseList{}, err
	}
	out := caseList{Total: page.Total, TotalExact: !page.More, Offset: f.Offset, Limit: f.Limit, Next: page.Next, Cases: []caseJSON{}}
	for _, k := range page.Cases {
		j := caseOut(k)
		if j.Travel != nil {
			// A list carries the travel date alone: the expected arrival.
			j.Travel.TransportationLoan = nil
		}
		out.Cases = append(out.Cases, j)
	}
	return out, nil
}

// createCase refers a family to Canada, from a nomination when
// nomination_id is given.
func createCase(c *call, in *caseInput) (caseJSON, error) {
	k := in.Case()
	if err := c.cases.CreateReferral(c.ctx, c.actor, k); err != nil {
		return caseJSON{}, err
	}
	// The referring partner's view of a case it just referred is the
	// referral it sent, with the IDs and state the app gave it.
	return caseOut(k), nil
}

// importInput is the body of POST /api/v1/cases/import, as package
// referral reads it.
type importInput = referral.List

// importResult lists the cases a bulk import opened.
type importResult struct {
	Cases []caseJSON `json:"cases"`
}

// importCases refers many families at once: all or nothing, problems
// named by the referral and field, "referrals[N].field".
func importCases(c *call, in *importInput) (importResult, error) {
	ks := referral.Cases(in.Referrals)
	if err := c.cases.ImportReferrals(c.ctx, c.actor, ks); err != nil {
		return importResult{}, err
	}
	out := importResult{Cases: []caseJSON{}}
	for _, k := range ks {
		out.Cases = append(out.Cases, caseOut(k))
	}
	return out, nil
}

func showCase(c *call, _ *none) (caseJSON, error) {
	return caseResult(c.cases.FindCaseByID(c.ctx, c.actor, c.id()))
}

// caseEvent is the handler of an event that takes no input.
func caseEvent(act func(Cases, context.Context, haven.Actor, haven.ID) (*haven.Case, error)) handler[none, caseJSON] {
	return func(c *call, _ *none) (caseJSON, error) {
		return caseResult(act(c.cases, c.ctx, c.actor, c.id()))
	}
}

// caseReasons is the handler of an event that takes written reasons.
func caseReasons(act func(Cases, context.Context, haven.Actor, haven.ID, string) (*haven.Case, error)) handler[reasonsInput, caseJSON] {
	return func(c *call, in *reasonsInput) (caseJSON, error) {
		return caseResult(act(c.cases, c.ctx, c.actor, c.id(), in.Reasons))
	}
}

// answerInfoRequest sends the referring partner's answer to the open
// request for information.
func answerInfoRequest(c *call, in *answerInput) (caseJSON, error) {
	return caseResult(c.cases.AnswerInfoRequest(c.ctx, c.actor, c.id(), in.Answer))
}

// showTimeline returns a page of the case's timeline.
func showTimeline(c *call, _ *none) (timelineJSON, error) {
	var p haven.Problems
	before := c.query.number(&p, "before", 0, 0, 1_000_000)
	if err := p.Err("api.showTimeline"); err != nil {
		return timelineJSON{}, err
	}
	tl, err := c.cases.FindCaseTimeline(c.ctx, c.actor, c.id(), before)
	if err != nil {
		return timelineJSON{}, err
	}
	out := timelineJSON{Entries: []timelineEntryJSON{}}
	if tl.Earlier > 0 {
		out.Earlier = &tl.Earlier
	}
	for _, en := range tl.Entries {
		out.Entries = append(out.Entries, timelineEntryJSON{At: en.At, Act: en.Act, OrgID: en.OrgID, From: en.From, To: en.To})
	}
	return out, nil
}

func recordAssessment(c *call, in *assessmentInput) (caseJSON, error) {
	return caseResult(c.cases.RecordAssessment(c.ctx, c.actor, c.id(), &haven.EligibilityAssessment{
		OutsideCountry: in.OutsideCountry, WellFoundedFear: in.WellFoundedFear, NoInternalFlight: in.NoInternalFlight,
		NoDurableSolution: in.NoDurableSolution, Grounds: in.Grounds, Interviewed: in.Interviewed, Notes: in.Notes}))
}

// scheduleInterview schedules the case's interview, or moves it.
func scheduleInterview(c *call, in *interviewInput) (caseJSON, error) {
	return caseResult(c.cases.ScheduleInterview(c.ctx, c.actor, c.id(), &haven.Interview{Date: in.Date, Time: in.Time, Zone: in.Zone,
		Place: in.Place, Link: in.Link, Language: in.Language, Interpreter: in.Interpreter,
		InterpreterLanguage: in.InterpreterLanguage, Attending: in.Attending}))
}

func assignChecks(c *call, in *assignChecksInput) (caseJSON, error) {
	return caseResult(c.cases.AssignChecks(c.ctx, c.actor, c.id(), in.OrgID, in.Members))
}

func recordCheck(c *call, in *checkInput) (caseJSON, error) {
	return caseResult(c.cases.RecordCheck(c.ctx, c.actor, c.id(), &haven.Check{MemberID: in.MemberID, Kind: in.Kind, Result: in.Result,
		ValidUntil: in.ValidUntil, Details: in.Details, ConvictionPoliticallyMotivated: in.ConvictionPoliticallyMotivated,
		PoliticalMotivationReasons: in.PoliticalMotivationReasons}))
}

// recordChecks records several checks of the case, a family's at once:
// all of them or, when one is wrong or refused, none.
func recordChecks(c *call, in *checksInput) (caseJSON, error) {
	checks := make([]*haven.Check, len(in.Checks))
	for i, ch := range in.Checks {
		checks[i] = &haven.Check{MemberID: ch.MemberID, Kind: ch.Kind, Result: ch.Result, ValidUntil: ch.ValidUntil, Details: ch.Details,
			ConvictionPoliticallyMotivated: ch.ConvictionPoliticallyMotivated, PoliticalMotivationReasons: ch.PoliticalMotivationReasons}
	}
	return caseResult(c.cases.RecordChecks(c.ctx, c.actor, c.id(), checks))
}

func splitDecision(c *call, in *splitInput) (caseJSON, error) {
	return caseResult(c.cases.SplitDecision(c.ctx, c.actor, c.id(), in.Excluded, in.Reasons))
}

func approve(c *call, in *approveInput) (caseJSON, error) {
	return caseResult(c.cases.Approve(c.ctx, c.actor, c.id(), haven.ApproveInput{Emergency: in.Emergency, AdmissionYear: in.AdmissionYear}))
}

func bookTravel(c *call, in *travelInput) (caseJSON, error) {
	return caseResult(c.cases.BookTravel(c.ctx, c.actor, c.id(), &haven.Travel{Date: in.Date, Itinerary: in.Itinerary,
		TransportationLoan: in.TransportationLoan}))
}

func changeTravel(c *call, in *travelChangeInput) (caseJSON, error) {
	return caseResult(c.cases.ChangeTravel(c.ctx, c.actor, c.id(), &haven.Travel{Date: in.Date, Itinerary: in.Itinerary}))
}

func recordArrival(c *call, in *arrivalInput) (caseJSON, error) {
	return caseResult(c.cases.RecordArrival(c.ctx, c.actor, c.id(), &haven.Arrival{Date: in.Date, PortOfEntry: in.PortOfEntry}))
}

func updateMilestone(c *call, in *milestoneInput) (caseJSON, error) {
	return caseResult(c.cases.UpdateMilestone(c.ctx, c.actor, c.id(), &haven.PlanMilestone{Milestone: in.Milestone, Status: in.Status,
		Target: in.Target, Completed: in.Completed, Notes: in.Notes}))
}

func recordFollowUp(c *call, in *followUpInput) (caseJSON, error) {
	return caseResult(c.cases.RecordFollowUp(c.ctx, c.actor, c.id(), &haven.FollowUp{Month: in.Month, Held: in.Held,
		SafetyConcern: in.SafetyConcern, Notes: in.Notes}))
}

func assignSettlement(c *call, in *settlementInput) (caseJSON, error) {
	return caseResult(c.cases.AssignSettlement(c.ctx, c.actor, c.id(), in.OrgID))
}

func caseResult(k *haven.Case, err error) (caseJSON, error) {
	if err != nil {
		return caseJSON{}, err
	}
	return caseOut(k), nil
}

// importLines names the app's problems of a bulk import, "line N: field"
// with N counting from 1, as the request spells them,
// "referrals[N-1].field"; the app's "file" is the list itself.
func importLines(f string) string {
	if f == "file" {
		return "referrals"
	}
	rest, ok := strings.CutPrefix(f, "line ")
	n, field, ok2 := strings.Cut(rest, ": ")
	i, err := strconv.Atoi(n)
	if !ok || !ok2 || err != nil || i < 1 {
		return f
	}
	at := "referrals[" + strconv.Itoa(i-1) + "]"
	if field == "referral" { // a problem of the whole referral
		return at
	}
	return at + "." + field
}
