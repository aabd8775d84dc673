package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
)

// Tx is one transaction on either engine: the store.Tx methods, their SQL
// written once, run through the engine's Querier and Dialect.
type Tx struct {
	q        Querier
	d        *Dialect
	readOnly bool
}

var _ store.Tx = (*Tx)(nil)

// NewTx returns the store.Tx that runs its statements on q, an open
// transaction of d's engine. readOnly says the transaction may not write
// (View): it takes no row locks.
func NewTx(q Querier, d *Dialect, readOnly bool) *Tx {
	return &Tx{q: q, d: d, readOnly: readOnly}
}

// op names an operation in an error: the engine, then the method.
func (t *Tx) op(name string) string { return t.d.name + "." + name }

// mapErr turns a driver error met by the operation name into a
// *haven.Error; nil stays nil.
func (t *Tx) mapErr(name string, err error) error {
	if err == nil {
		return nil
	}
	return t.d.mapErr(t.op(name), err)
}

func (t *Tx) exec(ctx context.Context, op, q string, args ...any) (int64, error) {
	n, err := t.q.Exec(ctx, q, args...)
	if err != nil {
		return 0, t.mapErr(op, err)
	}
	return n, nil
}

// execOne runs q and fails with ENOTFOUND unless exactly one row changed.
func (t *Tx) execOne(ctx context.Context, op, q string, args ...any) error {
	n, err := t.exec(ctx, op, q, args...)
	if err != nil {
		return err
	}
	if n != 1 {
		return haven.Errorf(haven.ENOTFOUND, t.op(op), "not found")
	}
	return nil
}

func collect[T any](t *Tx, rows Rows, op string, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, t.mapErr(op, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, t.mapErr(op, err)
	}
	return out, nil
}

// --- organisations and users ---

// CreateOrganisation inserts o.
func (t *Tx) CreateOrganisation(ctx context.Context, o *haven.Organisation) error {
	_, err := t.exec(ctx, "CreateOrganisation",
		`INSERT INTO organisations (id, kind, name, country, created_at) VALUES ($1, $2, $3, $4, $5)`,
		o.ID, o.Kind, o.Name, o.Country, fmtTime(o.CreatedAt))
	return err
}

const orgColumns = `id, kind, name, country, created_at`

func scanOrg(s scanner) (*haven.Organisation, error) {
	var o haven.Organisation
	var created string
	if err := s.Scan(&o.ID, &o.Kind, &o.Name, &o.Country, &created); err != nil {
		return nil, err
	}
	var d decoder
	o.CreatedAt = d.time(created)
	return &o, d.done("scanOrg")
}

