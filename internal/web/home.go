package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/havenhrd/haven"
)

// handleHome is the start page of each kind of organisation: its work,
// counted (each count linking to the list of what it counts), and links
// to its pages.
func (s *server) handleHome(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.newPage(w, r, v)
	var d homeData
	if v.Kind().IsReferringPartner() {
		var err error
		if d.MayRefer, err = s.cases.MayRefer(r.Context(), v.Actor); err != nil {
			s.fail(w, r, v, err)
			return
		}
	}
	work, err := s.cases.CountWork(r.Context(), v.Actor)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	d.AsOf = work.AsOf
	for _, c := range work.Counts {
		row := workRow{Count: c.Count, Label: p.t("home.work." + string(c.Kind))}
		switch {
		case c.Kind == haven.WorkCheckRequests:
			row.Link = "/checks?outstanding=yes"
		case c.Cases != nil:
			row.Link = casesURL(*c.Cases)
		}
		switch {
		case c.Kind == haven.WorkDueSoon:
			row.Label = p.tf("home.work.due_soon", haven.DueSoonDays)
		case c.Kind == haven.WorkChecksWith:
			row.Label = p.tf("home.work.checks_with", p.OrgName(c.OrgID))
		case c.Kind == haven.WorkAwaitingInformation && c.Cases != nil && c.Cases.ReferringOrgID == v.Org.ID:
			row.Label = p.t("home.work.awaiting_your_answer")
		}
		d.Work = append(d.Work, row)
	}
	p.Data = &d
	s.render(w, r, http.StatusOK, "home", p)
}

// homeData is what the start page shows beside its kind's cards.
type homeData struct {
	// MayRefer: the organisation may refer cases today (the app says).
	MayRefer bool
	// Work are the counts of the organisation's work, as of AsOf.
	Work []workRow
	AsOf haven.Date
}

// workRow is one count of work: what it counts, how many, and the list.
type workRow struct {
	Label string
	Count int
	Link  string
}

// casesURL is the list of cases f selects, in the list's own query
// parameters (those handleCases reads).
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
	set("partner", string(f.ReferringOrgID), f.ReferringOrgID != "")
	set("safety", "yes", f.SafetyConcern)
	set("duplicates", "yes", f.PossibleDuplicate)
	set("overdue", "yes", f.Overdue)
	set("due_within", strconv.Itoa(f.DueWithin), f.DueWithin > 0)
	set("turn", string(f.Turn), f.Turn != "")
	set("checks_with", string(f.ChecksWith), f.ChecksWith != "")
	set("follow_ups", "yes", f.FollowUpDue)
	if len(q) == 0 {
		return "/cases"
	}
	return "/cases?" + q.Encode()
}
