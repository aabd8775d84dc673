package store

import (
	"context"
	"time"

	"github.com/havenhrd/haven"
)

// NoticeTx is the part of a transaction that keeps notifications, the
// users' choices of how to be told, and the mail outbox.
type NoticeTx interface {
	// CreateNotification inserts n and its recipients, unless a
	// notification with n.DedupeKey exists already: then it writes nothing
	// and returns false. The key's UNIQUE constraint decides, so that of
	// any number of transactions writing one key, in any process, one
	// writes it.
	CreateNotification(ctx context.Context, n *NotificationRow, to []Recipient) (bool, error)
	// NotificationExists reports whether a notification has the key.
	NotificationExists(ctx context.Context, dedupeKey string) (bool, error)
	// FindNotifications returns up to f.Limit notifications f selects,
	// newest first, with when f.UserID read each.
	FindNotifications(ctx context.Context, f NoticeFilter) ([]*NotificationRow, error)
	// CountNotifications counts the notifications f selects (f.Limit does
	// not count).
	CountNotifications(ctx context.Context, f NoticeFilter) (int, error)
	// MarkNotificationRead records that user read the notification; again
	// is no error and keeps the first time.
	MarkNotificationRead(ctx context.Context, id, user haven.ID, at time.Time) error
	// FindRecipients returns the recipients of a notification.
	FindRecipients(ctx context.Context, id haven.ID) ([]Recipient, error)

	// PutNoticePrefs inserts or replaces the user's preferences.
	PutNoticePrefs(ctx context.Context, p *NoticePrefsRow) error
	// FindNoticePrefs returns the user's preferences; ENOTFOUND when the
	// user has made no choice.
	FindNoticePrefs(ctx context.Context, user haven.ID) (*NoticePrefsRow, error)

	// CreateMail puts a mail in the outbox, unless the notification has
	// one for that user already (then it returns false).
	CreateMail(ctx context.Context, m *MailRow) (bool, error)
	// FindMail returns the mail; with lock set, locked until the
	// transaction ends.
	FindMail(ctx context.Context, id haven.ID, lock bool) (*MailRow, error)
	// FindPendingMail returns up to limit mails still pending, oldest
	// first, each with the time of its latest attempt (LastAttemptAt).
	FindPendingMail(ctx context.Context, limit int) ([]*MailRow, error)
	// RecordMailAttempt records one delivery attempt of a mail (its number
	// is one more than the mail's attempts so far) and moves the mail to
	// state; a state other than pending is final, at d.At.
	RecordMailAttempt(ctx context.Context, id haven.ID, d *MailDelivery, state MailState) error
	// FindMailDeliveries returns a mail's delivery attempts, in order.
	FindMailDeliveries(ctx context.Context, id haven.ID) ([]*MailDelivery, error)

	// FindWatchedCases returns the open cases w selects, by stage deadline
	// then referral, up to w.Limit: the rows a watcher's deadlines are read
	// from.
	FindWatchedCases(ctx context.Context, w CaseWatch) ([]*CaseRow, error)
	// FindLateAssignments returns the check assignments, one per case,
	// organisation and time of assignment, made at or before w.AssignedBy
	// in cases in one of w.States (of w.CaseID alone when set), with no
	// notification keyed w.Prefix + case + ":" + org + ":" + assigned_at.
	FindLateAssignments(ctx context.Context, w AssignmentWatch) ([]*Assignment, error)
	// FindArrivedCases returns the arrivals of open cases whose family
	// arrived on or after since (of caseID alone when set).
	FindArrivedCases(ctx context.Context, since haven.Date, caseID haven.ID, limit int) ([]*haven.Arrival, error)
	// FindExpiringEnrolments returns the unused enrolment links expiring
	// after from and at or before to.
	FindExpiringEnrolments(ctx context.Context, from, to time.Time, limit int) ([]*Enrolment, error)
	// FindExpiringTokens returns the API tokens not revoked expiring after
	// from and at or before to.
	FindExpiringTokens(ctx context.Context, from, to time.Time, limit int) ([]*APIToken, error)
}