// FindOrganisationByID returns the organisation with id.
func (t *Tx) FindOrganisationByID(ctx context.Context, id haven.ID) (*haven.Organisation, error) {
	o, err := scanOrg(t.q.QueryRow(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = $1`, id))
	return o, t.mapErr("FindOrganisationByID", err)
}

// FindOrganisations returns the organisations of kind, or all when kind is empty.
func (t *Tx) FindOrganisations(ctx context.Context, kind haven.OrgKind) ([]*haven.Organisation, error) {
	rows, err := t.q.Query(ctx, `SELECT `+orgColumns+` FROM organisations WHERE ($1 = '' OR kind = $1) ORDER BY name, id`, kind)
	if err != nil {
		return nil, t.mapErr("FindOrganisations", err)
	}
	return collect(t, rows, "FindOrganisations", scanOrg)
}

// CreateUser inserts u; a taken username is ECONFLICT.
func (t *Tx) CreateUser(ctx context.Context, u *haven.User) error {
	_, err := t.exec(ctx, "CreateUser",
		`INSERT INTO users (id, org_id, role, username, display_name, created_at, disabled_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		u.ID, u.OrgID, u.Role, u.Username, u.DisplayName, fmtTime(u.CreatedAt), nullTimeArg(u.DisabledAt))
	return err
}

const userColumns = `id, org_id, role, username, display_name, created_at, disabled_at`

func scanUser(s scanner) (*haven.User, error) {
	var u haven.User
	var created string
	var disabled sql.NullString
	if err := s.Scan(&u.ID, &u.OrgID, &u.Role, &u.Username, &u.DisplayName, &created, &disabled); err != nil {
		return nil, err
	}
	var d decoder
	u.CreatedAt = d.time(created)
	u.DisabledAt = d.nullTime(disabled)
	return &u, d.done("scanUser")
}

// FindUserByID returns the user with id.
func (t *Tx) FindUserByID(ctx context.Context, id haven.ID) (*haven.User, error) {
	u, err := scanUser(t.q.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	return u, t.mapErr("FindUserByID", err)
}

// FindActor returns the user with id and its organisation, in one query.
func (t *Tx) FindActor(ctx context.Context, id haven.ID) (*haven.User, *haven.Organisation, error) {
	var u haven.User
	var o haven.Organisation
	var created, orgCreated string
	var disabled sql.NullString
	err := t.q.QueryRow(ctx, `SELECT u.id, u.org_id, u.role, u.username, u.display_name, u.created_at, u.disabled_at,
		o.id, o.kind, o.name, o.country, o.created_at
		FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = $1`, id).Scan(
		&u.ID, &u.OrgID, &u.Role, &u.Username, &u.DisplayName, &created, &disabled,
		&o.ID, &o.Kind, &o.Name, &o.Country, &orgCreated)
	if err != nil {
		return nil, nil, t.mapErr("FindActor", err)
	}
	var d decoder
	u.CreatedAt, u.DisabledAt, o.CreatedAt = d.time(created), d.nullTime(disabled), d.time(orgCreated)
	return &u, &o, d.done("FindActor")
}

// FindUserByUsername returns the user with username.
func (t *Tx) FindUserByUsername(ctx context.Context, username string) (*haven.User, error) {
	u, err := scanUser(t.q.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE username = $1`, username))
	return u, t.mapErr("FindUserByUsername", err)
}

// FindUsers returns the users of an organisation.
func (t *Tx) FindUsers(ctx context.Context, orgID haven.ID) ([]*haven.User, error) {
	rows, err := t.q.Query(ctx, `SELECT `+userColumns+` FROM users WHERE org_id = $1 ORDER BY username`, orgID)
	if err != nil {
		return nil, t.mapErr("FindUsers", err)
	}
	return collect(t, rows, "FindUsers", scanUser)
}

// --- programme rules ---

// PutRules inserts a new version of a year's rules.
func (t *Tx) PutRules(ctx context.Context, r *haven.ProgrammeRules) error {
	const op = "PutRules"
	var cur int
	if err := t.q.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM programme_rules WHERE year = $1`, r.Year).Scan(&cur); err != nil {
		return t.mapErr(op, err)
	}
	changed := func() error {
		return haven.Errorf(haven.ECONFLICT, t.op(op), "the rules of %d changed meanwhile (version %d); reload and try again", r.Year, cur)
	}
	if r.Version != cur+1 {
		return changed()
	}
	kinds := r.ReferrerKinds
	if kinds == nil {
		kinds = []haven.OrgKind{}
	}
	refs := r.Referrers
	if refs == nil {
		refs = []haven.ID{}
	}
	alloc := r.Allocations
	if alloc == nil {
		alloc = map[haven.ID]int{}
	}
	stages := r.StageDays
	if stages == nil {
		stages = map[haven.Stage]map[haven.Priority]int{}
	}
	infoDays := r.InfoRequestDays
	if infoDays == 0 {
		infoDays = haven.DefaultInfoRequestDays
	}
	_, err := t.exec(ctx, op,
		`INSERT INTO programme_rules (year, version, cap, referrer_kinds, referrers, allocations, target_days, stage_days, handover_days, info_request_days, changed_by, changed_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		r.Year, r.Version, r.Cap, jsonText(kinds), jsonText(refs), jsonText(alloc), jsonText(r.TargetDays), jsonText(stages), r.HandoverDays, infoDays, r.ChangedBy, fmtTime(r.ChangedAt))
	if haven.ErrorCodeOf(err) == haven.ECONFLICT {
		// Read committed: a concurrent transaction wrote the same version
		// after the read above.
		return changed()
	}
	return err
}

const rulesColumns = `year, version, cap, referrer_kinds, referrers, allocations, target_days, stage_days, handover_days, info_request_days, changed_by, changed_at`

func scanRules(s scanner) (*haven.ProgrammeRules, error) {
	var r haven.ProgrammeRules
	var kinds, refs, alloc, targets, stages []byte
	var changed string
	if err := s.Scan(&r.Year, &r.Version, &r.Cap, &kinds, &refs, &alloc, &targets, &stages, &r.HandoverDays, &r.InfoRequestDays, &r.ChangedBy, &changed); err != nil {
		return nil, err
	}
	var d decoder
	d.json(kinds, &r.ReferrerKinds)
	d.json(refs, &r.Referrers)
	d.json(alloc, &r.Allocations)
	d.json(targets, &r.TargetDays)
	d.json(stages, &r.StageDays)
	r.ChangedAt = d.time(changed)
	return &r, d.done("scanRules")
}

// FindRules returns the current rules of year.
func (t *Tx) FindRules(ctx context.Context, year int) (*haven.ProgrammeRules, error) {
	r, err := scanRules(t.q.QueryRow(ctx,
		`SELECT `+rulesColumns+` FROM programme_rules WHERE year = $1 ORDER BY version DESC LIMIT 1`, year))
	return r, t.mapErr("FindRules", err)
}

// FindRulesHistory returns every version of year's rules, oldest first.
func (t *Tx) FindRulesHistory(ctx context.Context, year int) ([]*haven.ProgrammeRules, error) {
	rows, err := t.q.Query(ctx, `SELECT `+rulesColumns+` FROM programme_rules WHERE year = $1 ORDER BY version`, year)
	if err != nil {
		return nil, t.mapErr("FindRulesHistory", err)
	}
	return collect(t, rows, "FindRulesHistory", scanRules)
}

// FindRulesYears lists the years that have rules.
func (t *Tx) FindRulesYears(ctx context.Context) ([]int, error) {
	rows, err := t.q.Query(ctx, `SELECT DISTINCT year FROM programme_rules ORDER BY year`)
	if err != nil {
		return nil, t.mapErr("FindRulesYears", err)
	}
	return collect(t, rows, "FindRulesYears", func(s scanner) (int, error) {
		var y int
		return y, s.Scan(&y)
	})
}

// --- the cap ledger ---
//
// Lock order: a year's ledger_years row, then its ledger_partners rows in
// org_id order, then ledger_entries rows. moveSeats locks the entries it
// moves first, to read them; Reserve and moveSeats on one case are kept
// apart by the case's row lock (FindCaseByID with lock set).

// SetCap sets the year's cap and allocations.
func (t *Tx) SetCap(ctx context.Context, year, capPersons int, allocations map[haven.ID]int) error {
	const op = "SetCap"
	if _, err := t.exec(ctx, op, `INSERT INTO ledger_years (year, cap) VALUES ($1, $2)
		ON CONFLICT (year) DO UPDATE SET cap = excluded.cap`, year, capPersons); err != nil {
		return capConflict(err, "the cap cannot be set below the persons already approved or arrived this year")
	}
	if _, err := t.exec(ctx, op, `UPDATE ledger_partners SET allocation = NULL WHERE year = $1`, year); err != nil {
		return err
	}
	orgs := make([]haven.ID, 0, len(allocations))
	for org := range allocations {
		orgs = append(orgs, org)
	}
	slices.Sort(orgs)
	for _, org := range orgs {
		if _, err := t.exec(ctx, op, `INSERT INTO ledger_partners (year, org_id, allocation) VALUES ($1, $2, $3)
			ON CONFLICT (year, org_id) DO UPDATE SET allocation = excluded.allocation`, year, org, allocations[org]); err != nil {
			return capConflict(err, "an allocation cannot be set below the persons the partner already has approved or arrived")
		}
	}
	return nil
}

func capConflict(err error, msg string) error {
	if haven.ErrorCodeOf(err) == haven.ECONFLICT {
		return &haven.Error{Code: haven.ECONFLICT, Op: "ledger", Message: msg, Err: err}
	}
	return err
}

// Reserve reserves seats for a case's members, atomically within the cap
// and the partner's allocation.
func (t *Tx) Reserve(ctx context.Context, e store.Reservation) error {
	const op = "Reserve"
	n := len(e.Members)
	if n == 0 {
		return haven.Errorf(haven.EINVALID, t.op(op), "no persons to reserve")
	}
	// The condition in the WHERE clause is the cap rule; it and the update
	// are one statement, and a transaction that waited for the row's lock
	// re-checks it against the row as the other one committed it.
	k, err := t.exec(ctx, op, `UPDATE ledger_years SET reserved = reserved + $1
		WHERE year = $2 AND reserved + arrived + $1 <= cap`, n, e.Year)
	if err != nil {
		return err
	}
	if k != 1 {
		var c int
		if err := t.q.QueryRow(ctx, `SELECT count(*) FROM ledger_years WHERE year = $1`, e.Year).Scan(&c); err != nil {
			return t.mapErr(op, err)
		}
		if c == 0 {
			return haven.Errorf(haven.ENOTFOUND, t.op(op), "no cap is set for %d", e.Year)
		}
		return haven.Errorf(haven.ECONFLICT, t.op(op), "the cap for %d has fewer than %d places left", e.Year, n)
	}
	if _, err := t.exec(ctx, op, `INSERT INTO ledger_partners (year, org_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, e.Year, e.OrgID); err != nil {
		return err
	}
	k, err = t.exec(ctx, op, `UPDATE ledger_partners SET reserved = reserved + $1
		WHERE year = $2 AND org_id = $3 AND (allocation IS NULL OR reserved + arrived + $1 <= allocation)`, n, e.Year, e.OrgID)
	if err != nil {
		return err
	}
	if k != 1 {
		return haven.Errorf(haven.ECONFLICT, t.op(op), "the partner's allocation for %d has fewer than %d places left", e.Year, n)
	}
	for _, m := range e.Members {
		k, err := t.exec(ctx, op, `INSERT INTO ledger_entries (member_id, case_id, year, org_id, status, updated_at, reserved_at)
			VALUES ($1, $2, $3, $4, 'reserved', $5, $5)
			ON CONFLICT (member_id) DO UPDATE SET year = excluded.year, org_id = excluded.org_id,
				status = 'reserved', updated_at = excluded.updated_at,
				reserved_at = excluded.reserved_at, arrived_at = NULL, released_at = NULL
			WHERE ledger_entries.status = 'released' AND ledger_entries.case_id = excluded.case_id`,
			m, e.CaseID, e.Year, e.OrgID, fmtTime(e.At))
		if err != nil {
			return err
		}
		if k != 1 {
			return haven.Errorf(haven.ECONFLICT, t.op(op), "member %s already holds a place", m)
		}
	}
	return nil
}

// moveSeats moves the case's seats in status reserved to status to,
// adjusting the counters of every (year, partner) they count against.
func (t *Tx) moveSeats(ctx context.Context, op string, caseID haven.ID, members []haven.ID, to store.LedgerStatus, at time.Time) error {
	// FOR UPDATE (PostgreSQL): a concurrent move of the same seats waits,
	// then skips those no longer reserved, so no seat is counted out twice.
	q := `SELECT year, org_id, member_id FROM ledger_entries WHERE case_id = $1 AND status = 'reserved'`
	args := []any{caseID}
	if members != nil {
		if len(members) == 0 {
			return nil
		}
		in, inArgs := t.d.in("member_id", 2, idStrings(members))
		q += ` AND ` + in
		args = append(args, inArgs...)
	}
	rows, err := t.q.Query(ctx, q+` ORDER BY member_id`+t.d.forUpdate, args...)
	if err != nil {
		return t.mapErr(op, err)
	}
	type key struct {
		year int
		org  haven.ID
	}
	counts := map[key]int{}
	var ids []string
	for rows.Next() {
		var k key
		var id string
		if err := rows.Scan(&k.year, &k.org, &id); err != nil {
			rows.Close()
			return t.mapErr(op, err)
		}
		counts[k]++
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return t.mapErr(op, err)
	}
	arrived := 0
	if to == store.SeatArrived {
		arrived = 1
	}
	// In lock order, so that two moves over the same years cannot deadlock.
	keys := make([]key, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int { return cmp.Or(cmp.Compare(a.year, b.year), cmp.Compare(a.org, b.org)) })
	for _, k := range keys {
		n := counts[k]
		if _, err := t.exec(ctx, op, `UPDATE ledger_years SET reserved = reserved - $1, arrived = arrived + $2 WHERE year = $3`, n, n*arrived, k.year); err != nil {
			return err
		}
		if _, err := t.exec(ctx, op, `UPDATE ledger_partners SET reserved = reserved - $1, arrived = arrived + $2 WHERE year = $3 AND org_id = $4`, n, n*arrived, k.year, k.org); err != nil {
			return err
		}
	}
	if len(ids) == 0 {
		return nil
	}
	set := `UPDATE ledger_entries SET status = $1, updated_at = $2, released_at = $2 WHERE `
	if to == store.SeatArrived {
		set = `UPDATE ledger_entries SET status = $1, updated_at = $2, arrived_at = $2 WHERE `
	}
	in, inArgs := t.d.in("member_id", 3, ids)
	_, err = t.exec(ctx, op, set+in, append([]any{to, fmtTime(at)}, inArgs...)...)
	return err
}

// ConfirmArrival marks the case's reserved seats as arrived.
func (t *Tx) ConfirmArrival(ctx context.Context, caseID haven.ID, at time.Time) error {
	return t.moveSeats(ctx, "ConfirmArrival", caseID, nil, store.SeatArrived, at)
}

// Release frees reserved seats of the case.
func (t *Tx) Release(ctx context.Context, caseID haven.ID, members []haven.ID, at time.Time) error {
	return t.moveSeats(ctx, "Release", caseID, members, store.SeatReleased, at)
}

// LedgerCounts returns the year's figures.
func (t *Tx) LedgerCounts(ctx context.Context, year int) (*haven.CapFigures, error) {
	const op = "LedgerCounts"
	f := haven.CapFigures{Year: year}
	if err := t.q.QueryRow(ctx, `SELECT cap, reserved, arrived FROM ledger_years WHERE year = $1`, year).
		Scan(&f.Cap, &f.Reserved, &f.Arrived); err != nil {
		return nil, t.mapErr(op, err)
	}
	f.Remaining = f.Cap - f.Reserved - f.Arrived
	rows, err := t.q.Query(ctx, `SELECT org_id, allocation, reserved, arrived FROM ledger_partners WHERE year = $1 ORDER BY org_id`, year)
	if err != nil {
		return nil, t.mapErr(op, err)
	}
	parts, err := collect(t, rows, op, func(s scanner) (haven.PartnerFigures, error) {
		var p haven.PartnerFigures
		var alloc sql.NullInt64
		if err := s.Scan(&p.OrgID, &alloc, &p.Reserved, &p.Arrived); err != nil {
			return p, err
		}
		p.Allocation = int(alloc.Int64)
		return p, nil
	})
	if err != nil {
		return nil, err
	}
	f.Partners = parts
	return &f, nil
}

// LedgerMonths returns the year's figures month by month. Each seat is
// one movement at reserved_at, and one more at arrived_at or released_at;
// the figures at each month's end are running sums of the movements.
func (t *Tx) LedgerMonths(ctx context.Context, year int, orgID haven.ID) ([]haven.MonthFigures, error) {
	const op = "LedgerMonths"
	args := []any{year, fmtTime(time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)), fmtTime(time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC))}
	seats := `SELECT reserved_at, arrived_at, released_at FROM ledger_entries WHERE year = $1`
	if orgID != "" {
		seats += ` AND org_id = $4`
		args = append(args, orgID)
	}
	rows, err := t.q.Query(ctx, t.d.ledgerMonths(seats), args...)
	if err != nil {
		return nil, t.mapErr(op, err)
	}
	return collect(t, rows, op, func(s scanner) (haven.MonthFigures, error) {
		var m haven.MonthFigures
		err := s.Scan(&m.Month, &m.ReservedIn, &m.ArrivedIn, &m.ReleasedIn, &m.Reserved, &m.Arrived)
		return m, err
	})
}

// FindLedgerEntries returns the ledger entries of a case.
func (t *Tx) FindLedgerEntries(ctx context.Context, caseID haven.ID) ([]*store.LedgerEntry, error) {
	rows, err := t.q.Query(ctx, `SELECT year, org_id, case_id, member_id, status, updated_at, reserved_at, arrived_at, released_at
		FROM ledger_entries WHERE case_id = $1 ORDER BY member_id`, caseID)
	if err != nil {
		return nil, t.mapErr("FindLedgerEntries", err)
	}
	return collect(t, rows, "FindLedgerEntries", func(s scanner) (*store.LedgerEntry, error) {
		var e store.LedgerEntry
		var at, reserved string
		var arrived, released sql.NullString
		if err := s.Scan(&e.Year, &e.OrgID, &e.CaseID, &e.MemberID, &e.Status, &at, &reserved, &arrived, &released); err != nil {
			return nil, err
		}
		var d decoder
		e.UpdatedAt, e.ReservedAt = d.time(at), d.time(reserved)
		e.ArrivedAt, e.ReleasedAt = d.nullTime(arrived), d.nullTime(released)
		return &e, d.done("FindLedgerEntries")
	})
}

// --- data keys ---

// PutDataKey inserts or replaces a subject's wrapped data key.
func (t *Tx) PutDataKey(ctx context.Context, k *store.DataKey) error {
	_, err := t.exec(ctx, "PutDataKey", `INSERT INTO data_keys (subject, kek_id, wrapped, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (subject) DO UPDATE SET kek_id = excluded.kek_id, wrapped = excluded.wrapped`,
		k.Subject, k.KEKID, k.Wrapped, fmtTime(k.CreatedAt))
	return err
}

func scanDataKey(s scanner) (*store.DataKey, error) {
	var k store.DataKey
	var at string
	if err := s.Scan(&k.Subject, &k.KEKID, &k.Wrapped, &at); err != nil {
		return nil, err
	}
	var d decoder
	k.CreatedAt = d.time(at)
	return &k, d.done("scanDataKey")
}

// FindDataKey returns a subject's wrapped data key.
func (t *Tx) FindDataKey(ctx context.Context, subject haven.ID) (*store.DataKey, error) {
	k, err := scanDataKey(t.q.QueryRow(ctx, `SELECT subject, kek_id, wrapped, created_at FROM data_keys WHERE subject = $1`, subject))
	return k, t.mapErr("FindDataKey", err)
}

// FindDataKeysNotUnder returns data keys wrapped under another KEK.
func (t *Tx) FindDataKeysNotUnder(ctx context.Context, kekID string, limit int) ([]*store.DataKey, error) {
	rows, err := t.q.Query(ctx, `SELECT subject, kek_id, wrapped, created_at FROM data_keys WHERE kek_id <> $1 ORDER BY subject LIMIT $2`, kekID, limit)
	if err != nil {
		return nil, t.mapErr("FindDataKeysNotUnder", err)
	}
	return collect(t, rows, "FindDataKeysNotUnder", scanDataKey)
}

// DeleteDataKey deletes a subject's data key. The dead row stays in the
// table's pages, the WAL and backups until overwritten; it is wrapped under a
// KEK, so rotating the KEK away completes the shredding.
func (t *Tx) DeleteDataKey(ctx context.Context, subject haven.ID) error {
	return t.execOne(ctx, "DeleteDataKey", `DELETE FROM data_keys WHERE subject = $1`, subject)
}

// DeleteCaseIndexes replaces the case's and its members' blind indexes
// with tombstones made of their IDs.
func (t *Tx) DeleteCaseIndexes(ctx context.Context, caseID haven.ID) error {
	const op = "DeleteCaseIndexes"
	if err := t.execOne(ctx, op, `UPDATE cases SET unhcr_bidx = $1 WHERE id = $2`, store.ShreddedIndex(caseID), caseID); err != nil {
		return err
	}
	ms, err := t.FindMembers(ctx, caseID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := t.execOne(ctx, op, `UPDATE members SET identity_bidx = $1 WHERE id = $2`, store.ShreddedIndex(m.ID), m.ID); err != nil {
			return err
		}
	}
	// So are the blind indexes of the members' names.
	if _, err := t.exec(ctx, op, `DELETE FROM member_name_tokens WHERE case_id = $1`, caseID); err != nil {
		return err
	}
	// A possible-duplicate link was found by matching the plaintext: it
	// goes with the indexes.
	if _, err := t.exec(ctx, op, `DELETE FROM case_duplicates WHERE case_id = $1 OR other_case_id = $1`, caseID); err != nil {
		return err
	}
	return nil
}

// --- nominations ---

// CreateNomination inserts n.
func (t *Tx) CreateNomination(ctx context.Context, n *store.NominationRow) error {
	_, err := t.exec(ctx, "CreateNomination", `INSERT INTO nominations (id, protection_org_id, referral_org_id, state,
		defender_name_enc, contact_enc, whereabouts_enc, work_enc, threats_enc, risk_assessment_enc, decline_reason_enc,
		recommended_priority, nationality_countries, asylum_country, family_size, case_id, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
		n.ID, n.ProtectionOrgID, n.ReferralOrgID, n.State,
		[]byte(n.DefenderName), []byte(n.Contact), []byte(n.Whereabouts), []byte(n.Work), []byte(n.Threats), []byte(n.RiskAssessment), []byte(n.DeclineReason),
		n.RecommendedPriority, jsonText(strs(n.NationalityCountries)), n.AsylumCountry, n.FamilySize, nullStr(n.CaseID), n.CreatedBy, fmtTime(n.CreatedAt), fmtTime(n.UpdatedAt))
	return err
}

// UpdateNomination writes n's state, decline reason and case.
func (t *Tx) UpdateNomination(ctx context.Context, n *store.NominationRow) error {
	return t.execOne(ctx, "UpdateNomination", `UPDATE nominations SET state = $1, decline_reason_enc = $2, case_id = $3, updated_at = $4 WHERE id = $5`,
		n.State, []byte(n.DeclineReason), nullStr(n.CaseID), fmtTime(n.UpdatedAt), n.ID)
}

const nominationColumns = `id, protection_org_id, referral_org_id, state,
	defender_name_enc, contact_enc, whereabouts_enc, work_enc, threats_enc, risk_assessment_enc, decline_reason_enc,
	recommended_priority, nationality_countries, asylum_country, family_size, case_id, created_by, created_at, updated_at`

func scanNomination(s scanner) (*store.NominationRow, error) {
	var n store.NominationRow
	var countries []byte
	var created, updated string
	var caseID sql.NullString
	if err := s.Scan(&n.ID, &n.ProtectionOrgID, &n.ReferralOrgID, &n.State,
		&n.DefenderName, &n.Contact, &n.Whereabouts, &n.Work, &n.Threats, &n.RiskAssessment, &n.DeclineReason,
		&n.RecommendedPriority, &countries, &n.AsylumCountry, &n.FamilySize, &caseID, &n.CreatedBy, &created, &updated); err != nil {
		return nil, err
	}
	var d decoder
	d.strings(countries, &n.NationalityCountries)
	n.CaseID = haven.ID(caseID.String)
	n.CreatedAt = d.time(created)
	n.UpdatedAt = d.time(updated)
	return &n, d.done("scanNomination")
}

// FindNominationByID returns the nomination with id.
func (t *Tx) FindNominationByID(ctx context.Context, id haven.ID) (*store.NominationRow, error) {
	n, err := scanNomination(t.q.QueryRow(ctx, `SELECT `+nominationColumns+` FROM nominations WHERE id = $1`, id))
	return n, t.mapErr("FindNominationByID", err)
}

// FindNominations returns the nominations matching f, newest first.
func (t *Tx) FindNominations(ctx context.Context, f store.NominationFilter) ([]*store.NominationRow, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	rows, err := t.q.Query(ctx, `SELECT `+nominationColumns+` FROM nominations
		WHERE ($1 = '' OR protection_org_id = $1) AND ($2 = '' OR referral_org_id = $2) AND ($3 = '' OR state = $3)
		ORDER BY created_at DESC, id LIMIT $4`,
		f.ProtectionOrgID, f.ReferralOrgID, f.State, limit)
	if err != nil {
		return nil, t.mapErr("FindNominations", err)
	}
	return collect(t, rows, "FindNominations", scanNomination)
}

// --- cases ---

// CreateCase inserts c.
func (t *Tx) CreateCase(ctx context.Context, c *store.CaseRow) error {
	_, err := t.exec(ctx, "CreateCase", `INSERT INTO cases (id, unhcr_bidx, unhcr_enc, referring_org_id, nomination_id, state, resume_state,
		submission_priority, processing_priority, primary_category, secondary_category, justification_enc, grounds_enc, work_enc, threats_enc,
		persecution_enc, nationality_countries, asylum_country, declared_size, visa_kind, admission_year, settlement_org_id, referred_at, updated_at, version,
		target_date, stage, stage_since, stage_due, turn, waiting_since, reference, queue_open, queue_rank, queue_due, next_due, base_due)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25,
		$26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37)`,
		c.ID, c.UNHCRIndex, []byte(c.UNHCRNumber), c.ReferringOrgID, nullStr(c.NominationID), c.State, c.ResumeState,
		c.SubmissionPriority, c.ProcessingPriority, c.PrimaryCategory, c.SecondaryCategory, []byte(c.CategoryJustification), []byte(c.Grounds), []byte(c.Work), []byte(c.Threats),
		[]byte(c.PersecutionAccount), jsonText(strs(c.NationalityCountries)), c.AsylumCountry, c.DeclaredSize, c.VisaKind, c.AdmissionYear, nullStr(c.SettlementOrgID),
		fmtTime(c.ReferredAt), fmtTime(c.UpdatedAt), c.Version,
		t.nullDate(c.TargetDate), c.Stage, nullTimeArg(c.StageSince), t.nullDate(c.StageDue), c.Turn, nullTimeArg(c.WaitingSince), nullStr(haven.ID(c.Reference)),
		c.Open, store.PriorityRank(c.ProcessingPriority), t.queueDue(c.CaseClock), t.nullDate(c.NextDue), t.nullDate(c.BaseDue))
	return err
}

// queueDue is the work queue's stored day (store.QueueDue: the
// interview's, else the stage's deadline), or a far day for none, so that
// such cases come last.
func (t *Tx) queueDue(k haven.CaseClock) any {
	d := store.QueueDue(k)
	if d.IsZero() {
		d = store.NoDueLast
	}
	return t.d.date(d)
}

// nameSearch is the query of the cases of the members holding every word
// of s: the members of each token's postings, intersected (each read in
// order from the token's index, where postings lie together), then their
// cases. With pairs of words, the pairs' postings are intersected: few,
// as two words of a name together are rare however common each is, where
// the words' own postings can hold a large share of all members. The
// members whose names are too long to be paired in full are found from
// the long-name marker's postings (few), each probed for every word on
// its own tokens (the primary key, member then token).
func nameSearch(s *store.Search, arg func(any) string) string {
	intersect := func(tokens [][]byte) string {
		first := arg(tokens[0])
		q := "SELECT t.case_id FROM member_name_tokens t WHERE t.token_bidx = " + first
		if len(tokens) > 1 {
			each := make([]string, len(tokens))
			each[0] = "SELECT member_id FROM member_name_tokens WHERE token_bidx = " + first
			for i, tok := range tokens[1:] {
				each[i+1] = "SELECT member_id FROM member_name_tokens WHERE token_bidx = " + arg(tok)
			}
			q += " AND t.member_id IN (" + strings.Join(each, " INTERSECT ") + ")"
		}
		return q
	}
	if len(s.NamePairs) == 0 {
		return intersect(s.NameTokens)
	}
	q := intersect(s.NamePairs)
	if len(s.NameLong) > 0 {
		q += " UNION SELECT l.case_id FROM member_name_tokens l WHERE l.token_bidx = " + arg(s.NameLong)
		for _, tok := range s.NameTokens {
			q += " AND EXISTS (SELECT 1 FROM member_name_tokens p WHERE p.member_id = l.member_id AND p.token_bidx = " + arg(tok) + ")"
		}
	}
	return q
}

// PutNameTokens replaces a member's name tokens.
func (t *Tx) PutNameTokens(ctx context.Context, member, caseID haven.ID, tokens [][]byte) error {
	const op = "PutNameTokens"
	if _, err := t.exec(ctx, op, `DELETE FROM member_name_tokens WHERE member_id = $1`, member); err != nil {
		return err
	}
	// One statement for all of them (a name of n words has n(n+1)/2),
	// at most a hundred rows a statement.
	seen := map[string]bool{}
	var values []string
	args := []any{member, caseID}
	flush := func() error {
		if len(values) == 0 {
			return nil
		}
		_, err := t.exec(ctx, op, `INSERT INTO member_name_tokens (member_id, case_id, token_bidx) VALUES `+strings.Join(values, ", "), args...)
		values, args = values[:0], args[:2]
		return err
	}
	for _, tok := range tokens {
		if len(tok) == 0 || seen[string(tok)] {
			continue
		}
		seen[string(tok)] = true
		args = append(args, tok)
		values = append(values, "($1, $2, $"+strconv.Itoa(len(args))+")")
		if len(values) == 100 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// CaseReferenceTaken reports whether a case has the reference.
func (t *Tx) CaseReferenceTaken(ctx context.Context, reference string) (bool, error) {
	var n int
	err := t.q.QueryRow(ctx, `SELECT count(*) FROM cases WHERE reference = $1`, reference).Scan(&n)
	return n > 0, t.mapErr("CaseReferenceTaken", err)
}

// FindCaseByReference returns the case with the reference.
func (t *Tx) FindCaseByReference(ctx context.Context, reference string) (*store.CaseRow, error) {
	c, err := scanCase(t.q.QueryRow(ctx, `SELECT `+caseColumns+` FROM cases WHERE reference = $1`, reference))
	return c, t.mapErr("FindCaseByReference", err)
}

// UpdateCase writes the case's mutable columns if nobody changed it meanwhile.
func (t *Tx) UpdateCase(ctx context.Context, c *store.CaseRow) error {
	err := t.execOne(ctx, "UpdateCase", `UPDATE cases SET state = $1, resume_state = $2, processing_priority = $3, visa_kind = $4,
		admission_year = $5, settlement_org_id = $6, updated_at = $7, version = $8,
		target_date = $9, stage = $10, stage_since = $11, stage_due = $12, turn = $13, waiting_since = $14,
		queue_open = $17, queue_rank = $18, queue_due = $19, next_due = $20, base_due = $21 WHERE id = $15 AND version = $16`,
		c.State, c.ResumeState, c.ProcessingPriority, c.VisaKind, c.AdmissionYear, nullStr(c.SettlementOrgID), fmtTime(c.UpdatedAt), c.Version,
		t.nullDate(c.TargetDate), c.Stage, nullTimeArg(c.StageSince), t.nullDate(c.StageDue), c.Turn, nullTimeArg(c.WaitingSince), c.ID, c.Version-1,
		c.Open, store.PriorityRank(c.ProcessingPriority), t.queueDue(c.CaseClock), t.nullDate(c.NextDue), t.nullDate(c.BaseDue))
	if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
		return haven.Errorf(haven.ECONFLICT, t.op("UpdateCase"), "the case changed meanwhile; reload and try again")
	}
	return err
}

const caseColumns = `id, unhcr_bidx, unhcr_enc, referring_org_id, nomination_id, state, resume_state,
	submission_priority, processing_priority, primary_category, secondary_category, justification_enc, grounds_enc, work_enc, threats_enc,
	persecution_enc, nationality_countries, asylum_country, declared_size, visa_kind, admission_year, settlement_org_id, referred_at, updated_at, version,
	target_date, stage, stage_since, stage_due, turn, waiting_since, coalesce(reference, ''), queue_open, next_due, base_due`

func scanCase(s scanner) (*store.CaseRow, error) { return newCaseScan().scan(s) }

// caseScan scans rows of caseColumns (or caseListColumns), then any extra
// columns, into the same variables row after row: a page's rows share one
// set of destinations rather than each boxing its own.
type caseScan struct {
	c                       store.CaseRow
	nom, settle             sql.NullString
	countries               []byte
	referred, updated       string
	target, due, next, base dateCol
	since, waiting          sql.NullString
	dest                    []any
}

func newCaseScan(extra ...any) *caseScan {
	cs := &caseScan{}
	c := &cs.c
	cs.dest = append([]any{&c.ID, &c.UNHCRIndex, &c.UNHCRNumber, &c.ReferringOrgID, &cs.nom, &c.State, &c.ResumeState,
		&c.SubmissionPriority, &c.ProcessingPriority, &c.PrimaryCategory, &c.SecondaryCategory, &c.CategoryJustification, &c.Grounds, &c.Work, &c.Threats,
		&c.PersecutionAccount, &cs.countries, &c.AsylumCountry, &c.DeclaredSize, &c.VisaKind, &c.AdmissionYear, &cs.settle, &cs.referred, &cs.updated, &c.Version,
		&cs.target, &c.Stage, &cs.since, &cs.due, &c.Turn, &cs.waiting, &c.Reference, &c.Open, &cs.next, &cs.base}, extra...)
	return cs
}

// scan scans the row at s, and returns its case (a row of its own).
func (cs *caseScan) scan(s scanner) (*store.CaseRow, error) {
	cs.c = store.CaseRow{}
	if err := s.Scan(cs.dest...); err != nil {
		return nil, err
	}
	c := new(store.CaseRow)
	*c = cs.c
	var d decoder
	c.TargetDate, c.StageDue, c.NextDue, c.BaseDue = d.date(cs.target), d.date(cs.due), d.date(cs.next), d.date(cs.base)
	c.StageSince, c.WaitingSince = d.nullTime(cs.since), d.nullTime(cs.waiting)
	c.NominationID = haven.ID(cs.nom.String)
	c.SettlementOrgID = haven.ID(cs.settle.String)
	d.strings(cs.countries, &c.NationalityCountries)
	c.ReferredAt = d.time(cs.referred)
	c.UpdatedAt = d.time(cs.updated)
	return c, d.done("scanCase")
}

// FindCaseByID returns the case. With lock set in a read-write transaction
// the row is locked FOR UPDATE until the transaction ends; a read-only
// transaction cannot change the row, and PostgreSQL refuses the lock there.
func (t *Tx) FindCaseByID(ctx context.Context, id haven.ID, lock bool) (*store.CaseRow, error) {
	q := `SELECT ` + caseColumns + ` FROM cases WHERE id = $1`
	if lock && !t.readOnly {
		q += t.d.forUpdate
	}
	c, err := scanCase(t.q.QueryRow(ctx, q, id))
	return c, t.mapErr("FindCaseByID", err)
}

// FindCasesByUNHCRIndex returns the cases whose UNHCR number has index.
func (t *Tx) FindCasesByUNHCRIndex(ctx context.Context, index []byte) ([]*store.CaseRow, error) {
	const op = "FindCasesByUNHCRIndex"
	rows, err := t.q.Query(ctx, `SELECT `+caseColumns+` FROM cases WHERE unhcr_bidx = $1 ORDER BY referred_at, id`, index)
	if err != nil {
		return nil, t.mapErr(op, err)
	}
	return collect(t, rows, op, scanCase)
}

// CreateCaseDuplicate records a possible duplicate.
func (t *Tx) CreateCaseDuplicate(ctx context.Context, d *store.CaseDuplicateRow) error {
	_, err := t.exec(ctx, "CreateCaseDuplicate", `INSERT INTO case_duplicates (case_id, other_case_id, kind, member_id, other_member_id, found_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, d.CaseID, d.OtherCaseID, d.Kind, nullStr(d.MemberID), nullStr(d.OtherMemberID), fmtTime(d.FoundAt))
	return err
}

// FindCaseDuplicates returns the possible duplicates on either side of a case.
func (t *Tx) FindCaseDuplicates(ctx context.Context, caseID haven.ID) ([]*store.CaseDuplicateRow, error) {
	const op = "FindCaseDuplicates"
	rows, err := t.q.Query(ctx, `SELECT case_id, other_case_id, kind, member_id, other_member_id, found_at FROM case_duplicates
		WHERE case_id = $1 OR other_case_id = $1 ORDER BY found_at, case_id, other_case_id, kind, member_id`, caseID)
	if err != nil {
		return nil, t.mapErr(op, err)
	}
	return collect(t, rows, op, scanCaseDuplicate)
}

func scanCaseDuplicate(s scanner) (*store.CaseDuplicateRow, error) {
	var r store.CaseDuplicateRow
	var member, other sql.NullString
	var found string
	if err := s.Scan(&r.CaseID, &r.OtherCaseID, &r.Kind, &member, &other, &found); err != nil {
		return nil, err
	}
	r.MemberID, r.OtherMemberID = haven.ID(member.String), haven.ID(other.String)
	var d decoder
	r.FoundAt = d.time(found)
	return &r, d.done("scanCaseDuplicate")
}

// caseWhere returns the tables (from) and the condition on the table cases
// (where) that f selects, its order, cursor and page aside, adding its
// arguments to args.
//
// A search finds its cases first, each way of finding one in its own
// indexed lookup within the reach where the reader sees its field (none
// matches when its input is empty), and the list joins the cases found:
// `found CROSS JOIN cases`, which SQLite takes in that order, so that a
// search reads the few cases it finds rather than test every case of the
// queue's order against the search. Its arguments come first, as its text
// does (SQLite numbers a bare ? after the highest $N before it).
func (t *Tx) caseWhere(f store.CaseFilter, args *[]any) (from, cond string) {
	arg := func(v any) string {
		*args = append(*args, v)
		return "$" + strconv.Itoa(len(*args))
	}
	from = "cases"
	var conds []string
	if s := f.Search; s != nil {
		var ways []string
		if s.Reference != "" {
			ways = append(ways, "SELECT cases.id AS found_id FROM cases WHERE cases.reference = "+arg(s.Reference))
		}
		if len(s.UNHCRIndex) > 0 {
			ways = append(ways, "SELECT cases.id AS found_id FROM cases WHERE cases.unhcr_bidx = "+arg(s.UNHCRIndex)+" AND "+store.ReachSQL(s.UNHCRReach, arg))
		}
		if len(s.NameTokens) > 0 {
			ways = append(ways, "SELECT cases.id AS found_id FROM cases WHERE cases.id IN ("+nameSearch(s, arg)+") AND "+store.ReachSQL(s.NameReach, arg))
		}
		if len(ways) == 0 {
			ways = append(ways, "SELECT cases.id AS found_id FROM cases WHERE 1=0")
		}
		from = "(" + strings.Join(ways, " UNION ") + ") AS found CROSS JOIN cases"
		conds = append(conds, "cases.id = found.found_id")
	}
	where := append([]string{"TRUE"}, conds...)
	if len(f.States) > 0 {
		states := make([]string, len(f.States))
		for i, s := range f.States {
			states[i] = string(s)
		}
		in, inArgs := t.d.in("state", len(*args)+1, states)
		where = append(where, in)
		*args = append(*args, inArgs...)
	}
	if f.Priority != "" {
		where = append(where, "processing_priority = "+arg(f.Priority))
	}
	if f.ReferringOrgID != "" {
		where = append(where, "referring_org_id = "+arg(f.ReferringOrgID))
	}
	if f.SettlementOrgID != "" {
		where = append(where, "settlement_org_id = "+arg(f.SettlementOrgID))
	}
	where = append(where, store.ReachSQL(f.Reach, arg))
	if f.Country != "" {
		where = append(where, t.d.jsonHas("nationality_countries", arg(f.Country)))
	}
	if f.SafetyConcern {
		where = append(where, "EXISTS (SELECT 1 FROM plan_follow_ups WHERE plan_follow_ups.case_id = cases.id AND safety_concern = TRUE)")
	}
	if f.PossibleDuplicate {
		where = append(where, "EXISTS (SELECT 1 FROM case_duplicates d WHERE d.case_id = cases.id OR d.other_case_id = cases.id)")
	}
	if !f.OverdueOn.IsZero() {
		where = append(where, "stage_due < "+arg(t.d.date(f.OverdueOn)))
	}
	// queue_due holds a far day for nothing due, which no range takes.
	if !f.DueFrom.IsZero() {
		where = append(where, "queue_due >= "+arg(t.d.date(f.DueFrom)))
	}
	if !f.DueBefore.IsZero() {
		where = append(where, "queue_due < "+arg(t.d.date(f.DueBefore)))
	}
	if f.Turn != "" {
		where = append(where, "turn = "+arg(f.Turn))
	}
	if h := f.ChecksHeld; h != nil {
		// A check is held while its latest (recorded_at, then id, as
		// haven.Case.LatestCheck reads the checks in FindChecks' order) is
		// missing or on hold.
		var held []string
		for _, k := range h.Kinds {
			held = append(held, `NOT EXISTS (SELECT 1 FROM checks k WHERE k.member_id = m.id AND k.kind = `+arg(k)+` AND k.result <> 'on_hold'
				AND NOT EXISTS (SELECT 1 FROM checks l WHERE l.member_id = k.member_id AND l.kind = k.kind
					AND (l.recorded_at > k.recorded_at OR l.recorded_at = k.recorded_at AND l.id > k.id)))`)
		}
		if len(held) == 0 {
			held = append(held, "1=0")
		}
		where = append(where, `cases.stage = 'admissibility' AND EXISTS (SELECT 1 FROM check_assignments a JOIN members m ON m.id = a.member_id
			WHERE m.case_id = cases.id AND a.org_id = `+arg(h.OrgID)+` AND m.accompanying = TRUE AND m.excluded = FALSE
			AND (`+strings.Join(held, " OR ")+`))`)
	}
	if len(f.FollowUpsDue) > 0 {
		var due []string
		for _, d := range f.FollowUpsDue {
			due = append(due, "(a.arrival_date < "+arg(t.d.date(d.ArrivedBefore))+
				" AND NOT EXISTS (SELECT 1 FROM plan_follow_ups f WHERE f.case_id = cases.id AND f.month = "+arg(d.Month)+"))")
		}
		where = append(where, "EXISTS (SELECT 1 FROM arrivals a WHERE a.case_id = cases.id AND ("+strings.Join(due, " OR ")+"))")
	}
	switch f.Open {
	case store.FlagTrue:
		where = append(where, "queue_open = TRUE")
	case store.FlagFalse:
		where = append(where, "queue_open = FALSE")
	}
	return from, strings.Join(where, " AND ")
}

// CountCases counts the cases f selects.
func (t *Tx) CountCases(ctx context.Context, f store.CaseFilter) (int, error) {
	var args []any
	from, w := t.caseWhere(f, &args)
	var n int
	if err := t.q.QueryRow(ctx, `SELECT count(*) FROM `+from+` WHERE `+w, args...).Scan(&n); err != nil {
		return 0, t.mapErr("CountCases", err)
	}
	return n, nil
}

// CountCheckRequests counts an organisation's check requests: its
// assignments, in cases in one of f.States, of members of whom it has not
// recorded since the assignment a check of every kind of f.Kinds (as the
// app's recordedSince judges them).
func (t *Tx) CountCheckRequests(ctx context.Context, f store.CheckRequestCount) (int, error) {
	const op = "CountCheckRequests"
	if len(f.Kinds) == 0 || len(f.States) == 0 {
		return 0, nil
	}
	args := []any{f.OrgID}
	states := make([]string, len(f.States))
	for i, s := range f.States {
		states[i] = string(s)
	}
	in, inArgs := t.d.in("c.state", len(args)+1, states)
	args = append(args, inArgs...)
	var missing []string
	for _, k := range f.Kinds {
		args = append(args, k)
		missing = append(missing, `NOT EXISTS (SELECT 1 FROM checks k WHERE k.member_id = a.member_id AND k.kind = $`+strconv.Itoa(len(args))+`
			AND k.recorded_by_org = a.org_id AND k.recorded_at >= a.assigned_at)`)
	}
	var n int
	err := t.q.QueryRow(ctx, `SELECT count(*) FROM check_assignments a JOIN members m ON m.id = a.member_id JOIN cases c ON c.id = m.case_id
		WHERE a.org_id = $1 AND `+in+` AND (`+strings.Join(missing, " OR ")+`)`, args...).Scan(&n)
	if err != nil {
		return 0, t.mapErr(op, err)
	}
	return n, nil
}

// FindCases returns a page of matching cases ordered for a work queue:
// emergency first, then urgent, then normal, then by the stage's deadline,
// cases without one last (all this for the ranked cases alone: a deadline
// follows from the priority), then oldest referral first.
func (t *Tx) FindCases(ctx context.Context, f store.CaseFilter) ([]*store.CaseRow, int, error) {
	const op = "FindCases"
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	from, w := t.caseWhere(f, &args)
	// The count takes the condition's arguments alone: the page's come
	// after them.
	countArgs, countWhere := len(args), w
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	// The order's keys, each with its value in f.After. A far date stands
	// for no deadline, so that such cases come last both ways; the work
	// queue's deadline counts only where the priority is ranked. Where the
	// stored keys (queue_rank, queue_due) say the same, the order is on
	// them, which an index serves: the work queue when every case in reach
	// is ranked, or none is (then the order is the referral's alone, as
	// store.KeyOf makes it), and the deadline's order ascending.
	type key struct {
		expr string
		val  func(store.CaseKey) any
	}
	far := store.NoDueLast
	if f.Desc && f.Sort == haven.SortDue {
		far = store.NoDueLastDesc
	}
	due := func(k store.CaseKey) any { return t.d.date(k.Due) }
	referred := key{"referred_at", func(k store.CaseKey) any { return fmtTime(k.ReferredAt) }}
	var keys []key
	switch f.Sort {
	case haven.SortQueue:
		switch {
		case f.Ranked.Covers(f.Reach):
			keys = []key{{"queue_rank", func(k store.CaseKey) any { return k.Rank }}, {"queue_due", due}, referred}
		case f.Ranked.Empty():
			keys = []key{referred}
		default:
			ranked := store.ReachSQL(f.Ranked, arg)
			rank := `CASE WHEN ` + ranked + ` THEN queue_rank ELSE 3 END`
			keys = []key{{rank, func(k store.CaseKey) any { return k.Rank }},
				{"CASE WHEN " + ranked + " THEN queue_due ELSE '" + far.String() + "' END", due}, referred}
		}
	case haven.SortDue:
		if f.Desc {
			keys = []key{{"coalesce(next_due, stage_due, '" + far.String() + "')", due}, referred}
		} else {
			keys = []key{{"queue_due", due}, referred}
		}
	case haven.SortReferred:
		keys = []key{referred}
	case haven.SortReference:
		keys = []key{{"reference", func(k store.CaseKey) any { return k.Reference }}}
	case haven.SortState:
		var b strings.Builder
		b.WriteString("CASE state")
		for i, st := range haven.CaseStates {
			fmt.Fprintf(&b, " WHEN '%s' THEN %d", st, i)
		}
		b.WriteString(" END")
		keys = []key{{b.String(), func(k store.CaseKey) any { return k.State }}, referred}
	default:
		return nil, 0, haven.Errorf(haven.EINVALID, t.op(op), "unknown sort %q", f.Sort)
	}
	keys = append(keys, key{"cases.id", func(k store.CaseKey) any { return k.ID }})
	dir, after := " ASC", " > "
	if f.Desc {
		dir, after = " DESC", " < "
	}
	exprs, order := make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		exprs[i], order[i] = k.expr, k.expr+dir
	}
	if f.After != nil {
		vals := make([]string, len(keys))
		for i, k := range keys {
			vals[i] = arg(k.val(*f.After))
		}
		w += " AND (" + strings.Join(exprs, ", ") + ")" + after + "(" + strings.Join(vals, ", ") + ")"
	}
	// Where the dialect says so, the bounded count rides on the page, as a
	// subquery run once (an uncorrelated scalar subquery is): one round
	// trip, not two. It takes the condition's arguments, which come first.
	columns, joins, counted, ride := caseListColumns, "", 0, f.CountUpTo > 0 && t.d.countOnPage
	if f.Listed {
		columns, joins = columns+", "+listedColumns, listedJoins
	}
	bounded := `(SELECT count(*) FROM (SELECT 1 FROM ` + from + ` WHERE ` + countWhere + ` LIMIT ` + strconv.Itoa(f.CountUpTo+1) + `) AS upto)`
	if ride {
		columns += ", " + bounded
	}
	page := `SELECT ` + columns + ` FROM ` + from + joins + ` WHERE ` + w + `
		ORDER BY ` + strings.Join(order, ", ") + ` LIMIT ` + arg(limit) + ` OFFSET ` + arg(f.Offset)
	rows, err := t.q.Query(ctx, page, args...)
	if err != nil {
		return nil, 0, t.mapErr(op, err)
	}
	var l listedCols
	var extra []any
	if f.Listed {
		extra = l.dest()
	}
	if ride {
		extra = append(extra, &counted)
	}
	into := newCaseScan(extra...)
	scan := func(s scanner) (*store.CaseRow, error) {
		c, err := into.scan(s)
		if err != nil || !f.Listed {
			return c, err
		}
		c.Listed, err = l.row(c.ID)
		return c, err
	}
	cs, err := collect(t, rows, op, scan)
	if err != nil {
		return nil, 0, err
	}
	switch {
	case f.After == nil && f.Offset == 0 && len(cs) < limit:
		// A first page that holds every match counts them.
		if f.CountUpTo > 0 && len(cs) > f.CountUpTo {
			return cs, f.CountUpTo + 1, nil
		}
		return cs, len(cs), nil
	case ride && len(cs) > 0:
		return cs, counted, nil
	}
	// No row to carry the count (a page past the end), or no bound.
	var total int
	count := `SELECT count(*) FROM ` + from + ` WHERE ` + countWhere
	if f.CountUpTo > 0 {
		count = `SELECT ` + bounded
	}
	if err := t.q.QueryRow(ctx, count, args[:countArgs]...).Scan(&total); err != nil {
		return nil, 0, t.mapErr(op, err)
	}
	return cs, total, nil
}

// listedJoins and listedColumns are what a row of a list may open
// (store.ListedRow), joined to the page's cases: each join finds at most
// one row (a case has one data key, one principal applicant, one travel).
// The principal's are memberColumns less the sealed fields a list never
// opens (store.ListedRow).
const (
	listedJoins = ` LEFT JOIN data_keys lk ON lk.subject = cases.id
		LEFT JOIN members lp ON lp.case_id = cases.id AND lp.relationship = '` + string(haven.RelPrincipal) + `'
		LEFT JOIN travel lt ON lt.case_id = cases.id`
	listedColumns = `lk.kek_id, lk.wrapped, lk.created_at,
		lp.id, lp.ordinal, lp.accompanying, lp.excluded, lp.sex, lp.nationalities, lp.languages, lp.identity_bidx, lp.family_name_enc, lp.given_names_enc,
		lt.travel_date`
)

// listedCols are listedColumns as scanned.
type listedCols struct {
	kek, created, id, sex  sql.NullString
	wrapped, nats, langs   []byte
	bidx, family, given    []byte
	ordinal                sql.NullInt64
	accompanying, excluded sql.NullBool
	travel                 dateCol
}

func (l *listedCols) dest() []any {
	return []any{&l.kek, &l.wrapped, &l.created, &l.id, &l.ordinal, &l.accompanying, &l.excluded, &l.sex, &l.nats, &l.langs,
		&l.bidx, &l.family, &l.given, &l.travel}
}

// row is the scanned columns of case id's row.
func (l *listedCols) row(id haven.ID) (*store.ListedRow, error) {
	var d decoder
	out := &store.ListedRow{TravelDate: d.date(l.travel)}
	if l.kek.Valid {
		out.Key = &store.DataKey{Subject: id, KEKID: l.kek.String, Wrapped: l.wrapped, CreatedAt: d.time(l.created.String)}
	}
	if l.id.Valid {
		m := &store.MemberRow{ID: haven.ID(l.id.String), CaseID: id, Ordinal: int(l.ordinal.Int64), Relationship: haven.RelPrincipal,
			Accompanying: l.accompanying.Bool, Excluded: l.excluded.Bool, Sex: haven.Sex(l.sex.String), IdentityIndex: l.bidx,
			FamilyName: store.Sealed(l.family), GivenNames: store.Sealed(l.given)}
		d.strings(l.nats, &m.Nationalities)
		d.strings(l.langs, &m.Languages)
		out.Principal = m
	}
	return out, d.done("FindCases")
}

// caseListColumns are caseColumns for a list: the sealed accounts a list
// never opens (the category's justification, the grounds, the work, the
// threats and the persecution account, the largest fields of a case) are
// not read, and come back nil.
const caseListColumns = `cases.id, unhcr_bidx, unhcr_enc, referring_org_id, nomination_id, state, resume_state,
	submission_priority, processing_priority, primary_category, secondary_category, NULL, NULL, NULL, NULL,
	NULL, nationality_countries, asylum_country, declared_size, visa_kind, admission_year, settlement_org_id, referred_at, updated_at, version,
	target_date, stage, stage_since, stage_due, turn, waiting_since, coalesce(reference, ''), queue_open, next_due, base_due`

// --- members ---

// CreateMember inserts m.
func (t *Tx) CreateMember(ctx context.Context, m *store.MemberRow) error {
	_, err := t.exec(ctx, "CreateMember", `INSERT INTO members (id, case_id, ordinal, relationship, accompanying, excluded, sex,
		nationalities, languages, identity_bidx, family_name_enc, given_names_enc, dob_enc, contact_enc, whereabouts_enc, notes_enc,
		adult_dependent_enc)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
		m.ID, m.CaseID, m.Ordinal, m.Relationship, m.Accompanying, m.Excluded, m.Sex,
		jsonText(strs(m.Nationalities)), jsonText(strs(m.Languages)), m.IdentityIndex,
		[]byte(m.FamilyName), []byte(m.GivenNames), []byte(m.DateOfBirth), []byte(m.Contact), []byte(m.Whereabouts), []byte(m.ConfidentialNotes),
		[]byte(m.AdultDependent))
	return err
}

// UpdateMemberExcluded sets a member's excluded flag.
func (t *Tx) UpdateMemberExcluded(ctx context.Context, id haven.ID, excluded bool) error {
	return t.execOne(ctx, "UpdateMemberExcluded", `UPDATE members SET excluded = $1 WHERE id = $2`, excluded, id)
}

const memberColumns = `id, case_id, ordinal, relationship, accompanying, excluded, sex,
	nationalities, languages, identity_bidx, family_name_enc, given_names_enc, dob_enc, contact_enc, whereabouts_enc, notes_enc,
	adult_dependent_enc`

func scanMember(s scanner) (*store.MemberRow, error) {
	var m store.MemberRow
	var nats, langs []byte
	if err := s.Scan(&m.ID, &m.CaseID, &m.Ordinal, &m.Relationship, &m.Accompanying, &m.Excluded, &m.Sex,
		&nats, &langs, &m.IdentityIndex, &m.FamilyName, &m.GivenNames, &m.DateOfBirth, &m.Contact, &m.Whereabouts, &m.ConfidentialNotes,
		&m.AdultDependent); err != nil {
		return nil, err
	}
	var d decoder
	d.strings(nats, &m.Nationalities)
	d.strings(langs, &m.Languages)
	return &m, d.done("scanMember")
}

// FindMembers returns the members of a case in their listed order.
func (t *Tx) FindMembers(ctx context.Context, caseID haven.ID) ([]*store.MemberRow, error) {
	rows, err := t.q.Query(ctx, `SELECT `+memberColumns+` FROM members WHERE case_id = $1 ORDER BY ordinal`, caseID)
	if err != nil {
		return nil, t.mapErr("FindMembers", err)
	}
	return collect(t, rows, "FindMembers", scanMember)
}

// FindMembersByIdentityIndex returns members with the identity index.
func (t *Tx) FindMembersByIdentityIndex(ctx context.Context, index []byte) ([]*store.MemberRow, error) {
	rows, err := t.q.Query(ctx, `SELECT `+memberColumns+` FROM members WHERE identity_bidx = $1 ORDER BY case_id, ordinal`, index)
	if err != nil {
		return nil, t.mapErr("FindMembersByIdentityIndex", err)
	}
	return collect(t, rows, "FindMembersByIdentityIndex", scanMember)
}

// --- assessments, checks, decisions, travel, arrival ---

// AssignMember assigns a member to an organisation's check.
func (t *Tx) AssignMember(ctx context.Context, member, org, by haven.ID, at time.Time) error {
	_, err := t.exec(ctx, "AssignMember", `INSERT INTO check_assignments (member_id, org_id, assigned_by, assigned_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (member_id, org_id)
		DO UPDATE SET assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at`, member, org, by, fmtTime(at))
	return err
}

// FindAssignments returns org's assignments, of one case or of all.
func (t *Tx) FindAssignments(ctx context.Context, org, caseID haven.ID) ([]*store.Assignment, error) {
	const op = "FindAssignments"
	rows, err := t.q.Query(ctx, store.AssignmentsQuery("$1", "$2"), org, caseID)
	if err != nil {
		return nil, t.mapErr(op, err)
	}
	return collect(t, rows, op, func(s scanner) (*store.Assignment, error) {
		var a store.Assignment
		var at string
		if err := s.Scan(&a.MemberID, &a.CaseID, &a.OrgID, &a.AssignedBy, &at); err != nil {
			return nil, err
		}
		var d decoder
		a.AssignedAt = d.time(at)
		return &a, d.done(op)
	})
}

// FindAssignedCases returns the cases with a member assigned to org.
func (t *Tx) FindAssignedCases(ctx context.Context, org haven.ID) ([]haven.ID, error) {
	rows, err := t.q.Query(ctx, `SELECT c.id FROM cases c WHERE EXISTS (SELECT 1 FROM check_assignments a
		JOIN members m ON m.id = a.member_id WHERE a.org_id = $1 AND m.case_id = c.id) ORDER BY c.referred_at, c.id`, org)
	if err != nil {
		return nil, t.mapErr("FindAssignedCases", err)
	}
	return collect(t, rows, "FindAssignedCases", func(s scanner) (haven.ID, error) {
		var id haven.ID
		return id, s.Scan(&id)
	})
}

// FindAssignedChecks returns the assigned members of the cases, with the
// latest result of each kind of their checks.
func (t *Tx) FindAssignedChecks(ctx context.Context, caseIDs []haven.ID) ([]*store.AssignedChecks, error) {
	const op = "FindAssignedChecks"
	// The latest result of each kind, as LatestCheck picks it: one
	// correlated column per kind, on the checks of the member's case.
	var latest strings.Builder
	for _, k := range haven.CheckKinds {
		fmt.Fprintf(&latest, `, coalesce((SELECT ch.result FROM checks ch WHERE ch.case_id = m.case_id AND ch.member_id = a.member_id
			AND ch.kind = '%s' ORDER BY ch.recorded_at DESC, ch.id DESC LIMIT 1), '')`, k)
	}
	var out []*store.AssignedChecks
	for start := 0; start < len(caseIDs); start += t.d.maxIn {
		chunk := caseIDs[start:min(start+t.d.maxIn, len(caseIDs))]
		ids := make([]string, len(chunk))
		for i, id := range chunk {
			ids[i] = string(id)
		}
		in, args := t.d.in("m.case_id", 1, ids)
		rows, err := t.q.Query(ctx, `SELECT m.case_id, a.member_id, a.org_id, o.kind, m.accompanying, m.excluded`+latest.String()+`
			FROM check_assignments a JOIN members m ON m.id = a.member_id JOIN organisations o ON o.id = a.org_id
			WHERE `+in+` ORDER BY m.case_id, m.ordinal, a.org_id`, args...)
		if err != nil {
			return nil, t.mapErr(op, err)
		}
		got, err := collect(t, rows, op, func(s scanner) (*store.AssignedChecks, error) {
			var r store.AssignedChecks
			results := make([]haven.CheckResult, len(haven.CheckKinds))
			dest := []any{&r.CaseID, &r.MemberID, &r.OrgID, &r.OrgKind, &r.Accompanying, &r.Excluded}
			for i := range results {
				dest = append(dest, &results[i])
			}
			if err := s.Scan(dest...); err != nil {
				return nil, err
			}
			r.Latest = map[haven.CheckKind]haven.CheckResult{}
			for i, k := range haven.CheckKinds {
				if results[i] != "" {
					r.Latest[k] = results[i]
				}
			}
			return &r, nil
		})
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

// CreateAssessment inserts a.
func (t *Tx) CreateAssessment(ctx context.Context, a *store.AssessmentRow) error {
	g := a.Grounds
	if g == nil {
		g = []haven.Ground{}
	}
	_, err := t.exec(ctx, "CreateAssessment", `INSERT INTO assessments (id, case_id, outside_country, well_founded_fear,
		no_internal_flight, no_durable_solution, grounds, interviewed, notes_enc, assessed_by, assessed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		a.ID, a.CaseID, a.OutsideCountry, a.WellFoundedFear, a.NoInternalFlight, a.NoDurableSolution, jsonText(g), a.Interviewed, []byte(a.Notes), a.AssessedBy, fmtTime(a.AssessedAt))
	return err
}

// FindAssessments returns a case's assessments, oldest first.
func (t *Tx) FindAssessments(ctx context.Context, caseID haven.ID) ([]*store.AssessmentRow, error) {
	rows, err := t.q.Query(ctx, `SELECT id, case_id, outside_country, well_founded_fear, no_internal_flight, no_durable_solution,
		grounds, interviewed, notes_enc, assessed_by, assessed_at FROM assessments WHERE case_id = $1 ORDER BY assessed_at, id`, caseID)
	if err != nil {
		return nil, t.mapErr("FindAssessments", err)
	}
	return collect(t, rows, "FindAssessments", func(s scanner) (*store.AssessmentRow, error) {
		var a store.AssessmentRow
		var grounds []byte
		var at string
		if err := s.Scan(&a.ID, &a.CaseID, &a.OutsideCountry, &a.WellFoundedFear, &a.NoInternalFlight, &a.NoDurableSolution,
			&grounds, &a.Interviewed, &a.Notes, &a.AssessedBy, &at); err != nil {
			return nil, err
		}
		var d decoder
		d.json(grounds, &a.Grounds)
		a.AssessedAt = d.time(at)
		return &a, d.done("FindAssessments")
	})
}

// CreateCheck inserts c.
func (t *Tx) CreateCheck(ctx context.Context, c *store.CheckRow) error {
	_, err := t.exec(ctx, "CreateCheck", `INSERT INTO checks (id, case_id, member_id, kind, result, valid_until, details_enc,
		politically_motivated, pm_reasons_enc, recorded_by, recorded_by_org, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		c.ID, c.CaseID, c.MemberID, c.Kind, c.Result, t.d.date(c.ValidUntil), []byte(c.Details),
		c.ConvictionPoliticallyMotivated, []byte(c.PoliticalMotivationReasons), c.RecordedBy, c.RecordedByOrg, fmtTime(c.RecordedAt))
	return err
}

// FindChecks returns a case's checks, oldest first.
func (t *Tx) FindChecks(ctx context.Context, caseID haven.ID) ([]*store.CheckRow, error) {
	rows, err := t.q.Query(ctx, `SELECT id, case_id, member_id, kind, result, valid_until, details_enc, politically_motivated,
		pm_reasons_enc, recorded_by, recorded_by_org, recorded_at FROM checks WHERE case_id = $1 ORDER BY recorded_at, id`, caseID)
	if err != nil {
		return nil, t.mapErr("FindChecks", err)
	}
	return collect(t, rows, "FindChecks", func(s scanner) (*store.CheckRow, error) {
		var c store.CheckRow
		var valid dateCol
		var at string
		if err := s.Scan(&c.ID, &c.CaseID, &c.MemberID, &c.Kind, &c.Result, &valid, &c.Details, &c.ConvictionPoliticallyMotivated,
			&c.PoliticalMotivationReasons, &c.RecordedBy, &c.RecordedByOrg, &at); err != nil {
			return nil, err
		}
		var d decoder
		c.ValidUntil = d.date(valid)
		c.RecordedAt = d.time(at)
		return &c, d.done("FindChecks")
	})
}

// CreateDecision inserts d.
func (t *Tx) CreateDecision(ctx context.Context, d *store.DecisionRow) error {
	ex := d.ExcludedMembers
	if ex == nil {
		ex = []haven.ID{}
	}
	_, err := t.exec(ctx, "CreateDecision", `INSERT INTO decisions (id, case_id, kind, visa_kind, admission_year, excluded_members,
		reasons_enc, notice_org_id, notice_at, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		d.ID, d.CaseID, d.Kind, d.VisaKind, d.AdmissionYear, jsonText(ex), []byte(d.Reasons), nullStr(d.NoticeOrgID), nullTimeArg(d.NoticeAt),
		d.DecidedBy, fmtTime(d.DecidedAt))
	return err
}

// FindDecisions returns a case's decisions, oldest first.
func (t *Tx) FindDecisions(ctx context.Context, caseID haven.ID) ([]*store.DecisionRow, error) {
	rows, err := t.q.Query(ctx, `SELECT id, case_id, kind, visa_kind, admission_year, excluded_members, reasons_enc, notice_org_id,
		notice_at, decided_by, decided_at FROM decisions WHERE case_id = $1 ORDER BY decided_at, id`, caseID)
	if err != nil {
		return nil, t.mapErr("FindDecisions", err)
	}
	return collect(t, rows, "FindDecisions", func(s scanner) (*store.DecisionRow, error) {
		var r store.DecisionRow
		var ex []byte
		var at string
		var notice, noticeAt sql.NullString
		if err := s.Scan(&r.ID, &r.CaseID, &r.Kind, &r.VisaKind, &r.AdmissionYear, &ex, &r.Reasons, &notice, &noticeAt, &r.DecidedBy, &at); err != nil {
			return nil, err
		}
		var d decoder
		d.json(ex, &r.ExcludedMembers)
		r.NoticeOrgID = haven.ID(notice.String)
		r.NoticeAt = d.nullTime(noticeAt)
		r.DecidedAt = d.time(at)
		return &r, d.done("FindDecisions")
	})
}

// PutTravel inserts or replaces the case's travel booking.
func (t *Tx) PutTravel(ctx context.Context, tr *store.TravelRow) error {
	_, err := t.exec(ctx, "PutTravel", `INSERT INTO travel (case_id, travel_date, itinerary_enc, transportation_loan, booked_by, booked_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (case_id) DO UPDATE SET travel_date = excluded.travel_date, itinerary_enc = excluded.itinerary_enc,
		transportation_loan = excluded.transportation_loan, booked_by = excluded.booked_by, booked_at = excluded.booked_at`,
		tr.CaseID, t.d.date(tr.Date), []byte(tr.Itinerary), tr.TransportationLoan, tr.BookedBy, fmtTime(tr.BookedAt))
	return err
}

// FindTravel returns the case's travel booking.
func (t *Tx) FindTravel(ctx context.Context, caseID haven.ID) (*store.TravelRow, error) {
	var tr store.TravelRow
	var date dateCol
	var at string
	err := t.q.QueryRow(ctx, `SELECT case_id, travel_date, itinerary_enc, transportation_loan, booked_by, booked_at FROM travel WHERE case_id = $1`, caseID).
		Scan(&tr.CaseID, &date, &tr.Itinerary, &tr.TransportationLoan, &tr.BookedBy, &at)
	if err != nil {
		return nil, t.mapErr("FindTravel", err)
	}
	var d decoder
	tr.Date = d.date(date)
	tr.BookedAt = d.time(at)
	return &tr, d.done("FindTravel")
}

// CreateCaseNote inserts n.
func (t *Tx) CreateCaseNote(ctx context.Context, n *store.CaseNoteRow) error {
	_, err := t.exec(ctx, "CreateCaseNote", `INSERT INTO case_notes (id, case_id, event, text_enc, author_id, org_id, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, n.ID, n.CaseID, n.Event, []byte(n.Text), n.AuthorID, n.OrgID, fmtTime(n.At))
	return err
}

// FindCaseNotes returns a case's notes, oldest first.
func (t *Tx) FindCaseNotes(ctx context.Context, caseID haven.ID) ([]*store.CaseNoteRow, error) {
	rows, err := t.q.Query(ctx, `SELECT id, case_id, event, text_enc, author_id, org_id, at FROM case_notes
		WHERE case_id = $1 ORDER BY at, id`, caseID)
	if err != nil {
		return nil, t.mapErr("FindCaseNotes", err)
	}
	return collect(t, rows, "FindCaseNotes", func(s scanner) (*store.CaseNoteRow, error) {
		var n store.CaseNoteRow
		var at string
		if err := s.Scan(&n.ID, &n.CaseID, &n.Event, &n.Text, &n.AuthorID, &n.OrgID, &at); err != nil {
			return nil, err
		}
		var d decoder
		n.At = d.time(at)
		return &n, d.done("FindCaseNotes")
	})
}

// PutArrival inserts the case's arrival.
func (t *Tx) PutArrival(ctx context.Context, a *haven.Arrival) error {
	_, err := t.exec(ctx, "PutArrival", `INSERT INTO arrivals (case_id, arrival_date, port_of_entry, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5)`,
		a.CaseID, t.d.date(a.Date), a.PortOfEntry, a.RecordedBy, fmtTime(a.RecordedAt))
	return err
}

// FindArrival returns the case's arrival.
func (t *Tx) FindArrival(ctx context.Context, caseID haven.ID) (*haven.Arrival, error) {
	var a haven.Arrival
	var date dateCol
	var at string
	err := t.q.QueryRow(ctx, `SELECT case_id, arrival_date, port_of_entry, recorded_by, recorded_at FROM arrivals WHERE case_id = $1`, caseID).
		Scan(&a.CaseID, &date, &a.PortOfEntry, &a.RecordedBy, &at)
	if err != nil {
		return nil, t.mapErr("FindArrival", err)
	}
	var d decoder
	a.Date = d.date(date)
	a.RecordedAt = d.time(at)
	return &a, d.done("FindArrival")
}

// --- audit outbox ---

// AppendAudit appends e, taking the next sequence number from audit_head.
func (t *Tx) AppendAudit(ctx context.Context, e *haven.AuditEvent) error {
	const op = "AppendAudit"
	if err := t.q.QueryRow(ctx, `UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq`).Scan(&e.Seq); err != nil {
		return t.mapErr(op, err)
	}
	detail := e.Detail
	if detail == "" {
		detail = "{}"
	}
	_, err := t.exec(ctx, op, `INSERT INTO audit_outbox (seq, at, actor_id, actor_org_id, action, object_type, object_id, case_id, detail,
		decision, policy_ids, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, e.Seq, fmtTime(e.At), e.ActorID, e.ActorOrgID, e.Action,
		e.ObjectType, e.ObjectID, e.CaseID, detail, e.Decision, jsonText(strs(e.PolicyIDs)), e.RequestID)
	return err
}

const auditColumns = `seq, at, actor_id, actor_org_id, action, object_type, object_id, case_id, detail, decision, policy_ids, request_id`

func scanAudit(s scanner) (*haven.AuditEvent, error) {
	var e haven.AuditEvent
	var at, ids string
	if err := s.Scan(&e.Seq, &at, &e.ActorID, &e.ActorOrgID, &e.Action, &e.ObjectType, &e.ObjectID, &e.CaseID, &e.Detail,
		&e.Decision, &ids, &e.RequestID); err != nil {
		return nil, err
	}
	var d decoder
	e.At = d.time(at)
	d.json([]byte(ids), &e.PolicyIDs)
	return &e, d.done("scanAudit")
}

// FindAudit returns events after seq, in order.
func (t *Tx) FindAudit(ctx context.Context, after int64, limit int) ([]*haven.AuditEvent, error) {
	rows, err := t.q.Query(ctx, `SELECT `+auditColumns+` FROM audit_outbox WHERE seq > $1 ORDER BY seq LIMIT $2`, after, limit)
	if err != nil {
		return nil, t.mapErr("FindAudit", err)
	}
	return collect(t, rows, "FindAudit", scanAudit)
}

// FindAuditByActor returns one actor's events in [from, to), in order.
func (t *Tx) FindAuditByActor(ctx context.Context, actor haven.ID, from, to time.Time) ([]*haven.AuditEvent, error) {
	rows, err := t.q.Query(ctx, `SELECT `+auditColumns+` FROM audit_outbox WHERE actor_id = $1 AND at >= $2 AND at < $3 ORDER BY seq`,
		actor, fmtTime(from), fmtTime(to))
	if err != nil {
		return nil, t.mapErr("FindAuditByActor", err)
	}
	return collect(t, rows, "FindAuditByActor", scanAudit)
}

// FindCaseAudit returns a page of a case's allowed events of f.Actions,
// in order, from the index on (case_id, seq).
func (t *Tx) FindCaseAudit(ctx context.Context, f store.CaseAuditFilter) ([]*haven.AuditEvent, error) {
	if len(f.Actions) == 0 || f.Limit <= 0 {
		return nil, nil
	}
	where, args := t.caseAuditWhere(f)
	n := len(args)
	rows, err := t.q.Query(ctx, `SELECT `+auditColumns+` FROM audit_outbox WHERE `+where+
		fmt.Sprintf(` ORDER BY seq LIMIT $%d OFFSET $%d`, n+1, n+2), append(args, f.Limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, t.mapErr("FindCaseAudit", err)
	}
	return collect(t, rows, "FindCaseAudit", scanAudit)
}

// CountCaseAudit counts a case's allowed events of f.Actions.
func (t *Tx) CountCaseAudit(ctx context.Context, f store.CaseAuditFilter) (int, error) {
	if len(f.Actions) == 0 {
		return 0, nil
	}
	where, args := t.caseAuditWhere(f)
	var n int
	err := t.q.QueryRow(ctx, `SELECT count(*) FROM audit_outbox WHERE `+where, args...).Scan(&n)
	return n, t.mapErr("CountCaseAudit", err)
}

// caseAuditWhere is the condition of a case's acts, and its arguments.
func (t *Tx) caseAuditWhere(f store.CaseAuditFilter) (string, []any) {
	in, args := t.d.in("action", 2, f.Actions)
	return `case_id = $1 AND decision = 'allow' AND ` + in, append([]any{f.CaseID}, args...)
}

// PutAuditHashes stores hashes at indexes from, from+1, ...
func (t *Tx) PutAuditHashes(ctx context.Context, from int64, hashes [][]byte) error {
	for i, h := range hashes {
		if _, err := t.exec(ctx, "PutAuditHashes", `INSERT INTO audit_hashes (idx, hash) VALUES ($1, $2)`, from+int64(i), h); err != nil {
			return err
		}
	}
	return nil
}

// ReadAuditHashes returns the stored hashes at indexes, in that order.
func (t *Tx) ReadAuditHashes(ctx context.Context, indexes []int64) ([][]byte, error) {
	const op = "ReadAuditHashes"
	got := make(map[int64][]byte, len(indexes))
	for start := 0; start < len(indexes); start += t.d.maxIn {
		in, args := t.d.in("idx", 1, indexes[start:start+min(t.d.maxIn, len(indexes)-start)])
		rows, err := t.q.Query(ctx, `SELECT idx, hash FROM audit_hashes WHERE `+in, args...)
		if err != nil {
			return nil, t.mapErr(op, err)
		}
		for rows.Next() {
			var idx int64
			var h []byte
			if err := rows.Scan(&idx, &h); err != nil {
				rows.Close()
				return nil, t.mapErr(op, err)
			}
			got[idx] = h
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, t.mapErr(op, err)
		}
	}
	return orderHashes(t.op(op), indexes, got)
}

// orderHashes puts the hashes read in the order asked; a missing one is
// ENOTFOUND, which the audit verifier reports as damage at its index.
func orderHashes(op string, indexes []int64, got map[int64][]byte) ([][]byte, error) {
	out := make([][]byte, len(indexes))
	for i, idx := range indexes {
		h, ok := got[idx]
		if !ok {
			return nil, &haven.Error{Code: haven.ENOTFOUND, Op: op, Message: "a stored hash of the audit log is missing", Err: fmt.Errorf("stored hash %d", idx)}
		}
		out[i] = h
	}
	return out, nil
}

// PutAuditCheckpoint stores a signed checkpoint.
func (t *Tx) PutAuditCheckpoint(ctx context.Context, size int64, note string) error {
	_, err := t.exec(ctx, "PutAuditCheckpoint", `INSERT INTO audit_checkpoints (size, note) VALUES ($1, $2)`, size, note)
	return err
}

// FindAuditCheckpoints returns signed checkpoints after size, in order.
func (t *Tx) FindAuditCheckpoints(ctx context.Context, after int64, limit int) ([]store.AuditCheckpoint, error) {
	rows, err := t.q.Query(ctx, `SELECT size, note FROM audit_checkpoints WHERE size > $1 ORDER BY size LIMIT $2`, after, limit)
	if err != nil {
		return nil, t.mapErr("FindAuditCheckpoints", err)
	}
	return collect(t, rows, "FindAuditCheckpoints", func(s scanner) (store.AuditCheckpoint, error) {
		var c store.AuditCheckpoint
		return c, s.Scan(&c.Size, &c.Note)
	})
}

// --- meta ---

// Meta returns a setting, or ENOTFOUND.
func (t *Tx) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := t.q.QueryRow(ctx, `SELECT value FROM meta WHERE key = $1`, key).Scan(&v)
	return v, t.mapErr("Meta", err)
}

// SetMeta writes a setting.
func (t *Tx) SetMeta(ctx context.Context, key, value string) error {
	_, err := t.exec(ctx, "SetMeta", `INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}
