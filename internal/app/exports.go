package app

import (
	"context"
	"fmt"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/policy"
	"github.com/havenhrd/haven/internal/store"
)

// An export is a disclosure: the rows of a list leave Haven in a file the
// log cannot follow. Each export method reads the list exactly as its page
// does (the same finder, so the same policies, filters and view, every
// page of it), bounded by MaxExportRows, and appends one "export" event to
// the audit log: the list, which filters were on, the order and the number
// of rows. The event names filters, never their values (a search may be a
// name), and no row: the rows are the reader's view at that time.

// MaxExportRows bounds the rows of one export: a list longer than that is
// refused, to be narrowed with its filters.
const MaxExportRows = 5000

// exportPage is the size of the pages an export of cases reads.
const exportPage = 500

// tooMany is the refusal of an export of more than MaxExportRows rows.
func tooMany(op string) error {
	return (&haven.Problems{{Field: "export", Message: fmt.Sprintf("more than %d rows: narrow the list with its filters before downloading it", MaxExportRows)}}).Err(op)
}

// recordExport appends the audit event of an export by actor of rows rows
// of list, in a transaction of its own, after the reads: the export is
// served only once it is recorded.
func (a *core) recordExport(ctx context.Context, actor haven.Actor, objType, list string, detail map[string]any, rows int) error {
	return a.update(ctx, func(tx store.Tx) error {
		w, err := a.resolve(ctx, tx, actor)
		if err != nil {
			return err
		}
		if detail == nil {
			detail = map[string]any{}
		}
		detail["list"], detail["rows"] = list, rows
		return a.audit(ctx, tx, w.actor(), "export", objType, "", "", detail)
	})
}

// ExportCases returns every case of the list f as the actor sees it, in
// its order, as FindCasePage gives them page by page from the first
// (f.After and f.Limit are ignored), and records the export in the audit
// log (action "export", list "cases", the filters on, the order and the
// number of rows).
//
// Errors: those of FindCasePage; EINVALID (field "export") when more than
// MaxExportRows cases match.
func (a *Cases) ExportCases(ctx context.Context, actor haven.Actor, f CaseFilter) ([]*haven.Case, error) {
	const op = "app.ExportCases"
	f.After, f.Limit = "", exportPage
	var out []*haven.Case
	for {
		p, err := a.FindCasePage(ctx, actor, f)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Cases...)
		if len(out) > MaxExportRows {
			return nil, tooMany(op)
		}
		if p.Next == "" {
			break
		}
		f.After = p.Next
	}
	filters, explicit := listFilters(f)
	on := []string{}
	for _, fl := range filters {
		if fl.on && (explicit || fl.field != "state") && fl.field != "sort" {
			on = append(on, fl.field)
		}
	}
	if f.Search != "" {
		on = append(on, "search")
	}
	detail := map[string]any{"filters": on, "sort": string(f.Sort), "desc": f.Desc}
	if err := a.recordExport(ctx, actor, "case", "cases", detail, len(out)); err != nil {
		return nil, err
	}
	return out, nil
}

// ExportAssignedWork returns the actor's screening or medical work, as
// FindAssignedWork and FindCheckRequests give it, and records the export
// in the audit log (list "checks", the number of members listed).
//
// Errors: those of FindAssignedWork and FindCheckRequests; EINVALID
// (field "export") when more than MaxExportRows members are listed.
func (a *Cases) ExportAssignedWork(ctx context.Context, actor haven.Actor) ([]*haven.Case, []*haven.CheckRequest, error) {
	const op = "app.ExportAssignedWork"
	cases, err := a.FindAssignedWork(ctx, actor)
	if err != nil {
		return nil, nil, err
	}
	reqs, err := a.FindCheckRequests(ctx, actor)
	if err != nil {
		return nil, nil, err
	}
	n := 0
	for _, c := range cases {
		n += len(c.Members)
	}
	if n > MaxExportRows {
		return nil, nil, tooMany(op)
	}
	if err := a.recordExport(ctx, actor, "case", "checks", nil, n); err != nil {
		return nil, nil, err
	}
	return cases, reqs, nil
}

