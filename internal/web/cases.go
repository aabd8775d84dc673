package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/havenhrd/haven"
)

// queuePage is the number of cases a list shows at once.
const queuePage = 50

// queueRow is one row of a list of cases.
type queueRow struct {
	*haven.Case
	// Name is the principal applicant's, where the viewer's view holds it.
	Name string
	// HasDue says the case's next step has a day it is due (Due: the
	// interview's, or the stage's deadline; Interview says which);
	// DaysLeft counts the days to it on the app's clock, Overdue the days
	// past it.
	HasDue            bool
	Due               haven.Date
	Interview         bool
	DaysLeft, Overdue int
	// Holders name the partners holding the outstanding checks, as the
	// case page does, where the viewer's view of the case holds them.
	Holders []string
	// Arriving is the expected arrival (the booked travel date) of a case
	// whose travel is booked, where the viewer's view holds the arrival;
	// zero otherwise.
	Arriving haven.Date
}

// Holding names the partners holding the outstanding checks, joined.
func (r queueRow) Holding() string { return strings.Join(r.Holders, ", ") }

// casesData is what a list of cases shows.
type casesData struct {
	Cases []queueRow
	// Names and Numbers say the rows carry principals' names and UNHCR
	// numbers: the viewer's view holds them for some.
	Names, Numbers bool
	// Arrivals says some row carries an expected arrival.
	Arrivals bool
	// Total counts the list's cases, up to a bound: More says more match.
	Total int
	More  bool
	// From and To number the cases shown (1-based); First links to the
	// first page and Next to the next, when there are.
	From, To    int
	First, Next string
	// Sort and Desc are the list's order; Sorts link each sortable column
	// to its order (the other way when it is the current one), filters
	// kept. Due is sortable where the viewer sees priorities.
	Sort  haven.CaseSort
	Desc  bool
	Sorts map[string]string
	Due   bool
	// Referral says the cases carry their referral facts (priority,
	// countries, size): the viewer's view includes them.
	Referral bool
	States   []haven.CaseState
	Prios    []haven.Priority
	// Partners are the referring partners to filter by, by name.
	Partners []*haven.Organisation
	// Country is the nationality the queue is filtered by, a valid code.
	Country string
	// Chosen are the states ticked; none shows the open cases.
	Chosen map[haven.CaseState]bool
	// Turns are the parties a case may wait on; CheckPartners the
	// screening and medical partners, by name, to filter by who holds the
	// checks.
	Turns         []haven.Party
	CheckPartners []*haven.Organisation
	// Shown describe the filters of the list beyond the search, for the
	// readers whose page has no filter form.
	Shown []string
	// Export links to the list's CSV export, its filters and order kept.
	Export string
}

// queueFilters are the work queue's filters, kept in its page links.
var queueFilters = []string{"q", "state", "priority", "country", "partner", "safety", "duplicates", "overdue",
	"due_within", "turn", "checks_with", "follow_ups"}

