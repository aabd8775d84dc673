package app

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/policy"
	"github.com/havenhrd/haven/internal/store"
)

// Notices is what Haven tells its users: the notifications of each user,
// their choice of how to be told, the watchers that find the deadlines
// passed, and the mail outbox the jobs deliver.
//
// A notification is one (deadline, kind): its dedupe key is the kind and
// the deadline's identity (a case's stage and when it began, a request and
// when it was made...), held UNIQUE by the store, so however many
// processes, jobs and retries find one deadline passed, one notification
// is written. It is written in the transaction of the act or the job that
// causes it, with its mail, so a notice exists if and only if its cause
// committed. Who may see it is the policies' to say, when it is read: a
// reader never sees a notice about a case it may not read, but for an
// escalation addressed to it (haven.EscalatedKinds, to the programme
// administration), which it sees without the case: the reference, the
// kind, the stage, its deadline and the priority.
type Notices struct{ *core }

// notice is a notification to write.
type notice struct {
	kind   haven.NoticeKind
	key    string // the deadline's identity; the dedupe key is kind:key
	caseID haven.ID
	due    haven.Date
	to     []store.Recipient
	// stage and priority are the case's, for a notice about a stage: what
	// an escalation tells beside the reference, the kind and due.
	stage    haven.Stage
	priority haven.Priority
}

// dedupeKey is the notification's UNIQUE key.
func (n notice) dedupeKey() string { return string(n.kind) + ":" + n.key }

// notify writes n in tx, with a mail for each of its users who chose
// email and may see it, unless a notification with its key exists (then
// it writes nothing and returns false). actor is who caused it: the
// actor of the act, or SystemActor for a watcher.
func (a *core) notify(ctx context.Context, tx store.Tx, actor haven.Actor, n notice) (bool, error) {
	id, err := a.newID("ntc")
	if err != nil {
		return false, err
	}
	ok, err := tx.CreateNotification(ctx, &store.NotificationRow{ID: id, DedupeKey: n.dedupeKey(), Kind: n.kind, CaseID: n.caseID,
		Due: n.due, Stage: n.stage, Priority: n.priority, CreatedAt: a.now()}, n.to)
	if err != nil || !ok {
		return false, err
	}
	if err := a.audit(ctx, tx, actor, "notice.create", "notification", id, n.caseID, map[string]any{"kind": string(n.kind)}); err != nil {
		return false, err
	}
	users, err := a.addressees(ctx, tx, n.to)
	if err != nil {
		return false, err
	}
	for _, u := range users {
		p, err := tx.FindNoticePrefs(ctx, u.ID)
		if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			continue
		} else if err != nil {
			return false, err
		}
		if !p.EmailOn {
			continue
		}
		o, err := tx.FindOrganisationByID(ctx, u.OrgID)
		if err != nil {
			return false, err
		}
		// Mail only who may see the notice: the mail says nothing, but
		// that there is something would itself be news of the case.
		f := noticeFilter(who{user: u, org: o})
		f.ID = id
		if c, err := tx.CountNotifications(ctx, f); err != nil {
			return false, err
		} else if c == 0 {
			continue
		}
		mid, err := a.newID("mail")
		if err != nil {
			return false, err
		}
		if _, err := tx.CreateMail(ctx, &store.MailRow{ID: mid, UserID: u.ID, NotificationID: id, Lang: p.Lang, CreatedAt: a.now()}); err != nil {
			return false, err
		}
	}
	return true, nil
}

// addressees are the active users the recipients name, each once.
func (a *core) addressees(ctx context.Context, tx store.Tx, to []store.Recipient) ([]*haven.User, error) {
	var out []*haven.User
	add := func(u *haven.User) {
		if u.DisabledAt.IsZero() && !slices.ContainsFunc(out, func(v *haven.User) bool { return v.ID == u.ID }) {
			out = append(out, u)
		}
	}
	for _, r := range to {
		if r.UserID != "" {
			u, err := tx.FindUserByID(ctx, r.UserID)
			if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
				continue
			} else if err != nil {
				return nil, err
			}
			add(u)
			continue
		}
		us, err := tx.FindUsers(ctx, r.OrgID)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			if r.Role == "" || u.Role == r.Role {
				add(u)
			}
		}
	}
	return out, nil
}

