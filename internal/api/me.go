package api

import (
	"net/url"
	"strconv"

	"github.com/havenhrd/haven"
)

// ownFactors returns the caller's own sign-in factors: each passkey's
// label and dates, whether an authenticator app is set up, how many
// recovery codes are left. Every user may read their own, and only theirs.
func ownFactors(c *call, _ *none) (factorsJSON, error) {
	f, err := c.accounts.OwnFactors(c.ctx, c.actor)
	if err != nil {
		return factorsJSON{}, err
	}
	return factorsOut(f), nil
}

// ownWork returns the work waiting on the caller's organisation, counted
// within what the caller may read, each count with the list behind it.
func ownWork(c *call, _ *none) (workJSON, error) {
	w, err := c.cases.CountWork(c.ctx, c.actor)
	if err != nil {
		return workJSON{}, err
	}
	out := workJSON{AsOf: w.AsOf, Counts: []workCountJSON{}}
	for _, k := range w.Counts {
		wc := workCountJSON{Kind: k.Kind, Count: k.Count, OrgID: k.OrgID}
		switch {
		case k.Kind == haven.WorkCheckRequests:
			wc.List = "/api/v1/checks"
		case k.Cases != nil:
			wc.List = casesURL(*k.Cases)
		}
		out.Counts = append(out.Counts, wc)
	}
	return out, nil
}

// casesURL is GET /api/v1/cases with the query parameters of f.
func casesURL(f haven.CaseFilter) string {
	q := url.Values{}
	for _, st := range f.States {
		q.Add("state", string(st))
	}
	set := func(key, val string, on bool) {
		if on {
			q.Set(key, val)
		}
	}
	set("priority", string(f.Priority), f.Priority != "")
	set("country", f.Country, f.Country != "")
	set("referring_org_id", string(f.ReferringOrgID), f.ReferringOrgID != "")
	set("safety_concern", "true", f.SafetyConcern)
	set("possible_duplicate", "true", f.PossibleDuplicate)
	set("overdue", "true", f.Overdue)
	set("due_within", strconv.Itoa(f.DueWithin), f.DueWithin > 0)
	set("turn", string(f.Turn), f.Turn != "")
	set("checks_with", string(f.ChecksWith), f.ChecksWith != "")
	set("follow_up_due", "true", f.FollowUpDue)
	if len(q) == 0 {
		return "/api/v1/cases"
	}
	return "/api/v1/cases?" + q.Encode()
}

// ownNotices returns the caller's latest notifications (up to 100, newest
// first) and how many are unread, within what the caller may read: a
// notice about a case the caller may not read is never listed or counted.
func ownNotices(c *call, _ *none) (noticesJSON, error) {
	ns, err := c.notices.FindNotifications(c.ctx, c.actor)
	if err != nil {
		return noticesJSON{}, err
	}
	return noticesOut(ns), nil
}

// readNotice marks one of the caller's notifications read and answers the
// list as it then stands. A notice the caller may not see is not found.
func readNotice(c *call, _ *none) (noticesJSON, error) {
	if err := c.notices.MarkRead(c.ctx, c.actor, c.id()); err != nil {
		return noticesJSON{}, err
	}
	return ownNotices(c, nil)
}