// queueQuery reads the list of cases' filters, order and cursor from q
// into the store's filter and the page's data, marking p's fields that
// are wrong; from numbers the first case of the page. The page and its
// CSV export read them alike.
func (s *server) queueQuery(p *page, v *viewer, q url.Values) (f haven.CaseFilter, d *casesData, from int) {
	for _, k := range queueFilters {
		p.Form.Set(k, q.Get(k))
	}
	d = &casesData{States: haven.CaseStates, Prios: haven.Priorities, Turns: haven.Parties}
	for _, o := range v.orgs {
		if o.Kind.IsReferringPartner() {
			d.Partners = append(d.Partners, o)
		}
		if checkKindsOf(o.Kind) != nil {
			d.CheckPartners = append(d.CheckPartners, o)
		}
	}
	byName := func(a, b *haven.Organisation) int { return strings.Compare(a.Name, b.Name) }
	slices.SortFunc(d.Partners, byName)
	slices.SortFunc(d.CheckPartners, byName)
	f = haven.CaseFilter{Limit: queuePage}
	if f.Search = strings.TrimSpace(q.Get("q")); len(f.Search) > 200 {
		p.invalid("q", "err.search_long")
	}
	d.Chosen = map[haven.CaseState]bool{}
	for _, st := range q["state"] {
		s, err := haven.ParseCaseState(st)
		if err != nil {
			p.invalid("state", "err.choose_state")
			continue
		}
		f.States, d.Chosen[s] = append(f.States, s), true
	}
	switch q.Get("overdue") {
	case "":
	case "yes":
		f.Overdue = true
		d.Shown = append(d.Shown, p.t("queue.shown_overdue"))
	default:
		p.invalid("overdue", "err.choose_safety")
	}
	if days := strings.TrimSpace(q.Get("due_within")); days != "" {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || n > haven.MaxDueWithin {
			p.invalid("due_within", "err.due_within")
		} else {
			f.DueWithin = n
			d.Shown = append(d.Shown, p.tf("queue.shown_due_within", n))
		}
	}
	if turn := q.Get("turn"); turn != "" {
		var err error
		if f.Turn, err = haven.ParseParty(turn); err != nil {
			p.invalid("turn", "err.choose_turn")
		} else {
			d.Shown = append(d.Shown, p.tf("queue.shown_turn", p.t("turn."+turn)))
		}
	}
	if id := haven.ID(q.Get("checks_with")); id != "" {
		if !slices.ContainsFunc(d.CheckPartners, func(o *haven.Organisation) bool { return o.ID == id }) {
			p.invalid("checks_with", "err.choose_partner")
		} else {
			d.Shown = append(d.Shown, p.tf("queue.shown_checks_with", p.OrgName(id)))
		}
		f.ChecksWith = id
	}
	switch q.Get("follow_ups") {
	case "":
	case "yes":
		f.FollowUpDue = true
		d.Shown = append(d.Shown, p.t("queue.shown_follow_ups"))
	default:
		p.invalid("follow_ups", "err.choose_safety")
	}
	if pr := q.Get("priority"); pr != "" {
		var err error
		if f.Priority, err = haven.ParsePriority(pr); err != nil {
			p.invalid("priority", "err.choose_priority")
		}
	}
	if c := strings.ToUpper(strings.TrimSpace(q.Get("country"))); c != "" {
		if !haven.ValidCountry(c) {
			p.invalid("country", "err.country_format")
		} else {
			d.Country = c
		}
		f.Country = c
	}
	if id := haven.ID(q.Get("partner")); id != "" {
		if !slices.ContainsFunc(d.Partners, func(o *haven.Organisation) bool { return o.ID == id }) {
			p.invalid("partner", "err.choose_partner")
		} else {
			d.Shown = append(d.Shown, p.tf("queue.shown_partner", p.OrgName(id)))
		}
		f.ReferringOrgID = id
	}
	switch q.Get("safety") {
	case "":
	case "yes":
		f.SafetyConcern = true
	default:
		p.invalid("safety", "err.choose_safety")
	}
	// The visa office's alone: the app refuses anyone else (403).
	switch q.Get("duplicates") {
	case "":
	case "yes":
		f.PossibleDuplicate = true
	default:
		p.invalid("duplicates", "err.choose_safety")
	}
	if st := q.Get("sort"); st != "" {
		var err error
		if f.Sort, err = haven.ParseCaseSort(st); err != nil {
			p.invalid("sort", "err.choose_sort")
		}
	}
	switch q.Get("dir") {
	case "", "asc":
	case "desc":
		f.Desc = true
	default:
		p.invalid("sort", "err.choose_sort")
	}
	d.Sort, d.Desc = f.Sort, f.Desc
	// Pages go by cursor; from only numbers the first case shown.
	from = 1
	if f.After = q.Get("after"); f.After != "" {
		if n, err := strconv.Atoi(q.Get("from")); err == nil && n > 1 {
			from = n
		}
	}
	return f, d, from
}

// rows sets d's rows of cases, and which columns they fill, for v on
// today.
func (d *casesData) rows(v *viewer, cases []*haven.Case, today haven.Date) {
	for _, c := range cases {
		row := queueRow{Case: c, Holders: v.orgNames(c.CheckHolders)}
		if pr := c.Principal(); pr != nil {
			row.Name = strings.TrimSpace(pr.GivenNames + " " + pr.FamilyName)
		}
		if days, ok := c.CaseClock.DaysLeft(today); ok {
			row.HasDue, row.DaysLeft, row.Due = true, days, c.Due(today)
			row.Interview = row.Due == c.NextDue
			if days < 0 {
				row.Overdue = -days
			}
		}
		if c.Travel != nil && c.State == haven.StateTravelBooked {
			row.Arriving = c.Travel.Date
		}
		d.Names, d.Numbers = d.Names || row.Name != "", d.Numbers || c.UNHCRNumber != ""
		d.Arrivals = d.Arrivals || !row.Arriving.IsZero()
		d.Cases = append(d.Cases, row)
	}
}

