package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
)

// --- notifications ---

// CreateNotification inserts n and its recipients unless its key exists.
// ON CONFLICT DO NOTHING on the key's UNIQUE constraint: a concurrent
// insert of the same key waits for the other transaction and then skips,
// on both engines, rather than fail.
func (t *Tx) CreateNotification(ctx context.Context, n *store.NotificationRow, to []store.Recipient) (bool, error) {
	const op = "CreateNotification"
	due := ""
	if !n.Due.IsZero() {
		due = n.Due.String()
	}
	c, err := t.exec(ctx, op, `INSERT INTO notifications (id, dedupe_key, kind, case_id, due_on, created_at, stage, priority)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (dedupe_key) DO NOTHING`,
		n.ID, n.DedupeKey, n.Kind, nullStr(n.CaseID), due, fmtTime(n.CreatedAt), n.Stage, n.Priority)
	if err != nil || c == 0 {
		return false, err
	}
	for _, r := range to {
		if _, err := t.exec(ctx, op, `INSERT INTO notification_recipients (notification_id, org_id, role, user_id)
			VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, n.ID, r.OrgID, r.Role, r.UserID); err != nil {
			return false, err
		}
	}
	return true, nil
}

// NotificationExists reports whether a notification has the key.
func (t *Tx) NotificationExists(ctx context.Context, key string) (bool, error) {
	var n int
	err := t.q.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE dedupe_key = $1`, key).Scan(&n)
	return n > 0, t.mapErr("NotificationExists", err)
}

// noticeWhere is the condition of f on notifications n joined to its case
// (LEFT JOIN cases) and the reader's read mark r, and the condition that a
// row it selects is the reader's to see as an escalation only (false when
// f has no Escalations).
func (t *Tx) noticeWhere(f store.NoticeFilter, args *[]any) (where, escalation string) {
	arg := func(v any) string {
		*args = append(*args, v)
		return "$" + strconv.Itoa(len(*args))
	}
	user := arg(f.UserID)
	org := arg(f.OrgID)
	conds := []string{`EXISTS (SELECT 1 FROM notification_recipients t WHERE t.notification_id = n.id
		AND (t.user_id = ` + user + ` OR (t.org_id = ` + org + ` AND (t.role = '' OR t.role = ` + arg(f.Role) + `))))`}
	see := []string{"n.case_id IS NULL", store.ReachSQL(f.Reach, arg)}
	if len(f.AssignedStates) > 0 {
		ps := make([]string, len(f.AssignedStates))
		for i, s := range f.AssignedStates {
			ps[i] = arg(string(s))
		}
		see = append(see, `(cases.state IN (`+strings.Join(ps, ", ")+`) AND EXISTS (SELECT 1 FROM check_assignments a
			JOIN members m ON m.id = a.member_id WHERE m.case_id = cases.id AND a.org_id = `+org+`))`)
	}
	sees := "(" + strings.Join(see, " OR ") + ")"
	escalation = "1=0"
	if e := f.Escalations; e != nil && len(e.Kinds) > 0 {
		ks := make([]string, len(e.Kinds))
		for i, k := range e.Kinds {
			ks[i] = arg(string(k))
		}
		// The same placeholders serve the condition twice: the select
		// list says which rows the reader sees only as escalations.
		escalation = "(" + sees + " IS NOT TRUE AND n.kind IN (" + strings.Join(ks, ", ") + ") AND n.priority = " + arg(string(e.Priority)) + ")"
		sees = "(" + sees + " OR " + escalation + ")"
	}
	conds = append(conds, sees)
	if f.Unread {
		conds = append(conds, "r.read_at IS NULL")
	}
	if f.ID != "" {
		conds = append(conds, "n.id = "+arg(f.ID))
	}
	return strings.Join(conds, " AND "), escalation
}

const noticeFrom = ` FROM notifications n LEFT JOIN cases ON cases.id = n.case_id
	LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.user_id = $1`

// FindNotifications returns the notifications f selects, newest first.
func (t *Tx) FindNotifications(ctx context.Context, f store.NoticeFilter) ([]*store.NotificationRow, error) {
	const op = "FindNotifications"
	var args []any
	where, escalation := t.noticeWhere(f, &args)
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	rows, err := t.q.Query(ctx, `SELECT n.id, n.dedupe_key, n.kind, coalesce(n.case_id, ''), n.due_on, n.created_at,
		n.stage, n.priority, coalesce(cases.reference, ''), coalesce(r.read_at, ''),
		CASE WHEN `+escalation+` THEN 1 ELSE 0 END`+noticeFrom+` WHERE `+where+`
		ORDER BY n.created_at DESC, n.id DESC LIMIT `+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, t.mapErr(op, err)
	}
	return collect(t, rows, op, func(s scanner) (*store.NotificationRow, error) {
		var n store.NotificationRow
		var due, created, read string
		var esc int
		if err := s.Scan(&n.ID, &n.DedupeKey, &n.Kind, &n.CaseID, &due, &created, &n.Stage, &n.Priority, &n.CaseReference, &read, &esc); err != nil {
			return nil, err
		}
		n.Escalation = esc == 1
		var d decoder
		if due != "" {
			v, err := parseDate(due)
			if err != nil {
				d.err = err
			}
			n.Due = v
		}
		n.CreatedAt, n.ReadAt = d.time(created), d.time(read)
		return &n, d.done(op)
	})
}

// CountNotifications counts the notifications f selects.
func (t *Tx) CountNotifications(ctx context.Context, f store.NoticeFilter) (int, error) {
	var args []any
	where, _ := t.noticeWhere(f, &args)
	var n int
	err := t.q.QueryRow(ctx, `SELECT count(*)`+noticeFrom+` WHERE `+where, args...).Scan(&n)
	return n, t.mapErr("CountNotifications", err)
}

// MarkNotificationRead records that user read the notification.
func (t *Tx) MarkNotificationRead(ctx context.Context, id, user haven.ID, at time.Time) error {
	_, err := t.exec(ctx, "MarkNotificationRead", `INSERT INTO notification_reads (notification_id, user_id, read_at)
		VALUES ($1, $2, $3) ON CONFLICT (notification_id, user_id) DO NOTHING`, id, user, fmtTime(at))
	return err
}

// FindRecipients returns the recipients of a notification.
func (t *Tx) FindRecipients(ctx context.Context, id haven.ID) ([]store.Recipient, error) {
	const op = "FindRecipients"
	rows, err := t.q.Query(ctx, `SELECT org_id, role, user_id FROM notification_recipients WHERE notification_id = $1
		ORDER BY org_id, role, user_id`, id)
	if err != nil {
		return nil, t.mapErr(op, err)
	}
	return collect(t, rows, op, func(s scanner) (store.Recipient, error) {
		var r store.Recipient
		err := s.Scan(&r.OrgID, &r.Role, &r.UserID)
		return r, err
	})
}

// --- preferences ---

// PutNoticePrefs inserts or replaces the user's preferences.
func (t *Tx) PutNoticePrefs(ctx context.Context, p *store.NoticePrefsRow) error {
	_, err := t.exec(ctx, "PutNoticePrefs", `INSERT INTO notification_prefs (user_id, email_enc, email_on, lang, updated_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id) DO UPDATE SET email_enc = excluded.email_enc,
		email_on = excluded.email_on, lang = excluded.lang, updated_at = excluded.updated_at`,
		p.UserID, []byte(p.Email), p.EmailOn, p.Lang, fmtTime(p.UpdatedAt))
	return err
}

// FindNoticePrefs returns the user's preferences.
func (t *Tx) FindNoticePrefs(ctx context.Context, user haven.ID) (*store.NoticePrefsRow, error) {
	var p store.NoticePrefsRow
	var updated string
	err := t.q.QueryRow(ctx, `SELECT user_id, email_enc, email_on, lang, updated_at FROM notification_prefs WHERE user_id = $1`, user).
		Scan(&p.UserID, &p.Email, &p.EmailOn, &p.Lang, &updated)
	if err != nil {
		return nil, t.mapErr("FindNoticePrefs", err)
	}
	var d decoder
	p.UpdatedAt = d.time(updated)
	return &p, d.done("FindNoticePrefs")
}

// --- the mail outbox ---

// CreateMail puts a mail in the outbox unless the notification has one for
// the user.
func (t *Tx) CreateMail(ctx context.Context, m *store.MailRow) (bool, error) {
	n, err := t.exec(ctx, "CreateMail", `INSERT INTO mail_outbox (id, user_id, notification_id, lang, state, attempts, created_at)
		VALUES ($1, $2, $3, $4, $5, 0, $6) ON CONFLICT (notification_id, user_id) DO NOTHING`,
		m.ID, m.UserID, m.NotificationID, m.Lang, store.MailPending, fmtTime(m.CreatedAt))
	return n == 1, err
}

const mailColumns = `id, user_id, notification_id, lang, state, attempts, created_at, done_at`

func scanMail(s scanner) (*store.MailRow, error) {
	var m store.MailRow
	var created string
	var done sql.NullString
	if err := s.Scan(&m.ID, &m.UserID, &m.NotificationID, &m.Lang, &m.State, &m.Attempts, &created, &done); err != nil {
		return nil, err
	}
	var d decoder
	m.CreatedAt, m.DoneAt = d.time(created), d.nullTime(done)
	return &m, d.done("scanMail")
}

// FindMail returns the mail.
func (t *Tx) FindMail(ctx context.Context, id haven.ID, lock bool) (*store.MailRow, error) {
	q := `SELECT ` + mailColumns + ` FROM mail_outbox WHERE id = $1`
	if lock && !t.readOnly {
		q += t.d.forUpdate
	}
	m, err := scanMail(t.q.QueryRow(ctx, q, id))
	return m, t.mapErr("FindMail", err)
}

// FindPendingMail returns the pending mail, oldest first, with the time of
// each one's latest attempt.
func (t *Tx) FindPendingMail(ctx context.Context, limit int) ([]*store.MailRow, error) {
	const op = "FindPendingMail"
	rows, err := t.q.Query(ctx, `SELECT `+mailColumns+`, coalesce((SELECT max(d.at) FROM mail_deliveries d WHERE d.outbox_id = mail_outbox.id), '')
		FROM mail_outbox WHERE state = 'pending' ORDER BY created_at, id LIMIT $1`, limit)
	if err != nil {
		return nil, t.mapErr(op, err)
	}
	return collect(t, rows, op, func(s scanner) (*store.MailRow, error) {
		var m store.MailRow
		var created, last string
		var done sql.NullString
		if err := s.Scan(&m.ID, &m.UserID, &m.NotificationID, &m.Lang, &m.State, &m.Attempts, &created, &done, &last); err != nil {
			return nil, err
		}
		var d decoder
		m.CreatedAt, m.DoneAt, m.LastAttemptAt = d.time(created), d.nullTime(done), d.time(last)
		return &m, d.done(op)
	})
}

// RecordMailAttempt records one attempt and moves the mail to state. The
// mail must still be pending: a final mail takes no more attempts
// (ECONFLICT), so that a retry racing a success cannot record a second
// delivery.
func (t *Tx) RecordMailAttempt(ctx context.Context, id haven.ID, d *store.MailDelivery, state store.MailState) error {
	const op = "RecordMailAttempt"
	done := sql.NullString{}
	if state != store.MailPending {
		done = sql.NullString{String: fmtTime(d.At), Valid: true}
	}
	var attempt int
	err := t.q.QueryRow(ctx, `UPDATE mail_outbox SET attempts = attempts + 1, state = $2, done_at = $3
		WHERE id = $1 AND state = 'pending' RETURNING attempts`, id, state, done).Scan(&attempt)
	if err = t.mapErr(op, err); haven.ErrorCodeOf(err) == haven.ENOTFOUND {
		return haven.Errorf(haven.ECONFLICT, t.op(op), "the mail is not pending")
	} else if err != nil {
		return err
	}
	d.Attempt = attempt
	_, err = t.exec(ctx, op, `INSERT INTO mail_deliveries (outbox_id, attempt, at, outcome, detail) VALUES ($1, $2, $3, $4, $5)`,
		id, attempt, fmtTime(d.At), d.Outcome, d.Detail)
	return err
}

// FindMailDeliveries returns a mail's attempts, in order.
func (t *Tx) FindMailDeliveries(ctx context.Context, id haven.ID) ([]*store.MailDelivery, error) {
	const op = "FindMailDeliveries"
	rows, err := t.q.Query(ctx, `SELECT attempt, at, outcome, detail FROM mail_deliveries WHERE outbox_id = $1 ORDER BY attempt`, id)
	if err != nil {
		return nil, t.mapErr(op, err)
	}
	return collect(t, rows, op, func(s scanner) (*store.MailDelivery, error) {
		var m store.MailDelivery
		var at string
		if err := s.Scan(&m.Attempt, &at, &m.Outcome, &m.Detail); err != nil {
			return nil, err
		}
		var d decoder
		m.At = d.time(at)
		return &m, d.done(op)
	})
}

// --- what the watchers read ---

// FindWatchedCases returns the open cases w selects.
func (t *Tx) FindWatchedCases(ctx context.Context, w store.CaseWatch) ([]*store.CaseRow, error) {
	const op = "FindWatchedCases"
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where := []string{"queue_open = " + arg(true)}
	if w.CaseID != "" {
		where = append(where, "id = "+arg(w.CaseID))
	}
	if !w.StageDueBy.IsZero() {
		where = append(where, "stage <> '' AND stage_due IS NOT NULL AND stage_due <= "+arg(t.d.date(w.StageDueBy)))
	}
	if w.Priority != "" {
		where = append(where, "processing_priority = "+arg(w.Priority))
	}
	if !w.UpdatedBy.IsZero() {
		where = append(where, "updated_at <= "+arg(fmtTime(w.UpdatedBy)))
	}
	if w.InStage {
		where = append(where, "stage <> ''")
	}
	if w.State != "" {
		where = append(where, "state = "+arg(w.State))
	}
	if !w.WaitingBy.IsZero() {
		where = append(where, "waiting_since IS NOT NULL AND waiting_since <= "+arg(fmtTime(w.WaitingBy)))
	}
	if u := w.Unnotified; u != nil {
		var of string
		switch u.Of {
		case "stage_since":
			of = "cases.stage || ':' || cases.stage_since"
		case "updated_at":
			of = "cases.updated_at"
		case "waiting_since":
			of = "cases.waiting_since"
		default:
			return nil, haven.Errorf(haven.EINTERNAL, t.op(op), "unknown key column %q", u.Of)
		}
		var any []string
		for _, p := range u.Prefixes {
			any = append(any, "NOT EXISTS (SELECT 1 FROM notifications n WHERE n.dedupe_key = "+arg(p)+" || cases.id || ':' || "+of+")")
		}
		where = append(where, "("+strings.Join(any, " OR ")+")")
	}
	limit := w.Limit
	if limit <= 0 {
		limit = 1000
	}
	rows, err := t.q.Query(ctx, `SELECT `+caseColumns+` FROM cases WHERE `+strings.Join(where, " AND ")+
		` ORDER BY stage_due, referred_at, id LIMIT `+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, t.mapErr(op, err)
	}
	return collect(t, rows, op, scanCase)
}

// FindLateAssignments returns late assignments, one per case, organisation
// and time.
func (t *Tx) FindLateAssignments(ctx context.Context, w store.AssignmentWatch) ([]*store.Assignment, error) {
	const op = "FindLateAssignments"
	// The list follows $1 and $2 and comes before the prefix's
	// placeholder, in the order the text names them (the contract of in).
	args := []any{fmtTime(w.AssignedBy), w.CaseID}
	states := make([]string, len(w.States))
	for i, s := range w.States {
		states[i] = string(s)
	}
	in, inArgs := t.d.in("c.state", len(args)+1, states)
	args = append(args, inArgs...)
	args = append(args, w.Prefix)
	prefix := "$" + strconv.Itoa(len(args))
	limit := w.Limit
	if limit <= 0 {
		limit = 1000
	}
	rows, err := t.q.Query(ctx, `SELECT m.case_id, a.org_id, a.assigned_at, min(a.assigned_by)
		FROM check_assignments a JOIN members m ON m.id = a.member_id JOIN cases c ON c.id = m.case_id
		WHERE a.assigned_at <= $1 AND ($2 = '' OR c.id = $2) AND `+in+`
		AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.dedupe_key = `+prefix+` || c.id || ':' || a.org_id || ':' || a.assigned_at)
		GROUP BY m.case_id, a.org_id, a.assigned_at ORDER BY a.assigned_at, m.case_id, a.org_id LIMIT `+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, t.mapErr(op, err)
	}
	return collect(t, rows, op, func(s scanner) (*store.Assignment, error) {
		var a store.Assignment
		var at string
		if err := s.Scan(&a.CaseID, &a.OrgID, &at, &a.AssignedBy); err != nil {
			return nil, err
		}
		var d decoder
		a.AssignedAt = d.time(at)
		return &a, d.done(op)
	})
}

// FindArrivedCases returns the arrivals of open cases since a date.
func (t *Tx) FindArrivedCases(ctx context.Context, since haven.Date, caseID haven.ID, limit int) ([]*haven.Arrival, error) {
	const op = "FindArrivedCases"
	if limit <= 0 {
		limit = 1000
	}
	rows, err := t.q.Query(ctx, `SELECT a.case_id, a.arrival_date FROM arrivals a JOIN cases c ON c.id = a.case_id
		WHERE c.queue_open = $1 AND a.arrival_date >= $2 AND ($3 = '' OR a.case_id = $3)
		ORDER BY a.arrival_date, a.case_id LIMIT `+strconv.Itoa(limit), true, t.d.date(since), caseID)
	if err != nil {
		return nil, t.mapErr(op, err)
	}
	return collect(t, rows, op, func(s scanner) (*haven.Arrival, error) {
		var a haven.Arrival
		var date dateCol
		if err := s.Scan(&a.CaseID, &date); err != nil {
			return nil, err
		}
		var d decoder
		a.Date = d.date(date)
		return &a, d.done(op)
	})
}

// FindExpiringEnrolments returns unused enrolment links expiring in (from, to].
func (t *Tx) FindExpiringEnrolments(ctx context.Context, from, to time.Time, limit int) ([]*store.Enrolment, error) {
	const op = "FindExpiringEnrolments"
	if limit <= 0 {
		limit = 1000
	}
	rows, err := t.q.Query(ctx, `SELECT token_hash, user_id, created_at, expires_at FROM enrolments
		WHERE used_at IS NULL AND expires_at > $1 AND expires_at <= $2 ORDER BY expires_at, user_id LIMIT `+strconv.Itoa(limit),
		fmtTime(from), fmtTime(to))
	if err != nil {
		return nil, t.mapErr(op, err)
	}
	return collect(t, rows, op, func(s scanner) (*store.Enrolment, error) {
		var e store.Enrolment
		var created, expires string
		if err := s.Scan(&e.TokenHash, &e.UserID, &created, &expires); err != nil {
			return nil, err
		}
		var d decoder
		e.CreatedAt, e.ExpiresAt = d.time(created), d.time(expires)
		return &e, d.done(op)
	})
}

// FindExpiringTokens returns the API tokens not revoked expiring in (from, to].
func (t *Tx) FindExpiringTokens(ctx context.Context, from, to time.Time, limit int) ([]*store.APIToken, error) {
	const op = "FindExpiringTokens"
	if limit <= 0 {
		limit = 1000
	}
	rows, err := t.q.Query(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens
		WHERE revoked_at IS NULL AND expires_at > $1 AND expires_at <= $2 ORDER BY expires_at, id LIMIT `+strconv.Itoa(limit),
		fmtTime(from), fmtTime(to))
	if err != nil {
		return nil, t.mapErr(op, err)
	}
	return collect(t, rows, op, scanAPIToken)
}
