package haven

import (
	"slices"
	"time"
)

// Stage is a stretch of a case's way from referral to departure that has
// its own time budget in the year's rules. Which state belongs to which
// stage is the workflow's to say (workflow.StageOf).
type Stage string

// The stages. A case after arrival, refused or withdrawn is in no stage: its
// clock has stopped.
const (
	StageNone Stage = ""
	// StageFile: referred, until the visa office opens its file.
	StageFile Stage = "file"
	// StageEligibility: the file is open, until the case is found eligible.
	StageEligibility Stage = "eligibility"
	// StageAdmissibility: eligible, through the checks and any split
	// decision, until approval.
	StageAdmissibility Stage = "admissibility"
	// StageDeparture: approved, until the family travels (its arrival is
	// recorded).
	StageDeparture Stage = "departure"
)

// Stages lists every stage but StageNone, in the order a case takes them.
var Stages = []Stage{StageFile, StageEligibility, StageAdmissibility, StageDeparture}

// ParseStage parses s, rejecting unknown values and the empty stage.
func ParseStage(s string) (Stage, error) { return parseEnum("stage", s, Stages) }

// Valid reports whether s is a known stage (StageNone is not).
func (s Stage) Valid() bool { return slices.Contains(Stages, s) }

// Party is whose turn it is to move a case.
type Party string

// The parties a case waits on.
const (
	PartyNone Party = ""
	// PartyVisaOffice: the visa office decides or acts next; a case on
	// hold waits on it too.
	PartyVisaOffice Party = "visa_office"
	// PartyReferringPartner: the visa office asked the referring partner
	// for more information.
	PartyReferringPartner Party = "referring_partner"
	// PartyCheckPartners: a traveller's medical, security or criminality
	// check has no result yet (or is itself on hold).
	PartyCheckPartners Party = "check_partners"
)

// Parties lists every Party but PartyNone.
var Parties = []Party{PartyVisaOffice, PartyReferringPartner, PartyCheckPartners}

// ParseParty parses s, rejecting unknown values and PartyNone.
func ParseParty(s string) (Party, error) { return parseEnum("party", s, Parties) }

// Valid reports whether p is a known party (PartyNone is not).
func (p Party) Valid() bool { return slices.Contains(Parties, p) }

// CaseClock is a case's clock: its target date, its current stage and that
// stage's deadline, and whose turn it is. The store keeps it on the case,
// recomputed (workflow.NextClock) in the transaction of every act that
// changes it, so that work queues can order and select by it.
type CaseClock struct {
	// TargetDate is the referral date plus the target time for the case's
	// processing priority in the rules of its referral year; zero when
	// that year has no rules.
	TargetDate Date
	// Stage is the stage the case is in; a case on hold or waiting for
	// information stays in the stage it will resume.
	Stage Stage
	// StageSince is when the case entered Stage.
	StageSince time.Time
	// StageDue is StageSince's date plus the stage's budget for the case's
	// processing priority; zero outside a stage or without rules.
	StageDue Date
	// Turn is who moves the case next; PartyNone outside a stage.
	Turn Party
	// WaitingSince is when the case began to wait on whoever holds it now:
	// when it was put on hold or information was asked for, or when the
	// referring partner answered; zero when it does not wait.
	WaitingSince time.Time
	// NextDue is the day the case's next step falls due when that step
	// has a day of its own: the interview's date (at the place) while the
	// case is in state interview; zero otherwise. Due says when it counts.
	NextDue Date
	// BaseDue is the stage's own deadline (StageSince's date plus the
	// stage's budget) when a later interview has moved StageDue to the
	// interview's date: the eligibility stage does not end before the
	// interview. Zero when StageDue is the stage's own.
	BaseDue Date
}

// Due returns the day the case's next step falls due, seen on today:
// NextDue until that day has passed (the interview), then the stage's
// deadline; zero when there is neither.
func (k CaseClock) Due(today Date) Date {
	if !k.NextDue.IsZero() && !k.NextDue.Before(today) {
		return k.NextDue
	}
	return k.StageDue
}

// DaysLeft returns the days from today to Due(today): negative when it
// has passed. ok is false when the case has nothing due.
func (k CaseClock) DaysLeft(today Date) (days int, ok bool) {
	due := k.Due(today)
	if due.IsZero() {
		return 0, false
	}
	return int(due.Time().Sub(today.Time()).Hours() / 24), true
}

// AddDays returns the date n days after d.
func (d Date) AddDays(n int) Date { return DateOf(d.Time().AddDate(0, 0, n)) }

// NextStep is what moves a case forward now, whoever takes it: the step a
// case page leads with. The workflow says which (workflow.Next).
type NextStep string

// The next steps.
const (
	NextNone             NextStep = ""
	NextOpenFile         NextStep = "open_file"
	NextStartEligibility NextStep = "start_eligibility"
	// NextInterview: the interview, on its day (CaseClock.NextDue); then
	// its assessment.
	NextInterview          NextStep = "interview"
	NextAssessment         NextStep = "assessment"
	NextStartAdmissibility NextStep = "start_admissibility"
	NextAssignChecks       NextStep = "assign_checks"
	NextAwaitChecks        NextStep = "await_checks"
	NextConfirmAdmissible  NextStep = "confirm_admissible"
	NextSplit              NextStep = "split"
	NextApprove            NextStep = "approve"
	NextPlace              NextStep = "settlement"
	NextBookTravel         NextStep = "travel"
	NextRecordArrival      NextStep = "arrival"
	NextBeginSettlement    NextStep = "begin_settlement"
	NextClose              NextStep = "close"
	NextAwaitInfo          NextStep = "await_info"
	NextResume             NextStep = "resume"
)

// NextSteps lists every NextStep but NextNone.
var NextSteps = []NextStep{NextOpenFile, NextStartEligibility, NextInterview, NextAssessment, NextStartAdmissibility,
	NextAssignChecks, NextAwaitChecks, NextConfirmAdmissible, NextSplit, NextApprove, NextPlace,
	NextBookTravel, NextRecordArrival, NextBeginSettlement, NextClose, NextAwaitInfo, NextResume}

// CheckAssignment is a member assigned to an organisation's checks: the
// visa office's record of who holds which check.
type CheckAssignment struct {
	MemberID ID
	OrgID    ID
	// Kinds are the checks the organisation records.
	Kinds      []CheckKind
	AssignedAt time.Time
}