// handleCases lists the cases the viewer may see, in the app's work-queue
// order: the visa office's queue, filtered by state, priority, nationality
// and referring partner; a settlement organisation's families placed with
// it; a partner's own referrals.
func (s *server) handleCases(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.newPage(w, r, v)
	p.Protected = true
	q := r.URL.Query()
	f, d, from := s.queueQuery(p, v, q)
	p.Data = d
	if p.Failed() {
		s.render(w, r, http.StatusBadRequest, "cases", p)
		return
	}
	page, err := s.cases.FindCasePage(r.Context(), v.Actor, f)
	if haven.ErrorCodeOf(err) == haven.EINVALID {
		p.fail(err, queueLabels, map[string]string{"referring_org_id": "partner"})
		s.render(w, r, http.StatusBadRequest, "cases", p)
		return
	} else if err != nil {
		s.fail(w, r, v, err)
		return
	}
	cases, total := page.Cases, page.Total
	d.Total, d.More = total, page.More
	d.rows(v, cases, haven.DateOf(s.clock.Now()))
	if len(cases) > 0 {
		d.From, d.To = from, from+len(cases)-1
	}
	// link is the list with its filters, in the order sort (the other way
	// with desc), from the cursor after.
	link := func(sort haven.CaseSort, desc bool, after string, from int) string {
		lq := url.Values{}
		for _, k := range queueFilters {
			for _, v := range q[k] {
				if v != "" {
					lq.Add(k, v)
				}
			}
		}
		if sort != haven.SortQueue {
			lq.Set("sort", string(sort))
		}
		if desc {
			lq.Set("dir", "desc")
		}
		if after != "" {
			lq.Set("after", after)
			lq.Set("from", strconv.Itoa(from))
		}
		if len(lq) == 0 {
			return "/cases"
		}
		return "/cases?" + lq.Encode()
	}
	if f.After != "" {
		d.First = link(f.Sort, f.Desc, "", 0)
	}
	if page.Next != "" {
		d.Next = link(f.Sort, f.Desc, page.Next, from+len(cases))
	}
	// The export: the same list, every page of it.
	d.Export = "/cases.csv" + strings.TrimPrefix(link(f.Sort, f.Desc, "", 0), "/cases")
	d.Sorts = map[string]string{}
	for _, st := range haven.CaseSorts {
		d.Sorts[string(st)] = link(st, st == f.Sort && !f.Desc, "", 0)
	}
	d.Referral = slices.ContainsFunc(cases, func(c *haven.Case) bool { return c.ProcessingPriority != "" })
	d.Due = d.Referral
	s.render(w, r, http.StatusOK, "cases", p)
}

// queueLabels are the work queue's filters and their labels.
var queueLabels = map[string]string{"state": "queue.filter_state", "overdue": "queue.filter_overdue", "sort": "queue.sort", "after": "queue.pages", "priority": "queue.filter_priority",
	"country": "queue.filter_country", "partner": "queue.filter_partner", "due_within": "queue.filter_due_within", "turn": "queue.filter_turn",
	"checks_with": "queue.filter_checks_with", "follow_ups": "queue.filter_follow_ups"}

// caseData is what the case page shows, beside the case itself.
type caseData struct {
	Case *haven.Case
	// HasDue says the case's next step has a day it is due (Due: the
	// interview's, or the stage's deadline; Interview says which);
	// DaysLeft counts the days to it on the app's clock, Overdue the days
	// past it.
	HasDue            bool
	Due               haven.Date
	Interview         bool
	DaysLeft, Overdue int
	// Acts are the action forms the page offers the viewer now.
	Acts map[string]bool
	// Identity, Contact and Family say which columns of the family table
	// the viewer's view fills.
	Identity, Contact, Family bool
	// Confidential lists the members with confidential notes.
	Confidential []*haven.Member
	// Settlers are the settlement organisations a case may be placed with.
	Settlers []*haven.Organisation
	// Travellers counts the persons who travel: those the cap counts.
	Travellers int
	Grounds    []haven.Ground
	// NextYear is the later admission year an approval may choose; the
	// default is the year of approval, which the app fixes.
	NextYear int
	// Emergency says the case may take the emergency track.
	Emergency bool
	// Panel is the status panel the page leads with.
	Panel casePanel
	// Outstanding are the travellers' checks, member by member, with the
	// partners assigned: the visa office's alone (it knows the
	// assignments), during admissibility.
	Outstanding []memberChecks
	// Requests are the requests for information, each with its answer,
	// in order; Notes the case's other notes (holds, withdrawals). Both
	// are of the notes the viewer's view holds.
	Requests []infoRequest
	Notes    []*haven.CaseNote
	// Timeline is the page of the case's timeline shown, where the
	// viewer's view holds it; TimelinePaged says it is not the latest.
	Timeline      *haven.Timeline
	TimelinePaged bool
}