// noticeFilter selects the notices addressed to w that w may see: those
// about no case, and those about a case the policies let w read (its read
// scope) or, for a screening or medical partner, a case with a member
// assigned to it in a state in which it sees that member, recorded or not;
// and, when the policies show w escalations (the programme
// administration), the emergencies' notices of the kinds escalated to it.
func noticeFilter(w who) store.NoticeFilter {
	k, r := w.org.Kind, w.user.Role
	f := store.NoticeFilter{UserID: w.user.ID, OrgID: w.org.ID, Role: r, Reach: storeReach(policy.ReadScope(k, r), w.org.ID)}
	if policy.Allowed(k, r, policy.EscalationRead) {
		f.Escalations = &store.Escalations{Kinds: haven.EscalatedKinds, Priority: haven.PriorityEmergency}
	}
	if isCheckPartner(k) {
		for _, s := range haven.CaseStates {
			rel := policy.Relation{Kind: policy.KindMember, CaseState: s, IsAssignedOrg: true}
			_, open := policy.ViewOf(w.actor(), rel)
			rel.CheckRecorded = true
			_, done := policy.ViewOf(w.actor(), rel)
			if open.Allowed && done.Allowed {
				f.AssignedStates = append(f.AssignedStates, s)
			}
		}
	}
	return f
}

