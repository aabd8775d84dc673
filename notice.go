package haven

import (
	"net/mail"
	"slices"
	"strings"
	"time"
)

// NoticeKind is what a notification tells: which deadline passed, or what
// happened, that needs its recipients. The words of each kind are the
// pages' and the mail's catalogues'; a notification itself holds no text,
// and names no person and no case fact beyond the case's reference.
type NoticeKind string

// The kinds of notification.
const (
	// NoticeStageWarning: a case's stage has used up a share
	// (StageWarnPercent) of its budget. To the visa office.
	NoticeStageWarning NoticeKind = "stage_warning"
	// NoticeStageBreach: a case's stage is past its deadline. To the visa
	// office's caseworkers and, escalated, its supervisors; for an
	// emergency also to the programme administration's supervisors.
	NoticeStageBreach NoticeKind = "stage_breach"
	// NoticeEmergencyStalled: an emergency case has not moved in
	// EmergencyStallHours. To the visa office's supervisors and the
	// programme administration's.
	NoticeEmergencyStalled NoticeKind = "emergency_stalled"
	// NoticeInfoUnanswered: a request for information has waited the
	// year's InfoRequestDays for the referring partner's answer. To the
	// referring partner and the visa office.
	NoticeInfoUnanswered NoticeKind = "info_unanswered"
	// NoticeChecksOverdue: checks assigned to a screening or medical
	// partner are not recorded within their budget (the admissibility
	// stage's, from the assignment). To that partner and the visa office.
	NoticeChecksOverdue NoticeKind = "checks_overdue"
	// NoticeMedicalExpiring: a traveller's medical expires before the
	// booked travel date, or within MedicalWarnDays of an approved case
	// with no travel booked yet. To the visa office.
	NoticeMedicalExpiring NoticeKind = "medical_expiring"
	// NoticeFollowUpDue: an integration-plan follow-up is due and not
	// held. To the settlement organisation.
	NoticeFollowUpDue NoticeKind = "follow_up_due"
	// NoticeSafetyConcern: a follow-up reported a safety concern. To the
	// visa office and the settlement organisation, in the transaction of
	// the follow-up itself.
	NoticeSafetyConcern NoticeKind = "safety_concern"
	// NoticeInterview: the visa office scheduled or moved a case's
	// interview. To the referring partner, which brings the family to it,
	// in the transaction of the act itself.
	NoticeInterview NoticeKind = "interview"
	// NoticeEnrolmentExpiring: an enrolment link not yet used expires
	// within EnrolmentWarnHours. To the administrators of the user's
	// organisation, who can issue another.
	NoticeEnrolmentExpiring NoticeKind = "enrolment_expiring"
	// NoticeTokenExpiring: an API token expires within TokenWarnDays. To
	// the token's user.
	NoticeTokenExpiring NoticeKind = "token_expiring"
	// NoticeTravelBooked: travel is booked for a case placed with a
	// settlement organisation. To that organisation, in the transaction of
	// the booking; its date is the expected arrival.
	NoticeTravelBooked NoticeKind = "travel_booked"
	// NoticeTravelChanged: the booked travel of a case placed with a
	// settlement organisation moved to another date. To that
	// organisation, in the transaction of the change; its date is the new
	// expected arrival.
	NoticeTravelChanged NoticeKind = "travel_changed"
	// NoticePlacedTravelBooked: a case whose travel is already booked is
	// placed with a settlement organisation. To that organisation, in the
	// transaction of the placement; its date is the expected arrival.
	NoticePlacedTravelBooked NoticeKind = "placed_travel_booked"
)

// NoticeKinds lists every NoticeKind.
var NoticeKinds = []NoticeKind{NoticeStageWarning, NoticeStageBreach, NoticeEmergencyStalled, NoticeInfoUnanswered,
	NoticeChecksOverdue, NoticeMedicalExpiring, NoticeFollowUpDue, NoticeSafetyConcern, NoticeInterview, NoticeEnrolmentExpiring, NoticeTokenExpiring,
	NoticeTravelBooked, NoticeTravelChanged, NoticePlacedTravelBooked}

// EscalatedKinds are the kinds of notice escalated beyond the readers of
// the case: an emergency's stage breach and an emergency that stalled go
// to the programme administration's supervisors too, who read no case.
// They are shown them as an escalation (Notification.Escalation), which
// tells the case's reference, the kind, the stage, its deadline and the
// processing priority, and nothing else.
var EscalatedKinds = []NoticeKind{NoticeStageBreach, NoticeEmergencyStalled}

// Valid reports whether k is a known kind.
func (k NoticeKind) Valid() bool { return slices.Contains(NoticeKinds, k) }

// The thresholds of the watchers that are not rules of the year.
const (
	// StageWarnPercent is the share of a stage's budget after which the
	// visa office is warned.
	StageWarnPercent = 75
	// EmergencyStallHours is how long an emergency case may go without
	// an act before it is escalated.
	EmergencyStallHours = 24
	// EnrolmentWarnHours is how long before an unused enrolment link
	// expires that its organisation's administrators are told.
	EnrolmentWarnHours = 24
	// TokenWarnDays is how long before an API token expires that its user
	// is told.
	TokenWarnDays = 7
	// MedicalWarnDays is how close to its expiry an approved case's
	// medical, with no travel booked, is told.
	MedicalWarnDays = 30
	// DefaultInfoRequestDays is the days an information request waits for
	// its answer in the default rules.
	DefaultInfoRequestDays = 5
)

// Notification is one notice as its reader sees it.
type Notification struct {
	ID   ID
	Kind NoticeKind
	// CaseID and CaseReference name the case the notice is about, if any;
	// a notice is shown only to a reader who may read its case, or as an
	// escalation (see Escalation).
	CaseID        ID
	CaseReference string
	// Due is the deadline the notice is about, when it has one.
	Due Date
	// Stage and Priority are the case's stage and processing priority
	// when the notice was made, for the notices about a stage (a warning,
	// a breach, a stalled emergency); empty for the others.
	Stage    Stage
	Priority Priority
	// Escalation is set when the reader may not read the case and is
	// shown the notice only because it was escalated to it: then CaseID
	// is empty (there is no case page to go to), and the reference, the
	// kind, the stage, Due and Priority are all the notice tells.
	Escalation bool
	CreatedAt  time.Time
	// ReadAt is when the reader marked it read; zero while unread.
	ReadAt time.Time
}

// Notifications is a reader's notices, newest first, and the count of
// those unread.
type Notifications struct {
	Items  []*Notification
	Unread int
}

// NoticePrefs is how a user wants to be told: in the pages always, by
// email when EmailOn, in the language Lang.
type NoticePrefs struct {
	// Email is the address mail goes to. Personal data: sealed at rest.
	Email   string
	EmailOn bool
	// Lang is "en" or "fr".
	Lang string
}

// The languages of mail.
var NoticeLangs = []string{"en", "fr"}

// Validate reports problems with the preferences.
func (p *NoticePrefs) Validate() Problems {
	var pr Problems
	p.Email = strings.TrimSpace(p.Email)
	if !slices.Contains(NoticeLangs, p.Lang) {
		pr.Add("lang", "choose English or French")
	}
	if p.Email != "" {
		a, err := mail.ParseAddress(p.Email)
		if err != nil || a.Address != p.Email || a.Name != "" || len(p.Email) > 254 {
			pr.Add("email", "enter an email address such as name@example.org")
		}
	}
	if p.EmailOn && p.Email == "" {
		pr.Add("email", "enter the address to send email to, or choose no email")
	}
	return pr
}