// infoRequest is one request for information and its answer, if any.
type infoRequest struct {
	Asked, Answer *haven.CaseNote
	// ToResume says the request is the open one and is answered: the
	// visa office resumes the case.
	ToResume bool
}

// requestsOf pairs the requests for information of c's notes with their
// answers, in order, and returns the other notes apart. An answer answers
// the request before it (the app takes one answer per request).
func requestsOf(c *haven.Case) (reqs []infoRequest, others []*haven.CaseNote) {
	for _, n := range c.Notes {
		switch n.Event {
		case haven.EventRequestInfo:
			reqs = append(reqs, infoRequest{Asked: n})
		case haven.EventAnswerInfo:
			if k := len(reqs); k > 0 && reqs[k-1].Answer == nil {
				reqs[k-1].Answer = n
			}
		default:
			others = append(others, n)
		}
	}
	if k := len(reqs); k > 0 && c.State == haven.StateInfoRequested && reqs[k-1].Answer != nil {
		reqs[k-1].ToResume = true
	}
	return reqs, others
}

// casePanel is the case page's status panel: what moves the case forward
// now, who holds it, and the act the viewer may take for it.
type casePanel struct {
	Next haven.NextStep
	// Holders are the partners holding the outstanding checks (the case's
	// CheckHolders), by name, when the viewer knows the assignments.
	Holders []string
	// Primary is the action form of the next step when the viewer is
	// offered it; Post says it takes no input (a button posts it), Link
	// is where its form is otherwise.
	Primary string
	Post    bool
	// Label is the catalogue key of the primary button: the act's own
	// words where the act has a button elsewhere too, so that one act reads
	// the same wherever it is offered.
	Label string
	Link  string
}

// memberChecks are one member's checks, kind by kind.
type memberChecks struct {
	Member *haven.Member
	Rows   []checkRow
}

// checkRow is one check of a member: the partners assigned to it, by
// name, and its latest result ("" while outstanding).
type checkRow struct {
	Kind     haven.CheckKind
	Partners []string
	Result   haven.CheckResult
}

// panelActs are the next steps the panel posts with a button; the others
// have a form of their own on the page or a page of their own.
var panelActs = map[haven.NextStep]bool{
	haven.NextOpenFile: true, haven.NextStartEligibility: true, haven.NextStartAdmissibility: true,
	haven.NextConfirmAdmissible: true, haven.NextBeginSettlement: true, haven.NextClose: true, haven.NextResume: true,
}

// panelOf builds the status panel and the outstanding checks of d's case;
// orgName names organisations.
func (d *caseData) panelOf(orgName func([]haven.ID) []string) {
	c := d.Case
	d.Panel.Next = c.Next
	offered := d.Acts[string(c.Next)]
	switch c.Next {
	case haven.NextAwaitInfo:
		// The referring partner's own step: its answer, whose form is
		// with the request on the page.
		if c.Offer.Can(haven.EventAnswerInfo) {
			d.Panel.Primary, d.Panel.Label, d.Panel.Link = "answer_info", "partner.acts.answer_info", "#act-answer_info"
		}
	case haven.NextResume:
		offered = c.Offer.Can(haven.EventResume)
	case haven.NextAssignChecks:
		offered = c.Offer != nil && c.Offer.AssignChecks
	case haven.NextSplit:
		offered = c.Offer.Can(haven.EventSplit)
	}
	if offered {
		d.Panel.Primary, d.Panel.Post = string(c.Next), panelActs[c.Next]
		d.Panel.Label = "next." + string(c.Next)
		if _, ok := messagesEN["act."+string(c.Next)]; ok {
			d.Panel.Label = "act." + string(c.Next)
		}
		switch c.Next {
		case haven.NextApprove:
			d.Panel.Link = "/cases/" + string(c.ID) + "/approve"
		case haven.NextSplit:
			d.Panel.Link = "/cases/" + string(c.ID) + "/split"
		default:
			d.Panel.Link = "#act-" + string(c.Next)
		}
	}
	d.Panel.Holders = orgName(c.CheckHolders)
	if c.CheckAssignments == nil || c.Stage != haven.StageAdmissibility {
		return
	}
	for _, m := range c.Travellers() {
		mc := memberChecks{Member: m}
		for _, k := range haven.CheckKinds {
			row := checkRow{Kind: k}
			if ch := c.LatestCheck(m.ID, k); ch != nil {
				row.Result = ch.Result
			}
			for _, a := range c.CheckAssignments {
				if a.MemberID == m.ID && slices.Contains(a.Kinds, k) {
					row.Partners = append(row.Partners, orgName([]haven.ID{a.OrgID})...)
				}
			}
			mc.Rows = append(mc.Rows, row)
		}
		d.Outstanding = append(d.Outstanding, mc)
	}
}