// FindNotifications returns the actor's latest notices (up to 100, newest
// first) that it may see, and how many of those it may see are unread.
func (a *Notices) FindNotifications(ctx context.Context, actor haven.Actor) (*haven.Notifications, error) {
	out := &haven.Notifications{}
	err := a.view(ctx, func(tx store.Tx) error {
		w, err := a.resolve(ctx, tx, actor)
		if err != nil {
			return err
		}
		f := noticeFilter(w)
		f.Limit = 100
		rows, err := tx.FindNotifications(ctx, f)
		if err != nil {
			return err
		}
		for _, r := range rows {
			n := &haven.Notification{ID: r.ID, Kind: r.Kind, CaseID: r.CaseID, CaseReference: r.CaseReference,
				Due: r.Due, Stage: r.Stage, Priority: r.Priority, Escalation: r.Escalation, CreatedAt: r.CreatedAt, ReadAt: r.ReadAt}
			if n.Escalation {
				n.CaseID = "" // the reader may not open the case: nothing leads to it
			}
			out.Items = append(out.Items, n)
		}
		f.Unread, f.Limit = true, 0
		out.Unread, err = tx.CountNotifications(ctx, f)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CountUnread returns how many notices the actor may see and has not read:
// the count in the header of every page. It writes nothing.
func (a *Notices) CountUnread(ctx context.Context, actor haven.Actor) (int, error) {
	var n int
	err := a.view(ctx, func(tx store.Tx) error {
		w, err := a.resolve(ctx, tx, actor)
		if err != nil {
			return err
		}
		f := noticeFilter(w)
		f.Unread = true
		n, err = tx.CountNotifications(ctx, f)
		return err
	})
	return n, err
}

// MarkRead marks the actor's notice id read; all of the actor's unread
// notices when id is empty. A notice the actor may not see is ENOTFOUND,
// as one that does not exist.
func (a *Notices) MarkRead(ctx context.Context, actor haven.Actor, id haven.ID) error {
	return a.update(ctx, func(tx store.Tx) error {
		w, err := a.resolve(ctx, tx, actor)
		if err != nil {
			return err
		}
		f := noticeFilter(w)
		f.ID, f.Unread, f.Limit = id, id == "", 1000
		rows, err := tx.FindNotifications(ctx, f)
		if err != nil {
			return err
		}
		if id != "" && len(rows) == 0 {
			return haven.Errorf(haven.ENOTFOUND, "app.MarkRead", "no such notification")
		}
		for _, r := range rows {
			if err := tx.MarkNotificationRead(ctx, r.ID, w.user.ID, a.now()); err != nil {
				return err
			}
		}
		if len(rows) == 0 {
			return nil
		}
		return a.audit(ctx, tx, w.actor(), "notice.read", "notification", id, "", map[string]any{"count": len(rows)})
	})
}

// FindPrefs returns the actor's own preferences: no email and the
// language lang until the actor chooses.
func (a *Notices) FindPrefs(ctx context.Context, actor haven.Actor, lang string) (*haven.NoticePrefs, error) {
	out := &haven.NoticePrefs{Lang: lang}
	if !slices.Contains(haven.NoticeLangs, lang) {
		out.Lang = "en"
	}
	err := a.view(ctx, func(tx store.Tx) error {
		w, err := a.resolve(ctx, tx, actor)
		if err != nil {
			return err
		}
		p, err := tx.FindNoticePrefs(ctx, w.user.ID)
		if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		out.EmailOn, out.Lang = p.EmailOn, p.Lang
		dk, err := a.key(ctx, tx, w.user.ID)
		if err != nil {
			return err
		}
		o := a.opener(dk, "notification_prefs", w.user.ID)
		out.Email = o.str("email", p.Email)
		return o.err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SetPrefs sets the actor's own preferences: whether to be told by email,
// at which address (sealed under the user's data key), and in which
// language. Bad input is EINVALID with the fields' problems.
func (a *Notices) SetPrefs(ctx context.Context, actor haven.Actor, p *haven.NoticePrefs) error {
	const op = "app.SetPrefs"
	if err := p.Validate().Err(op); err != nil {
		return err
	}
	return a.update(ctx, func(tx store.Tx) error {
		w, err := a.resolve(ctx, tx, actor)
		if err != nil {
			return err
		}
		dk, err := a.key(ctx, tx, w.user.ID)
		if err != nil {
			return err
		}
		if dk == nil {
			if dk, err = a.newKey(ctx, tx, w.user.ID); err != nil {
				return err
			}
		}
		s := a.sealer(dk, "notification_prefs", w.user.ID)
		row := &store.NoticePrefsRow{UserID: w.user.ID, Email: s.str("email", p.Email), EmailOn: p.EmailOn, Lang: p.Lang, UpdatedAt: a.now()}
		if s.err != nil {
			return s.err
		}
		if err := tx.PutNoticePrefs(ctx, row); err != nil {
			return err
		}
		return a.audit(ctx, tx, w.actor(), "notice.prefs", "user", w.user.ID, "", map[string]any{"email_on": p.EmailOn, "lang": p.Lang})
	})
}

// --- the watchers ---

// Watch is a deadline a watcher found passed and not yet notified: the
// kind of notice and the deadline's identity. It holds IDs and times only,
// so that a job may carry it.
type Watch struct {
	Kind haven.NoticeKind `json:"kind"`
	Key  string           `json:"key"`
}

// watcher finds the notices of one kind due at now, of the subject alone
// when subject is set (the first part of a key).
type watcher func(ctx context.Context, tx store.Tx, now time.Time, subject string) ([]notice, error)

func (a *Notices) watchers() map[haven.NoticeKind]watcher {
	return map[haven.NoticeKind]watcher{
		haven.NoticeStageWarning:      a.watchStages,
		haven.NoticeStageBreach:       a.watchStages,
		haven.NoticeEmergencyStalled:  a.watchStalled,
		haven.NoticeInfoUnanswered:    a.watchInfo,
		haven.NoticeChecksOverdue:     a.watchChecks,
		haven.NoticeMedicalExpiring:   a.watchMedicals,
		haven.NoticeFollowUpDue:       a.watchFollowUps,
		haven.NoticeEnrolmentExpiring: a.watchEnrolments,
		haven.NoticeTokenExpiring:     a.watchTokens,
	}
}

// DueWatches reads the rows every deadline is kept in (the cases' clocks,
// requests, assignments, arrivals, enrolment links and tokens) and returns
// each deadline passed whose notice is not yet written, in one read-only
// transaction. It keeps nothing between calls: whatever was missed before
// (a process stopped, a job lost) is found again, until its notice exists.
func (a *Notices) DueWatches(ctx context.Context) ([]Watch, error) {
	var out []Watch
	err := a.view(ctx, func(tx store.Tx) error {
		now := a.now()
		ws := a.watchers()
		// One pass per watcher: the stage watcher finds both its kinds.
		for _, k := range []haven.NoticeKind{haven.NoticeStageBreach, haven.NoticeEmergencyStalled, haven.NoticeInfoUnanswered,
			haven.NoticeChecksOverdue, haven.NoticeMedicalExpiring, haven.NoticeFollowUpDue, haven.NoticeEnrolmentExpiring, haven.NoticeTokenExpiring} {
			ns, err := ws[k](ctx, tx, now, "")
			if err != nil {
				return err
			}
			for _, n := range ns {
				out = append(out, Watch{Kind: n.kind, Key: n.key})
			}
		}
		return nil
	})
	return out, err
}

// Fire writes the notice of w when its deadline has passed and no notice
// of it exists, in one transaction, and reports whether it wrote one. The
// watcher reads the deadline's row again in that transaction, so a case
// that moved meanwhile is not notified; the dedupe key makes a second
// call, from any process, write nothing.
func (a *Notices) Fire(ctx context.Context, w Watch) (bool, error) {
	const op = "app.Fire"
	find, ok := a.watchers()[w.Kind]
	if !ok {
		return false, haven.Errorf(haven.EINVALID, op, "no watcher of kind %q", w.Kind)
	}
	subject, _, _ := strings.Cut(w.Key, ":")
	var wrote bool
	err := a.update(ctx, func(tx store.Tx) error {
		ns, err := find(ctx, tx, a.now(), subject)
		if err != nil {
			return err
		}
		for _, n := range ns {
			if n.kind == w.Kind && n.key == w.Key {
				wrote, err = a.notify(ctx, tx, SystemActor, n)
				return err
			}
		}
		return nil
	})
	return wrote, err
}

// rulesOf returns the rules of year, or the defaults when it has none.
func rulesOf(ctx context.Context, tx store.Tx, year int) (*haven.ProgrammeRules, error) {
	r, err := tx.FindRules(ctx, year)
	if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
		return haven.DefaultRules(year), nil
	}
	return r, err
}

// allRules returns the rules of every year that has them, and the
// defaults: the bounds of the watchers' scans.
func allRules(ctx context.Context, tx store.Tx, now time.Time) ([]*haven.ProgrammeRules, error) {
	years, err := tx.FindRulesYears(ctx)
	if err != nil {
		return nil, err
	}
	out := []*haven.ProgrammeRules{haven.DefaultRules(now.Year())}
	for _, y := range years {
		r, err := tx.FindRules(ctx, y)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// orgs returns recipients: every organisation of kind, in role.
func orgsOf(ctx context.Context, tx store.Tx, kind haven.OrgKind, roles ...haven.Role) ([]store.Recipient, error) {
	os, err := tx.FindOrganisations(ctx, kind)
	if err != nil {
		return nil, err
	}
	var out []store.Recipient
	for _, o := range os {
		for _, r := range roles {
			out = append(out, store.Recipient{OrgID: o.ID, Role: r})
		}
	}
	return out, nil
}

// stageKey is the identity of a stage's deadline: the case, the stage and
// when the case entered it (the key the store's Unnotified builds).
func stageKey(c *store.CaseRow) string {
	return string(c.ID) + ":" + string(c.Stage) + ":" + store.FormatTime(c.StageSince)
}

// watchStages finds the stages past StageWarnPercent of their budget
// (a warning to the visa office's caseworkers) and past their deadline
// (a breach, to its caseworkers and supervisors, and for an emergency to
// the programme administration's supervisors too). A breach found before
// its warning was written brings both, so that none is missed.
func (a *Notices) watchStages(ctx context.Context, tx store.Tx, now time.Time, subject string) ([]notice, error) {
	rules, err := allRules(ctx, tx, now)
	if err != nil {
		return nil, err
	}
	longest := 1
	for _, r := range rules {
		for _, byP := range r.StageDays {
			for _, d := range byP {
				longest = max(longest, d)
			}
		}
	}
	// A stage is warned of at StageWarnPercent of its budget: no stage
	// whose deadline lies further than the rest of the longest budget is.
	horizon := haven.DateOf(now).AddDays(longest*(100-haven.StageWarnPercent)/100 + 1)
	rows, err := tx.FindWatchedCases(ctx, store.CaseWatch{CaseID: haven.ID(subject), StageDueBy: horizon,
		Unnotified: &store.Unnotified{Prefixes: []string{string(haven.NoticeStageWarning) + ":", string(haven.NoticeStageBreach) + ":"}, Of: "stage_since"}})
	if err != nil {
		return nil, err
	}
	var out []notice
	var officers, escalated []store.Recipient
	for _, c := range rows {
		if officers == nil {
			if officers, err = orgsOf(ctx, tx, haven.OrgVisaOffice, haven.RoleCaseworker); err != nil {
				return nil, err
			}
			if escalated, err = orgsOf(ctx, tx, haven.OrgVisaOffice, haven.RoleCaseworker, haven.RoleSupervisor); err != nil {
				return nil, err
			}
		}
		start := haven.DateOf(c.StageSince).Time()
		budget := c.StageDue.Time().Sub(start)
		warnAt := c.StageSince.Add(budget * haven.StageWarnPercent / 100)
		breachAt := c.StageDue.AddDays(1).Time() // past the deadline's day
		key := stageKey(c)
		if !now.Before(warnAt) {
			warn := notice{kind: haven.NoticeStageWarning, key: key, caseID: c.ID, due: c.StageDue, to: officers,
				stage: c.Stage, priority: c.ProcessingPriority}
			exists, err := tx.NotificationExists(ctx, warn.dedupeKey())
			if err != nil {
				return nil, err
			}
			if !exists {
				out = append(out, warn)
			}
		}
		if !now.Before(breachAt) {
			breach := notice{kind: haven.NoticeStageBreach, key: key, caseID: c.ID, due: c.StageDue,
				stage: c.Stage, priority: c.ProcessingPriority}
			if exists, err := tx.NotificationExists(ctx, breach.dedupeKey()); err != nil {
				return nil, err
			} else if exists {
				continue
			}
			to := escalated
			if c.ProcessingPriority == haven.PriorityEmergency {
				admins, err := orgsOf(ctx, tx, haven.OrgProgrammeAdmin, haven.RoleSupervisor)
				if err != nil {
					return nil, err
				}
				to = append(slices.Clone(to), admins...)
			}
			breach.to = to
			out = append(out, breach)
		}
	}
	return out, nil
}

// watchStalled finds the emergency cases on their way (in a stage) that
// no act has moved for EmergencyStallHours: to the visa office's
// supervisors and the programme administration's, with the stage the case
// stalled in and its deadline. A family that has arrived is off the
// emergency track: its settlement takes the time it takes.
func (a *Notices) watchStalled(ctx context.Context, tx store.Tx, now time.Time, subject string) ([]notice, error) {
	rows, err := tx.FindWatchedCases(ctx, store.CaseWatch{CaseID: haven.ID(subject), Priority: haven.PriorityEmergency, InStage: true,
		UpdatedBy:  now.Add(-haven.EmergencyStallHours * time.Hour),
		Unnotified: &store.Unnotified{Prefixes: []string{string(haven.NoticeEmergencyStalled) + ":"}, Of: "updated_at"}})
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	to, err := orgsOf(ctx, tx, haven.OrgVisaOffice, haven.RoleSupervisor)
	if err != nil {
		return nil, err
	}
	admins, err := orgsOf(ctx, tx, haven.OrgProgrammeAdmin, haven.RoleSupervisor)
	if err != nil {
		return nil, err
	}
	to = append(to, admins...)
	var out []notice
	for _, c := range rows {
		out = append(out, notice{kind: haven.NoticeEmergencyStalled, key: string(c.ID) + ":" + store.FormatTime(c.UpdatedAt),
			caseID: c.ID, to: to, due: c.StageDue, stage: c.Stage, priority: c.ProcessingPriority})
	}
	return out, nil
}

// watchInfo finds the requests for information unanswered for the
// InfoRequestDays of the rules of the case's referral year: to the
// referring partner and the visa office's caseworkers.
func (a *Notices) watchInfo(ctx context.Context, tx store.Tx, now time.Time, subject string) ([]notice, error) {
	rules, err := allRules(ctx, tx, now)
	if err != nil {
		return nil, err
	}
	shortest := haven.DefaultInfoRequestDays
	for _, r := range rules {
		if r.InfoRequestDays > 0 {
			shortest = min(shortest, r.InfoRequestDays)
		}
	}
	rows, err := tx.FindWatchedCases(ctx, store.CaseWatch{CaseID: haven.ID(subject), State: haven.StateInfoRequested,
		WaitingBy: now.AddDate(0, 0, -shortest), Unnotified: &store.Unnotified{Prefixes: []string{string(haven.NoticeInfoUnanswered) + ":"}, Of: "waiting_since"}})
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	officers, err := orgsOf(ctx, tx, haven.OrgVisaOffice, haven.RoleCaseworker)
	if err != nil {
		return nil, err
	}
	var out []notice
	for _, c := range rows {
		r, err := rulesOf(ctx, tx, c.ReferredAt.Year())
		if err != nil {
			return nil, err
		}
		days := r.InfoRequestDays
		if days == 0 {
			days = haven.DefaultInfoRequestDays
		}
		if now.Before(c.WaitingSince.AddDate(0, 0, days)) {
			continue
		}
		to := append([]store.Recipient{{OrgID: c.ReferringOrgID}}, officers...)
		out = append(out, notice{kind: haven.NoticeInfoUnanswered, key: string(c.ID) + ":" + store.FormatTime(c.WaitingSince),
			caseID: c.ID, due: haven.DateOf(c.WaitingSince.AddDate(0, 0, days)), to: to})
	}
	return out, nil
}

// checkStates are the states in which a case waits on its checks.
var checkStates = []haven.CaseState{haven.StateAdmissibilityInProgress}

// watchChecks finds the checks assigned to a screening or medical partner
// and not all recorded within their budget, the admissibility stage's for
// the case's priority, counted from the assignment: to the partner and
// the visa office's caseworkers.
func (a *Notices) watchChecks(ctx context.Context, tx store.Tx, now time.Time, subject string) ([]notice, error) {
	rules, err := allRules(ctx, tx, now)
	if err != nil {
		return nil, err
	}
	shortest := 3650
	for _, r := range rules {
		for _, d := range r.StageDays[haven.StageAdmissibility] {
			shortest = min(shortest, d)
		}
	}
	as, err := tx.FindLateAssignments(ctx, store.AssignmentWatch{CaseID: haven.ID(subject), AssignedBy: now.AddDate(0, 0, -shortest),
		States: checkStates, Prefix: string(haven.NoticeChecksOverdue) + ":"})
	if err != nil || len(as) == 0 {
		return nil, err
	}
	officers, err := orgsOf(ctx, tx, haven.OrgVisaOffice, haven.RoleCaseworker)
	if err != nil {
		return nil, err
	}
	var out []notice
	for _, as := range as {
		c, err := tx.FindCaseByID(ctx, as.CaseID, false)
		if err != nil {
			return nil, err
		}
		r, err := rulesOf(ctx, tx, c.ReferredAt.Year())
		if err != nil {
			return nil, err
		}
		days := r.StageDays[haven.StageAdmissibility][c.ProcessingPriority]
		if days == 0 {
			days = haven.DefaultStageDays()[haven.StageAdmissibility][c.ProcessingPriority]
		}
		due := as.AssignedAt.AddDate(0, 0, days)
		if now.Before(due) {
			continue
		}
		done, err := a.checksRecorded(ctx, tx, as)
		if err != nil {
			return nil, err
		}
		if done {
			continue
		}
		to := append([]store.Recipient{{OrgID: as.OrgID}}, officers...)
		out = append(out, notice{kind: haven.NoticeChecksOverdue, caseID: c.ID, due: haven.DateOf(due), to: to,
			key: string(c.ID) + ":" + string(as.OrgID) + ":" + store.FormatTime(as.AssignedAt)})
	}
	return out, nil
}

// checksRecorded reports whether the organisation of as recorded, since
// the assignment, every kind of check it makes for each member assigned
// to it at that time.
func (a *Notices) checksRecorded(ctx context.Context, tx store.Tx, as *store.Assignment) (bool, error) {
	o, err := tx.FindOrganisationByID(ctx, as.OrgID)
	if err != nil {
		return false, err
	}
	own, _ := policy.ViewOf(haven.Actor{OrgKind: o.Kind, Role: haven.RoleCaseworker},
		policy.Relation{Kind: policy.KindMember, CaseState: haven.StateAdmissibilityInProgress, IsAssignedOrg: true})
	all, err := tx.FindAssignments(ctx, as.OrgID, as.CaseID)
	if err != nil {
		return false, err
	}
	checks, err := tx.FindChecks(ctx, as.CaseID)
	if err != nil {
		return false, err
	}
	for _, m := range all {
		if m.AssignedAt.Equal(as.AssignedAt) && !recordedSince(checks, m, own.CheckKinds) {
			return false, nil
		}
	}
	return true, nil
}

// watchMedicals finds the approved cases a traveller's medical will not
// carry: it expires before the booked travel date, or, with no travel
// booked, within MedicalWarnDays. To the visa office's caseworkers. The
// deadline is the earliest such expiry: a new medical recorded makes a
// new one.
func (a *Notices) watchMedicals(ctx context.Context, tx store.Tx, now time.Time, subject string) ([]notice, error) {
	today := haven.DateOf(now)
	var rows []*store.CaseRow
	for _, st := range []haven.CaseState{haven.StateApproved, haven.StateTravelBooked} {
		rs, err := tx.FindWatchedCases(ctx, store.CaseWatch{CaseID: haven.ID(subject), State: st})
		if err != nil {
			return nil, err
		}
		rows = append(rows, rs...)
	}
	var out []notice
	var officers []store.Recipient
	for _, c := range rows {
		limit := today.AddDays(haven.MedicalWarnDays + 1) // expiring within the days: before this
		if tr, err := tx.FindTravel(ctx, c.ID); err == nil {
			limit = tr.Date
		} else if haven.ErrorCodeOf(err) != haven.ENOTFOUND {
			return nil, err
		}
		members, err := tx.FindMembers(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		checks, err := tx.FindChecks(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		var earliest haven.Date
		for _, m := range members {
			if !m.Accompanying || m.Excluded {
				continue
			}
			var latest *store.CheckRow
			for _, ch := range checks {
				if ch.MemberID == m.ID && ch.Kind == haven.CheckMedical && (latest == nil || ch.RecordedAt.After(latest.RecordedAt)) {
					latest = ch
				}
			}
			if latest == nil || latest.ValidUntil.IsZero() || !latest.ValidUntil.Before(limit) {
				continue
			}
			if earliest.IsZero() || latest.ValidUntil.Before(earliest) {
				earliest = latest.ValidUntil
			}
		}
		if earliest.IsZero() {
			continue
		}
		n := notice{kind: haven.NoticeMedicalExpiring, key: string(c.ID) + ":" + earliest.String(), caseID: c.ID, due: earliest}
		exists, err := tx.NotificationExists(ctx, n.dedupeKey())
		if err != nil {
			return nil, err
		}
		if exists {
			continue
		}
		if officers == nil {
			if officers, err = orgsOf(ctx, tx, haven.OrgVisaOffice, haven.RoleCaseworker); err != nil {
				return nil, err
			}
		}
		n.to = officers
		out = append(out, n)
	}
	return out, nil
}

// watchFollowUps finds the integration-plan follow-ups due and not held:
// to the settlement organisation the family is placed with.
func (a *Notices) watchFollowUps(ctx context.Context, tx store.Tx, now time.Time, subject string) ([]notice, error) {
	today := haven.DateOf(now)
	last := slices.Max(haven.FollowUpMonths)
	ars, err := tx.FindArrivedCases(ctx, today.AddMonths(-last), haven.ID(subject), 0)
	if err != nil {
		return nil, err
	}
	var out []notice
	for _, ar := range ars {
		held, err := tx.FindFollowUps(ctx, ar.CaseID)
		if err != nil {
			return nil, err
		}
		var c *store.CaseRow
		for _, m := range haven.FollowUpMonths {
			due := ar.Date.AddMonths(m)
			if today.Before(due) || slices.ContainsFunc(held, func(f *store.FollowUpRow) bool { return f.Month == m }) {
				continue
			}
			n := notice{kind: haven.NoticeFollowUpDue, key: string(ar.CaseID) + ":" + strconv.Itoa(m), caseID: ar.CaseID, due: due}
			exists, err := tx.NotificationExists(ctx, n.dedupeKey())
			if err != nil {
				return nil, err
			}
			if exists {
				continue
			}
			if c == nil {
				if c, err = tx.FindCaseByID(ctx, ar.CaseID, false); err != nil {
					return nil, err
				}
			}
			if c.SettlementOrgID == "" {
				break
			}
			n.to = []store.Recipient{{OrgID: c.SettlementOrgID}}
			out = append(out, n)
		}
	}
	return out, nil
}

// watchEnrolments finds the enrolment links not yet used that expire
// within EnrolmentWarnHours: to the administrators of the user's
// organisation and of the programme administration, who can issue
// another. The notice names no one: the administrators' user list shows
// who has not enrolled.
func (a *Notices) watchEnrolments(ctx context.Context, tx store.Tx, now time.Time, subject string) ([]notice, error) {
	es, err := tx.FindExpiringEnrolments(ctx, now, now.Add(haven.EnrolmentWarnHours*time.Hour), 0)
	if err != nil || len(es) == 0 {
		return nil, err
	}
	admins, err := orgsOf(ctx, tx, haven.OrgProgrammeAdmin, haven.RoleAdmin)
	if err != nil {
		return nil, err
	}
	var out []notice
	for _, e := range es {
		if subject != "" && string(e.UserID) != subject {
			continue
		}
		n := notice{kind: haven.NoticeEnrolmentExpiring, key: string(e.UserID) + ":" + store.FormatTime(e.CreatedAt), due: haven.DateOf(e.ExpiresAt)}
		exists, err := tx.NotificationExists(ctx, n.dedupeKey())
		if err != nil {
			return nil, err
		}
		if exists {
			continue
		}
		u, err := tx.FindUserByID(ctx, e.UserID)
		if err != nil {
			return nil, err
		}
		n.to = append([]store.Recipient{{OrgID: u.OrgID, Role: haven.RoleAdmin}}, admins...)
		out = append(out, n)
	}
	return out, nil
}

// watchTokens finds the API tokens that expire within TokenWarnDays: to
// the token's user.
func (a *Notices) watchTokens(ctx context.Context, tx store.Tx, now time.Time, subject string) ([]notice, error) {
	ts, err := tx.FindExpiringTokens(ctx, now, now.AddDate(0, 0, haven.TokenWarnDays), 0)
	if err != nil {
		return nil, err
	}
	var out []notice
	for _, t := range ts {
		if subject != "" && string(t.ID) != subject {
			continue
		}
		n := notice{kind: haven.NoticeTokenExpiring, key: string(t.ID) + ":" + store.FormatTime(t.ExpiresAt), due: haven.DateOf(t.ExpiresAt),
			to: []store.Recipient{{UserID: t.UserID}}}
		exists, err := tx.NotificationExists(ctx, n.dedupeKey())
		if err != nil {
			return nil, err
		}
		if !exists {
			out = append(out, n)
		}
	}
	return out, nil
}

// --- the mail outbox ---

// Mail is one mail to deliver: its address and language. What it says is
// the mail templates' (the same for every notice: that something in Haven
// needs the reader, with a link), so it carries no personal data.
type Mail struct {
	ID      haven.ID
	To      string
	Lang    string
	Attempt int // the attempt this is, from 1
}

// MailDue is a mail whose next attempt is due: the reconciler enqueues
// one delivery job per (mail, attempt).
type MailDue struct {
	ID      haven.ID
	Attempt int // the attempt due, from 1
}

// PendingMail returns up to limit mails whose next delivery attempt is
// due now, oldest first: a mail never tried, or one whose latest attempt
// failed at least backoff × 2^(failures-1) ago (at most a day). The wait
// is read from the recorded attempts, so it survives any restart.
func (a *Notices) PendingMail(ctx context.Context, limit int, backoff time.Duration) ([]MailDue, error) {
	var out []MailDue
	err := a.view(ctx, func(tx store.Tx) error {
		ms, err := tx.FindPendingMail(ctx, limit)
		if err != nil {
			return err
		}
		now := a.now()
		for _, m := range ms {
			if m.Attempts > 0 {
				wait := backoff << min(m.Attempts-1, 20)
				if wait > 24*time.Hour || wait <= 0 {
					wait = 24 * time.Hour
				}
				if now.Before(m.LastAttemptAt.Add(wait)) {
					continue
				}
			}
			out = append(out, MailDue{ID: m.ID, Attempt: m.Attempts + 1})
		}
		return nil
	})
	return out, err
}

// MailToSend returns the mail id to deliver now. A mail no longer pending
// is ECONFLICT (delivered or given up already); a mail whose user turned
// email off, has no address or is disabled is cancelled (a recorded
// attempt) and is ECONFLICT too, so that nothing is sent.
func (a *Notices) MailToSend(ctx context.Context, id haven.ID) (*Mail, error) {
	const op = "app.MailToSend"
	var out *Mail
	err := a.update(ctx, func(tx store.Tx) error {
		m, err := tx.FindMail(ctx, id, true)
		if err != nil {
			return err
		}
		if m.State != store.MailPending {
			return haven.Errorf(haven.ECONFLICT, op, "the mail is %s", m.State)
		}
		cancel := func(why string) error {
			return tx.RecordMailAttempt(ctx, id, &store.MailDelivery{At: a.now(), Outcome: store.MailCancelled, Detail: why}, store.MailCancelled)
		}
		u, err := tx.FindUserByID(ctx, m.UserID)
		if err != nil {
			return err
		}
		p, err := tx.FindNoticePrefs(ctx, m.UserID)
		if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			return cancel("no preferences")
		} else if err != nil {
			return err
		}
		if !u.DisabledAt.IsZero() {
			return cancel("user disabled")
		}
		if !p.EmailOn {
			return cancel("email off")
		}
		dk, err := a.key(ctx, tx, m.UserID)
		if err != nil {
			return err
		}
		o := a.opener(dk, "notification_prefs", m.UserID)
		to := o.str("email", p.Email)
		if o.err != nil {
			return o.err
		}
		if to == "" {
			return cancel("no address")
		}
		out = &Mail{ID: m.ID, To: to, Lang: p.Lang, Attempt: m.Attempts + 1}
		return nil
	})
	if err == nil && out == nil {
		err = haven.Errorf(haven.ECONFLICT, op, "the mail was cancelled")
	}
	return out, err
}

// RecordDelivery records one delivery attempt of mail id: sent, or failed
// with detail (the server's answer code or the kind of failure, never an
// address), which is final when last is set. A mail no longer pending is
// ECONFLICT.
func (a *Notices) RecordDelivery(ctx context.Context, id haven.ID, sent bool, detail string, last bool) error {
	return a.update(ctx, func(tx store.Tx) error {
		d := &store.MailDelivery{At: a.now(), Outcome: store.MailSent, Detail: detail}
		state := store.MailSent
		if !sent {
			d.Outcome, state = store.MailFailed, store.MailPending
			if last {
				state = store.MailFailed
			}
		}
		return tx.RecordMailAttempt(ctx, id, d, state)
	})
}

// MailDeliveries returns the recorded attempts of mail id and its state.
func (a *Notices) MailDeliveries(ctx context.Context, id haven.ID) (store.MailState, []*store.MailDelivery, error) {
	var st store.MailState
	var out []*store.MailDelivery
	err := a.view(ctx, func(tx store.Tx) error {
		m, err := tx.FindMail(ctx, id, false)
		if err != nil {
			return err
		}
		st = m.State
		out, err = tx.FindMailDeliveries(ctx, id)
		return err
	})
	return st, out, err
}