// NotificationRow is a notification as stored.
type NotificationRow struct {
	ID        haven.ID
	DedupeKey string
	Kind      haven.NoticeKind
	CaseID    haven.ID
	Due       haven.Date
	CreatedAt time.Time
	// Stage and Priority are the case's stage and processing priority
	// when the notice was made; empty when the notice is not about a stage.
	Stage    haven.Stage
	Priority haven.Priority
	// CaseReference and ReadAt are read with the row: the case's
	// reference, and when the reader read it (zero while unread).
	CaseReference string
	ReadAt        time.Time
	// Escalation is read with the row: the filter selected it only by its
	// Escalations, the case being outside the reader's sight.
	Escalation bool
}

// Recipient is who a notification is addressed to: every user of OrgID in
// Role (every role when Role is empty), or the user UserID.
type Recipient struct {
	OrgID  haven.ID
	Role   haven.Role
	UserID haven.ID
}

// NoticeFilter selects the notifications addressed to one user that the
// user may see: those about no case, and those about a case in Reach or,
// for a screening or medical partner, a case in one of AssignedStates with
// a member assigned to the user's organisation; and, with Escalations, the
// escalations addressed to it.
type NoticeFilter struct {
	UserID haven.ID
	OrgID  haven.ID
	Role   haven.Role
	Reach  Reach
	// AssignedStates are the states in which the organisation sees the
	// members assigned to it; none for an organisation that checks none.
	AssignedStates []haven.CaseState
	// Escalations, when set, selects as well the notifications of its
	// kinds about a case of its priority (as the notification recorded
	// it) addressed to the user, whatever the case: an escalation shows
	// the reader no more than the notification's own columns and the
	// case's reference.
	Escalations *Escalations
	// Unread keeps the notifications the user has not read.
	Unread bool
	// ID keeps that notification alone.
	ID    haven.ID
	Limit int
}

// Escalations are the notifications escalated to a reader who may not
// read their case: those of Kinds recorded with the processing priority
// Priority.
type Escalations struct {
	Kinds    []haven.NoticeKind
	Priority haven.Priority
}

// NoticePrefsRow is a user's preferences as stored.
type NoticePrefsRow struct {
	UserID haven.ID
	// Email is the address, sealed under the user's data key.
	Email     Sealed
	EmailOn   bool
	Lang      string
	UpdatedAt time.Time
}

// MailState is where a mail of the outbox stands.
type MailState string

// The states of a mail.
const (
	MailPending   MailState = "pending"
	MailSent      MailState = "sent"
	MailFailed    MailState = "failed"
	MailCancelled MailState = "cancelled"
)

// MailRow is one mail of the outbox: to a user, about a notification, in a
// language. It holds no address and no text: both are made at delivery.
type MailRow struct {
	ID             haven.ID
	UserID         haven.ID
	NotificationID haven.ID
	Lang           string
	State          MailState
	Attempts       int
	CreatedAt      time.Time
	DoneAt         time.Time
	// LastAttemptAt is when the latest attempt was recorded, as
	// FindPendingMail reads it; zero before the first.
	LastAttemptAt time.Time
}

// MailDelivery is one attempt to deliver a mail. Detail is the SMTP
// server's answer code or the kind of failure: never an address or text.
type MailDelivery struct {
	Attempt int
	At      time.Time
	Outcome MailState
	Detail  string
}

// CaseWatch selects open cases for a watcher. Each set field narrows.
type CaseWatch struct {
	// CaseID keeps that case alone.
	CaseID haven.ID
	// StageDueBy keeps the cases in a stage whose deadline is on or
	// before it.
	StageDueBy haven.Date
	// Priority keeps the cases of that processing priority.
	Priority haven.Priority
	// UpdatedBy keeps the cases last changed at or before it.
	UpdatedBy time.Time
	// InStage keeps the cases on their way, in a stage: not those whose
	// family has arrived.
	InStage bool
	// State keeps the cases in that state.
	State haven.CaseState
	// WaitingBy keeps the cases waiting since at or before it.
	WaitingBy time.Time
	// Unnotified drops the cases with a notification keyed by each of
	// Unnotified.Prefixes + the case's ID + ":" + the column Unnotified.Of.
	Unnotified *Unnotified
	Limit      int
}

// Unnotified names notification keys made of a prefix, the case's ID and
// one of its columns, or of two ("stage:stage_since"): a case is dropped
// once every prefix's notification exists.
type Unnotified struct {
	Prefixes []string
	// Of is "stage_since", "updated_at" or "waiting_since".
	Of string
}

// AssignmentWatch selects late check assignments.
type AssignmentWatch struct {
	CaseID     haven.ID
	AssignedBy time.Time
	States     []haven.CaseState
	Prefix     string
	Limit      int
}