// Holding names the partners holding the outstanding checks, joined.
func (p casePanel) Holding() string { return strings.Join(p.Holders, ", ") }

// orgNames names the organisations ids, each by its name (its ID when the
// viewer cannot list it), in the order of the names; nil for none.
func (v *viewer) orgNames(ids []haven.ID) []string {
	var out []string
	for _, id := range ids {
		name := string(id)
		if o, ok := v.orgs[id]; ok {
			name = o.Name
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// Act reports whether the page offers the action form name.
func (d *caseData) Act(name string) bool { return d.Acts[name] }

// AnyAct reports whether the page offers any action form.
func (d *caseData) AnyAct() bool {
	for name, on := range d.Acts {
		// The plan's forms are reached from the plan itself.
		if on && name != "plan" && name != "follow_up" && name != "answer_info" {
			return true
		}
	}
	return false
}

// Member returns the member with id, for the checks table.
func (d *caseData) Member(id haven.ID) *haven.Member { return d.Case.Member(id) }

// actsFor returns the action forms the case page offers on c: those of the
// acts the app offers the viewer now (c.Offer: the workflow's table and the
// access policies decide; the page only maps them to its forms).
func actsFor(c *haven.Case) map[string]bool {
	o := c.Offer
	acts := map[string]bool{
		"open_file":           o.Can(haven.EventOpenFile),
		"start_eligibility":   o.Can(haven.EventStartEligibility),
		"assessment":          o.Can(haven.EventFindEligible),
		"start_admissibility": o.Can(haven.EventStartAdmissibility),
		"confirm_admissible":  o.Can(haven.EventConfirmAdmissible),
		"approve":             o.Can(haven.EventApprove) || o.Can(haven.EventApproveEmergency),
		"refuse":              o.Can(haven.EventRefuse),
		"travel":              o.Can(haven.EventBookTravel),
		"change_travel":       o.Can(haven.EventChangeTravel),
		"arrival":             o.Can(haven.EventRecordArrival),
		"settlement":          o != nil && o.Place,
		"begin_settlement":    o.Can(haven.EventBeginSettlement),
		"close":               o.Can(haven.EventClose),
		// Its form is with the request it answers.
		"answer_info": o.Can(haven.EventAnswerInfo),
	}
	// The app says whether the viewer may change the plan now (the
	// policies decide); follow-ups begin once the family has arrived.
	acts["plan"] = c.Plan != nil && c.Plan.Writable
	acts["follow_up"] = acts["plan"] && c.Arrival != nil
	return acts
}

// caseLabels are the case page's form controls and their labels.
var caseLabels = map[string]string{
	"travel_date": "travel.date", "itinerary": "travel.itinerary", "transportation_loan": "travel.loan",
	"new_travel_date": "travel.new_date", "new_itinerary": "travel.new_itinerary",
	"arrival_date": "arrival.date", "port_of_entry": "arrival.port",
	"settlement_org_id": "settlement.org", "grounds": "assessment.grounds", "assessment_notes": "assessment.notes",
	"reasons": "refuse.reasons", "admission_year": "approve.year",
}

// loadCase fetches the case and builds the case page around it.
func (s *server) loadCase(ctx context.Context, v *viewer, id string) (*caseData, error) {
	c, err := s.cases.FindCaseByID(ctx, v.Actor, haven.ID(id))
	if err != nil {
		return nil, err
	}
	d := &caseData{Case: c, Acts: actsFor(c), Travellers: len(c.Travellers()), Grounds: haven.Grounds}
	for _, m := range c.Members {
		d.Identity = d.Identity || m.FamilyName != "" || m.GivenNames != "" || !m.DateOfBirth.IsZero()
		d.Contact = d.Contact || m.Contact != "" || m.Whereabouts != ""
		d.Family = d.Family || m.Relationship != ""
		if m.ConfidentialNotes != "" {
			d.Confidential = append(d.Confidential, m)
		}
	}
	if d.Acts["settlement"] {
		for _, o := range v.orgs {
			if o.Kind == haven.OrgSettlementOrganisation {
				d.Settlers = append(d.Settlers, o)
			}
		}
		slices.SortFunc(d.Settlers, func(a, b *haven.Organisation) int { return strings.Compare(a.Name, b.Name) })
	}
	d.Emergency = c.ProcessingPriority == haven.PriorityEmergency
	d.Requests, d.Notes = requestsOf(c)
	d.Timeline = c.Timeline
	d.panelOf(v.orgNames)
	today := haven.DateOf(s.clock.Now())
	if days, ok := c.CaseClock.DaysLeft(today); ok {
		d.DaysLeft, d.HasDue, d.Due = days, true, c.Due(today)
		d.Interview = d.Due == c.NextDue
		d.Overdue = -days
	}
	return d, nil
}

// Attending are the members who attend the case's interview, in the
// order given, each as the viewer's view holds them (by ID alone when the
// view does not hold the member).
func (d *caseData) Attending() []*haven.Member {
	iv := d.Case.Interview
	if iv == nil {
		return nil
	}
	var out []*haven.Member
	for _, id := range iv.Attending {
		m := d.Case.Member(id)
		if m == nil {
			m = &haven.Member{ID: id}
		}
		out = append(out, m)
	}
	return out
}

// doneKeys are the notices a case page shows after an act (?done=).
func doneKey(act string) string {
	for _, a := range caseActs {
		if a.name == act {
			return a.done
		}
	}
	return ""
}

// handleCase shows one case as the viewer's view has it.
func (s *server) handleCase(w http.ResponseWriter, r *http.Request, v *viewer) {
	d, err := s.loadCase(r.Context(), v, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	// An earlier page of the timeline, by its cursor; one that is not a
	// number shows the latest.
	if before, err := strconv.Atoi(r.URL.Query().Get("before")); err == nil && before > 0 && d.Timeline != nil {
		if d.Timeline, err = s.cases.FindCaseTimeline(r.Context(), v.Actor, d.Case.ID, before); err != nil {
			s.fail(w, r, v, err)
			return
		}
		d.TimelinePaged = true
	}
	p := s.newPage(w, r, v)
	p.Protected = true
	if k := doneKey(r.URL.Query().Get("done")); k != "" {
		p.Notice = p.t(k)
	}
	p.Data = d
	// Moving the interview starts from the interview as it stands.
	if iv := d.Case.Interview; iv != nil && d.Case.Offer.Can(haven.EventScheduleInterview) {
		f := p.Form
		f.Set("interview_date", iv.Date.String())
		f.Set("interview_time", iv.Time)
		f.Set("interview_zone", iv.Zone)
		f.Set("interview_place", iv.Place)
		f.Set("interview_link", iv.Link)
		f.Set("interview_language", iv.Language)
		if iv.Interpreter {
			f.Set("interpreter", "yes")
			f.Set("interpreter_language", iv.InterpreterLanguage)
		}
		for _, m := range iv.Attending {
			f.Add("attending", string(m))
		}
	}
	s.render(w, r, http.StatusOK, "case", p)
}

// formRefused answers a form the app refused (err nil: the page found the
// problems itself) with the status its page takes. When the refusal is
// not the form's (not found, forbidden, signed out, a failure) it answers
// the request itself and says done.
func (s *server) formRefused(w http.ResponseWriter, r *http.Request, v *viewer, err error) (status int, done bool) {
	if err == nil {
		return http.StatusBadRequest, false
	}
	status = statusOf(err)
	s.logRefused(r, status, haven.ErrorCodeOf(err), err)
	switch haven.ErrorCodeOf(err) {
	case haven.ENOTFOUND, haven.EFORBIDDEN, haven.EUNAUTHORIZED, haven.EINTERNAL, haven.EUNAVAILABLE:
		s.fail(w, r, v, err)
		return status, true
	}
	return status, false
}

// caseFailed shows the case page (or its confirmation page) again with
// what the user typed and the problems: those the page found in the form
// (pre), or err, the app's answer.
func (s *server) caseFailed(w http.ResponseWriter, r *http.Request, v *viewer, page string, err error, alias map[string]string, pre ...formProblem) {
	status, done := s.formRefused(w, r, v, err)
	if done {
		return
	}
	d, lerr := s.loadCase(r.Context(), v, r.PathValue("id"))
	if lerr != nil {
		s.fail(w, r, v, lerr)
		return
	}
	p := s.newPage(w, r, v)
	p.Protected = true
	p.Form = r.PostForm
	p.Data = d
	if page == "approve" {
		d.NextYear = s.nextYear(d.Case)
	}
	for _, fp := range pre {
		p.invalid(fp.field, fp.key, fp.args...)
	}
	if err != nil {
		p.fail(err, caseLabels, alias)
	}
	s.render(w, r, status, page, p)
}

// caseAct is an act on a case that takes no input.
type caseAct struct {
	name string // the action form, and the ?done= of its notice
	done string // the catalogue key of its notice
	do   func(Cases, context.Context, haven.Actor, haven.ID) (*haven.Case, error)
}

// The acts. Those with a form have their own handler; they are listed for
// their notices.
var (
	actOpenFile           = caseAct{"open_file", "done.open_file", Cases.OpenFile}
	actStartEligibility   = caseAct{"start_eligibility", "done.start_eligibility", Cases.StartEligibility}
	actStartAdmissibility = caseAct{"start_admissibility", "done.start_admissibility", Cases.StartAdmissibility}
	actConfirmAdmissible  = caseAct{"confirm_admissible", "done.confirm_admissible", Cases.ConfirmAdmissible}
	actBeginSettlement    = caseAct{"begin_settlement", "done.begin_settlement", Cases.BeginSettlement}
	actClose              = caseAct{"close", "done.close", Cases.Close}
	caseActs              = []caseAct{actOpenFile, actStartEligibility, actStartAdmissibility, actConfirmAdmissible, actBeginSettlement, actClose,
		{name: "assessment", done: "done.assessment"}, {name: "eligible", done: "done.eligible"},
		{name: "approve", done: "done.approve"}, {name: "refuse", done: "done.refuse"}, {name: "travel", done: "done.travel"},
		{name: "change_travel", done: "done.change_travel"},
		{name: "arrival", done: "done.arrival"}, {name: "settlement", done: "done.settlement"},
		{name: "milestone", done: "done.milestone"}, {name: "follow_up", done: "done.follow_up"}}
)

// done goes back to the case page with the act's notice (POST, redirect,
// GET: a reload does not repeat the act).
func done(w http.ResponseWriter, r *http.Request, act string) {
	http.Redirect(w, r, "/cases/"+url.PathEscape(r.PathValue("id"))+"?done="+act, http.StatusSeeOther)
}

// handleCaseEvent applies an act that takes no input.
func (s *server) handleCaseEvent(a caseAct) func(http.ResponseWriter, *http.Request, *viewer) {
	return func(w http.ResponseWriter, r *http.Request, v *viewer) {
		if _, err := a.do(s.cases, r.Context(), v.Actor, haven.ID(r.PathValue("id"))); err != nil {
			s.caseFailed(w, r, v, "case", err, nil)
			return
		}
		done(w, r, a.name)
	}
}

// handleAssessment records the Convention refugee assessment.
func (s *server) handleAssessment(w http.ResponseWriter, r *http.Request, v *viewer) {
	yes := func(name string) bool { return r.PostFormValue(name) == "yes" }
	as := &haven.EligibilityAssessment{OutsideCountry: yes("outside_country"), WellFoundedFear: yes("well_founded_fear"),
		NoInternalFlight: yes("no_internal_flight"), NoDurableSolution: yes("no_durable_solution"), Interviewed: yes("interviewed"),
		Notes: r.PostFormValue("assessment_notes")}
	for _, g := range r.PostForm["grounds"] {
		as.Grounds = append(as.Grounds, haven.Ground(g))
	}
	if _, err := s.cases.RecordAssessment(r.Context(), v.Actor, haven.ID(r.PathValue("id")), as); err != nil {
		s.caseFailed(w, r, v, "case", err, nil)
		return
	}
	if as.Eligible() {
		done(w, r, "eligible")
		return
	}
	done(w, r, "assessment")
}

// nextYear is the year after the year of approval, as far as the page can
// tell (the app keeps the clock): the later of the case's last change and
// today. The app refuses any year but this one and next.
func (s *server) nextYear(c *haven.Case) int {
	return max(c.UpdatedAt.Year(), s.clock.Now().UTC().Year()) + 1
}

// handleApproveForm is the confirmation page of an approval: it names what
// will happen before anything does.
func (s *server) handleApproveForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.confirmPage(w, r, v, "approve")
}

// handleRefuseForm is the confirmation page of a refusal, with the written
// reasons it requires.
func (s *server) handleRefuseForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.confirmPage(w, r, v, "refuse")
}

func (s *server) confirmPage(w http.ResponseWriter, r *http.Request, v *viewer, name string) {
	if v.Kind() != haven.OrgVisaOffice {
		s.fail(w, r, v, haven.Errorf(haven.EFORBIDDEN, "web.confirm", "your organisation may not do this"))
		return
	}
	d, err := s.loadCase(r.Context(), v, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p := s.newPage(w, r, v)
	p.Protected = true
	d.NextYear = s.nextYear(d.Case)
	p.Data = d
	s.render(w, r, http.StatusOK, name, p)
}

// handleApprove approves the case; the app reserves the places in the cap
// in the same transaction, or refuses when too few are left.
func (s *server) handleApprove(w http.ResponseWriter, r *http.Request, v *viewer) {
	in := haven.ApproveInput{Emergency: r.PostFormValue("emergency") == "yes"}
	if y := r.PostFormValue("admission_year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			s.caseFailed(w, r, v, "approve", nil, nil, formProblem{field: "admission_year", key: "err.year_format"})
			return
		}
		in.AdmissionYear = n
	}
	if _, err := s.cases.Approve(r.Context(), v.Actor, haven.ID(r.PathValue("id")), in); err != nil {
		s.caseFailed(w, r, v, "approve", err, nil)
		return
	}
	done(w, r, "approve")
}

// handleRefuse refuses the case with written reasons.
func (s *server) handleRefuse(w http.ResponseWriter, r *http.Request, v *viewer) {
	if _, err := s.cases.Refuse(r.Context(), v.Actor, haven.ID(r.PathValue("id")), r.PostFormValue("reasons")); err != nil {
		s.caseFailed(w, r, v, "refuse", err, nil)
		return
	}
	done(w, r, "refuse")
}

// handleTravel books the family's journey.
func (s *server) handleTravel(w http.ResponseWriter, r *http.Request, v *viewer) {
	t := &haven.Travel{Itinerary: r.PostFormValue("itinerary"), TransportationLoan: r.PostFormValue("transportation_loan") == "yes"}
	alias := map[string]string{"date": "travel_date"}
	if fp := parseDateField(r, "travel_date", &t.Date); fp != nil {
		// A date the page cannot read hides nothing else: the booking's
		// other problems are said with it.
		s.caseFailed(w, r, v, "case", t.Validate().Err("web.travel"), alias, fp...)
		return
	}
	if _, err := s.cases.BookTravel(r.Context(), v.Actor, haven.ID(r.PathValue("id")), t); err != nil {
		s.caseFailed(w, r, v, "case", err, alias)
		return
	}
	done(w, r, "travel")
}

// handleArrival records the family's arrival in Canada.
func (s *server) handleArrival(w http.ResponseWriter, r *http.Request, v *viewer) {
	ar := &haven.Arrival{PortOfEntry: r.PostFormValue("port_of_entry")}
	alias := map[string]string{"date": "arrival_date"}
	if fp := parseDateField(r, "arrival_date", &ar.Date); fp != nil {
		// A date the page cannot read hides nothing else: a wrong port of
		// entry is said with it.
		s.caseFailed(w, r, v, "case", ar.Validate().Err("web.arrival"), alias, fp...)
		return
	}
	if _, err := s.cases.RecordArrival(r.Context(), v.Actor, haven.ID(r.PathValue("id")), ar); err != nil {
		s.caseFailed(w, r, v, "case", err, alias)
		return
	}
	done(w, r, "arrival")
}

// handleAssignSettlement places the case with a settlement organisation.
func (s *server) handleAssignSettlement(w http.ResponseWriter, r *http.Request, v *viewer) {
	org := haven.ID(r.PostFormValue("settlement_org_id"))
	if _, err := s.cases.AssignSettlement(r.Context(), v.Actor, haven.ID(r.PathValue("id")), org); err != nil {
		s.caseFailed(w, r, v, "case", err, nil)
		return
	}
	done(w, r, "settlement")
}

// formProblem is a problem the page finds in a form before asking the app:
// the catalogue key of its message, and the message's arguments.
type formProblem struct {
	field, key string
	args       []any
}

// dateProblem is the problem of a date typed in field that ParseDate
// refused: what is wrong with it, in the page's words.
func dateProblem(field string, err error) formProblem {
	var de *haven.DateError
	if !errors.As(err, &de) {
		return formProblem{field: field, key: "err.date_format"}
	}
	switch de.Reason {
	case haven.DateNoSuchMonth:
		return formProblem{field: field, key: "err.date_month", args: []any{de.Month}}
	case haven.DateNoSuchDay:
		m := time.Month(de.Month)
		if m == time.February {
			return formProblem{field: field, key: "err.date_february", args: []any{de.Year, haven.DaysIn(de.Year, m)}}
		}
		return formProblem{field: field, key: "err.date_days", args: []any{monthKey(de.Month), haven.DaysIn(de.Year, m)}}
	}
	return formProblem{field: field, key: "err.date_format"}
}

// monthKey is a month's name, to be translated where it is shown.
type monthKey int

// parseDateField reads an ISO date from the form; a malformed one is a
// form problem. An empty one is left for the app to require.
func parseDateField(r *http.Request, name string, d *haven.Date) []formProblem {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return nil
	}
	got, err := haven.ParseDate(v)
	if err != nil {
		return []formProblem{dateProblem(name, err)}
	}
	*d = got
	return nil
}