// ExportNominations returns the nominations FindNominations lists for the
// actor (of state, when given), and records the export in the audit log
// (list "nominations", whether a state filter was on, the number of rows).
//
// Errors: those of FindNominations; EINVALID (field "export") when more
// than MaxExportRows nominations are listed.
func (a *Nominations) ExportNominations(ctx context.Context, actor haven.Actor, state haven.NominationState) ([]*haven.Nomination, error) {
	const op = "app.ExportNominations"
	ns, err := a.FindNominations(ctx, actor, state)
	if err != nil {
		return nil, err
	}
	if len(ns) > MaxExportRows {
		return nil, tooMany(op)
	}
	detail := map[string]any{"filters": []string{}}
	if state != "" {
		detail["filters"] = []string{"state"}
	}
	if err := a.recordExport(ctx, actor, "nomination", "nominations", detail, len(ns)); err != nil {
		return nil, err
	}
	return ns, nil
}

// ExportNotifications returns the actor's notices as FindNotifications
// lists them (escalations included, for the programme's administration,
// without their case), and records the export in the audit log (list
// "notifications", the number of rows).
//
// Errors: those of FindNotifications; EINVALID (field "export") when more
// than MaxExportRows notices are listed.
func (a *Notices) ExportNotifications(ctx context.Context, actor haven.Actor) (*haven.Notifications, error) {
	const op = "app.ExportNotifications"
	ns, err := a.FindNotifications(ctx, actor)
	if err != nil {
		return nil, err
	}
	if len(ns.Items) > MaxExportRows {
		return nil, tooMany(op)
	}
	if err := a.recordExport(ctx, actor, "notification", "notifications", map[string]any{"filters": []string{}}, len(ns.Items)); err != nil {
		return nil, err
	}
	return ns, nil
}

// ExportOrganisations returns every organisation, as the administration's
// list of organisations shows them (FindOrganisations), and records the
// export in the audit log (list "organisations", the number of rows).
// Only the programme's administration may: every user may read the
// organisations one by one, but the list is the administration's.
//
// Errors: EFORBIDDEN for any other reader; those of FindOrganisations;
// EINVALID (field "export") when more than MaxExportRows are listed.
func (a *Programme) ExportOrganisations(ctx context.Context, actor haven.Actor) ([]*haven.Organisation, error) {
	const op = "app.ExportOrganisations"
	if err := a.view(ctx, func(tx store.Tx) error {
		_, err := a.allow(ctx, tx, actor, policy.OrgCreate)
		return err
	}); err != nil {
		return nil, err
	}
	orgs, err := a.FindOrganisations(ctx, actor, "")
	if err != nil {
		return nil, err
	}
	if len(orgs) > MaxExportRows {
		return nil, tooMany(op)
	}
	if err := a.recordExport(ctx, actor, "organisation", "organisations", map[string]any{"filters": []string{}}, len(orgs)); err != nil {
		return nil, err
	}
	return orgs, nil
}

// ExportAccounts returns every user as FindAccounts lists them (their
// factors as labels, dates and counts, never a secret), and records the
// export in the audit log (list "users", the number of rows).
//
// Errors: those of FindAccounts (EFORBIDDEN but for the programme's
// administration); EINVALID (field "export") when more than MaxExportRows
// users are listed.
func (a *Accounts) ExportAccounts(ctx context.Context, actor haven.Actor) ([]*haven.Account, error) {
	const op = "app.ExportAccounts"
	accounts, err := a.FindAccounts(ctx, actor, "")
	if err != nil {
		return nil, err
	}
	if len(accounts) > MaxExportRows {
		return nil, tooMany(op)
	}
	if err := a.recordExport(ctx, actor, "user", "users", map[string]any{"filters": []string{}}, len(accounts)); err != nil {
		return nil, err
	}
	return accounts, nil
}

// ExportAPITokens returns every API token as FindAPITokens lists them
// (never a token or its hash), and records the export in the audit log
// (list "tokens", the number of rows).
//
// Errors: those of FindAPITokens (EFORBIDDEN but for the programme's
// administration); EINVALID (field "export") when more than MaxExportRows
// tokens are listed.
func (a *Accounts) ExportAPITokens(ctx context.Context, actor haven.Actor) ([]*haven.APIToken, error) {
	const op = "app.ExportAPITokens"
	ks, err := a.FindAPITokens(ctx, actor)
	if err != nil {
		return nil, err
	}
	if len(ks) > MaxExportRows {
		return nil, tooMany(op)
	}
	if err := a.recordExport(ctx, actor, "api_token", "tokens", map[string]any{"filters": []string{}}, len(ks)); err != nil {
		return nil, err
	}
	return ks, nil
}
