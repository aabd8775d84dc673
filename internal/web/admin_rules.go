package web

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/havenhrd/haven"
)

// Programme rules by year: the list of years, a year's rules, and the form
// that changes them, which always passes through a confirmation page that
// names every change before app.SetRules makes a new version.

// firstRulesYear is the year the stream opened: the first year with rules.
const firstRulesYear = 2021

// rulesSystemUser is the user ID the app gives the rules it seeded itself.
const rulesSystemUser = "system"

// rulesReferringKinds are the kinds of organisation the policy lets refer, the
// kinds the form offers (with any others the rules already name).
var rulesReferringKinds = []haven.OrgKind{haven.OrgReferralPartner, haven.OrgProtectionPartner}

// rulesLabels are the rules form's controls and their labels; the
// allocation and target fields are added per organisation and priority.
var rulesLabels = map[string]string{
	"cap": "admin.rules.cap", "referrer_kinds": "admin.rules.referrer_kinds", "referrers": "admin.rules.referrers",
	"allocations": "admin.rules.allocations", "target_days": "admin.rules.targets",
	"target_emergency": "priority.emergency", "target_urgent": "priority.urgent", "target_normal": "priority.normal",
	"handover_days": "admin.rules.handover", "stage_days": "admin.rules.stages",
}

// init adds the stage budget fields to rulesLabels and rulesAlias: a
// budget's own problem goes beside it, a sum past the emergency target
// beside the emergency's first budget.
func init() {
	for _, st := range haven.Stages {
		for _, pr := range haven.Priorities {
			id := rulesStageField(st, pr)
			rulesLabels[id] = "stage." + string(st)
			rulesAlias["stage_days."+string(st)+"."+string(pr)] = id
		}
	}
	rulesAlias["stage_days."+string(haven.PriorityEmergency)] = rulesStageField(haven.StageFile, haven.PriorityEmergency)
}

func rulesStageField(st haven.Stage, pr haven.Priority) string {
	return "stage_" + string(st) + "_" + string(pr)
}

// rulesAlias maps the app's field names to the form's control IDs.
var rulesAlias = map[string]string{
	"target_days.emergency": "target_emergency", "target_days.urgent": "target_urgent", "target_days.normal": "target_normal",
}

// rulesAt places the app's refusals that name no field beside the field
// they concern.
var rulesAt = map[string]string{"admin.err.cap_below": "cap", "admin.err.allocation_below": "allocations"}

// rulesNextYear is the last year the pages list: rules are set a year ahead.
func (s *server) rulesNextYear() int { return s.clock.Now().UTC().Year() + 1 }

// rulesYear reads the year of the path; ok is false for a year no rules
// can have.
func rulesYear(r *http.Request) (int, bool) {
	y, err := strconv.Atoi(r.PathValue("year"))
	return y, err == nil && y >= firstRulesYear && y <= 2100
}

// rulesListData is what the list of years shows.
type rulesListData struct {
	Years []*haven.ProgrammeRules
	// Missing are the years up to next year that have no rules yet.
	Missing []int
}

// handleAdminRules lists the years with rules, from 2021 to next year, and
// offers to set the rules of a year that has none.
func (s *server) handleAdminRules(w http.ResponseWriter, r *http.Request, v *viewer) {
	d := &rulesListData{}
	for y := firstRulesYear; y <= s.rulesNextYear(); y++ {
		rules, err := s.programme.FindRules(r.Context(), v.Actor, y)
		switch haven.ErrorCodeOf(err) {
		case "":
			d.Years = append(d.Years, rules)
		case haven.ENOTFOUND:
			d.Missing = append(d.Missing, y)
		default:
			s.fail(w, r, v, err)
			return
		}
	}
	slices.Reverse(d.Years) // the latest year first
	p := s.newPage(w, r, v)
	p.Data = d
	s.render(w, r, http.StatusOK, "admin_rules", p)
}

// rulesAllocation is one partner's allocation.
type rulesAllocation struct {
	OrgID   haven.ID
	Persons int
}

// rulesStage is the budgets of one stage, in the order of haven.Priorities.
type rulesStage struct {
	Stage haven.Stage
	Days  []int
}

// rulesTarget is the target days of one priority.
type rulesTarget struct {
	Priority haven.Priority
	Days     int
}

// rulesData is what a year's page shows.
type rulesData struct {
	Year  int
	Rules *haven.ProgrammeRules
	// Referrers are the organisations that may refer, sorted by name.
	Referrers   []haven.ID
	Allocations []rulesAllocation
	Targets     []rulesTarget
	Stages      []rulesStage
	// BySystem and ByYou name who changed the rules when it is not
	// another administrator (whose user ID the page shows).
	BySystem, ByYou bool
}

// newRulesData lays out rules for the year's page.
func newRulesData(p *page, v *viewer, year int, rules *haven.ProgrammeRules) *rulesData {
	d := &rulesData{Year: year, Rules: rules}
	if rules == nil {
		return d
	}
	d.Referrers = slices.Clone(rules.Referrers)
	byName := func(a, b haven.ID) int { return strings.Compare(p.OrgName(a), p.OrgName(b)) }
	slices.SortFunc(d.Referrers, byName)
	for _, id := range slices.SortedFunc(maps.Keys(rules.Allocations), byName) {
		d.Allocations = append(d.Allocations, rulesAllocation{OrgID: id, Persons: rules.Allocations[id]})
	}
	for _, pr := range haven.Priorities {
		if n, ok := rules.TargetDays[pr]; ok {
			d.Targets = append(d.Targets, rulesTarget{Priority: pr, Days: n})
		}
	}
	for _, st := range haven.Stages {
		row := rulesStage{Stage: st}
		for _, pr := range haven.Priorities {
			row.Days = append(row.Days, rules.StageDays[st][pr])
		}
		d.Stages = append(d.Stages, row)
	}
	d.BySystem = rules.ChangedBy == rulesSystemUser
	d.ByYou = rules.ChangedBy == v.Actor.UserID
	return d
}

// handleAdminRulesYear shows one year's rules: the cap, who may refer, the
// allocations, the target times, the version and who made it.
func (s *server) handleAdminRulesYear(w http.ResponseWriter, r *http.Request, v *viewer) {
	year, ok := rulesYear(r)
	if !ok {
		s.fail(w, r, v, haven.Errorf(haven.ENOTFOUND, "web.rules", "no such year"))
		return
	}
	rules, err := s.programme.FindRules(r.Context(), v.Actor, year)
	if err != nil && haven.ErrorCodeOf(err) != haven.ENOTFOUND {
		s.fail(w, r, v, err)
		return
	}
	p := s.newPage(w, r, v)
	if r.URL.Query().Get("saved") != "" && rules != nil {
		p.Notice = p.tf("admin.rules.saved", year, rules.Version)
	}
	p.Data = newRulesData(p, v, year, rules)
	s.render(w, r, http.StatusOK, "admin_rules_year", p)
}

// rulesForm is what the form and its confirmation page show.
type rulesForm struct {
	Year int
	// Version is the version the change was made against: 0 when the year
	// has no rules yet. The confirmation carries it, so that a change made
	// meanwhile by someone else is not overwritten unseen.
	Version int
	Kinds   []haven.OrgKind
	Orgs    []*haven.Organisation
	// Allocations and Targets are the form's number fields.
	Allocations, Targets []fieldView
	// Stages are the stage budgets' fields, one group per stage.
	Stages []rulesStageFields
	// Floor is the persons already approved or arrived in the year, the
	// lowest the cap can go; -1 when the year has no cap yet.
	Floor int
	// Changes and Hidden are the confirmation page's: what will change,
	// and the form's values carried to the final submission.
	Changes []rulesChange
	Hidden  []adminHidden
}

// rulesStageFields are one stage's budget fields, by priority.
type rulesStageFields struct {
	Stage  haven.Stage
	Fields []fieldView
}

// rulesChange is one line of the confirmation page.
type rulesChange struct{ What, Before, After string }

// adminHidden is one value a form carries unseen.
type adminHidden struct{ Name, Value string }

// rulesContext is what the form is built from: the year's current rules
// (nil when none), the organisations it offers and the year's figures.
type rulesContext struct {
	year    int
	current *haven.ProgrammeRules
	orgs    []*haven.Organisation
	kinds   []haven.OrgKind
	floors  map[haven.ID]int
	floor   int
}

// loadRules gathers what the form needs.
func (s *server) loadRules(ctx context.Context, v *viewer, year int) (*rulesContext, error) {
	rc := &rulesContext{year: year, floor: -1, floors: map[haven.ID]int{}}
	cur, err := s.programme.FindRules(ctx, v.Actor, year)
	switch haven.ErrorCodeOf(err) {
	case "":
		rc.current = cur
	case haven.ENOTFOUND:
	default:
		return nil, err
	}
	rc.kinds = slices.Clone(rulesReferringKinds)
	named := map[haven.ID]bool{}
	if cur != nil {
		for _, k := range cur.ReferrerKinds {
			if !slices.Contains(rc.kinds, k) {
				rc.kinds = append(rc.kinds, k)
			}
		}
		for _, id := range cur.Referrers {
			named[id] = true
		}
		for id := range cur.Allocations {
			named[id] = true
		}
	}
	for id, o := range v.orgs {
		if named[id] || slices.Contains(rulesReferringKinds, o.Kind) {
			rc.orgs = append(rc.orgs, o)
		}
	}
	slices.SortFunc(rc.orgs, func(a, b *haven.Organisation) int { return strings.Compare(a.Name, b.Name) })
	f, err := s.programme.CapFigures(ctx, v.Actor, year)
	switch haven.ErrorCodeOf(err) {
	case "":
		rc.floor = f.Reserved + f.Arrived
		for _, pf := range f.Partners {
			rc.floors[pf.OrgID] = pf.Reserved + pf.Arrived
		}
	case haven.ENOTFOUND:
	default:
		return nil, err
	}
	return rc, nil
}

// version is the current version, 0 when the year has none.
func (rc *rulesContext) version() int {
	if rc.current == nil {
		return 0
	}
	return rc.current.Version
}

// rulesStart is what a new form shows: the current rules, or for a year with
// none the rules of the year before (or Haven's defaults) to start from.
func (s *server) rulesStart(ctx context.Context, v *viewer, rc *rulesContext) *haven.ProgrammeRules {
	if rc.current != nil {
		return rc.current
	}
	if prev, err := s.programme.FindRules(ctx, v.Actor, rc.year-1); err == nil {
		r := *prev
		r.Year = rc.year
		return &r
	}
	return haven.DefaultRules(rc.year)
}

func rulesAllocField(id haven.ID) string        { return "alloc_" + string(id) }
func rulesTargetField(pr haven.Priority) string { return "target_" + string(pr) }

// rulesFormOf writes rules as the form's values.
func rulesFormOf(r *haven.ProgrammeRules) url.Values {
	f := url.Values{}
	f.Set("cap", strconv.Itoa(r.Cap))
	f.Set("handover_days", strconv.Itoa(r.HandoverDays))
	for _, k := range r.ReferrerKinds {
		f.Add("referrer_kinds", string(k))
	}
	for _, id := range r.Referrers {
		f.Add("referrers", string(id))
	}
	for id, n := range r.Allocations {
		f.Set(rulesAllocField(id), strconv.Itoa(n))
	}
	for pr, n := range r.TargetDays {
		f.Set(rulesTargetField(pr), strconv.Itoa(n))
	}
	for st, byPriority := range r.StageDays {
		for pr, n := range byPriority {
			f.Set(rulesStageField(st, pr), strconv.Itoa(n))
		}
	}
	return f
}

// adminNumber reads a whole number the form asks for; empty is allowed where
// optional. It records a problem beside the field otherwise: malformed
// says what the field takes (a catalogue key).
func adminNumber(p *page, form url.Values, id string, optional bool, malformed string) (int, bool) {
	s := strings.TrimSpace(form.Get(id))
	if s == "" {
		if !optional {
			p.invalid(id, "admin.err.number_required")
		}
		return 0, false
	}
	n, err := strconv.Atoi(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		p.invalid(id, malformed)
		return 0, false
	}
	return n, true
}

// parseRulesForm reads the form into rules for the year; the problems the
// page can see itself are recorded on p.
func parseRulesForm(p *page, rc *rulesContext, form url.Values) *haven.ProgrammeRules {
	r := &haven.ProgrammeRules{Year: rc.year, Allocations: map[haven.ID]int{}, TargetDays: map[haven.Priority]int{}}
	r.Cap, _ = adminNumber(p, form, "cap", false, "admin.err.cap_number")
	for _, k := range form["referrer_kinds"] {
		kind, err := haven.ParseOrgKind(k)
		if err != nil {
			p.invalid("referrer_kinds", "admin.err.kind_required")
			continue
		}
		r.ReferrerKinds = append(r.ReferrerKinds, kind)
	}
	for _, id := range form["referrers"] {
		r.Referrers = append(r.Referrers, haven.ID(id))
	}
	for _, o := range rc.orgs {
		if n, ok := adminNumber(p, form, rulesAllocField(o.ID), true, "admin.err.allocation_number"); ok {
			r.Allocations[o.ID] = n
		}
	}
	for _, pr := range haven.Priorities {
		if n, ok := adminNumber(p, form, rulesTargetField(pr), false, "admin.err.target_number"); ok {
			r.TargetDays[pr] = n
		}
	}
	r.StageDays = map[haven.Stage]map[haven.Priority]int{}
	for _, st := range haven.Stages {
		r.StageDays[st] = map[haven.Priority]int{}
		for _, pr := range haven.Priorities {
			if n, ok := adminNumber(p, form, rulesStageField(st, pr), false, "admin.err.stage_number"); ok {
				r.StageDays[st][pr] = n
			}
		}
	}
	r.HandoverDays, _ = adminNumber(p, form, "handover_days", false, "admin.err.handover_number")
	return r
}

// rulesProblems are the problems of next, as far as the form was read: the
// allocations' sum against a cap or an allocation the page could not read
// is left out. (An unread stage budget counts 0 and an unread target is
// absent, so the stages' sum never faults on them.)
func rulesProblems(p *page, rc *rulesContext, next *haven.ProgrammeRules) haven.Problems {
	allocsRead := !p.hasError("cap")
	for _, o := range rc.orgs {
		allocsRead = allocsRead && !p.hasError(rulesAllocField(o.ID))
	}
	var out haven.Problems
	for _, f := range next.Validate() {
		switch {
		case f.Field == "allocations" && f.Message == "the allocations add up to more than the cap" && !allocsRead:
		default:
			out = append(out, f)
		}
	}
	return out
}

// newRulesForm lays out the form over the values in p.Form.
func newRulesForm(p *page, rc *rulesContext) *rulesForm {
	d := &rulesForm{Year: rc.year, Version: rc.version(), Kinds: rc.kinds, Orgs: rc.orgs, Floor: rc.floor}
	for _, o := range rc.orgs {
		id := rulesAllocField(o.ID)
		f := fieldView{ID: id, Label: o.Name, Error: p.Err(id), Value: p.Val(id), Type: "text", Inputmode: "numeric", Width: "10",
			NoSpellcheck: true}
		if n := rc.floors[o.ID]; n > 0 {
			f.Hint = p.tf("admin.rules.allocation_floor", n)
		}
		d.Allocations = append(d.Allocations, f)
	}
	for _, pr := range haven.Priorities {
		id := rulesTargetField(pr)
		d.Targets = append(d.Targets, fieldView{ID: id, Label: p.t("priority." + string(pr)), Error: p.Err(id), Value: p.Val(id),
			Type: "text", Inputmode: "numeric", Width: "6", NoSpellcheck: true})
	}
	for _, st := range haven.Stages {
		g := rulesStageFields{Stage: st}
		for _, pr := range haven.Priorities {
			id := rulesStageField(st, pr)
			g.Fields = append(g.Fields, fieldView{ID: id, Label: p.t("priority." + string(pr)), Error: p.Err(id), Value: p.Val(id),
				Type: "text", Inputmode: "numeric", Width: "6", NoSpellcheck: true})
		}
		d.Stages = append(d.Stages, g)
	}
	return d
}

// handleAdminRulesForm shows the form that changes a year's rules, filled with
// the current rules.
func (s *server) handleAdminRulesForm(w http.ResponseWriter, r *http.Request, v *viewer) {
	year, ok := rulesYear(r)
	if !ok {
		s.fail(w, r, v, haven.Errorf(haven.ENOTFOUND, "web.rules", "no such year"))
		return
	}
	rc, err := s.loadRules(r.Context(), v, year)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p := s.newPage(w, r, v)
	p.Form = rulesFormOf(s.rulesStart(r.Context(), v, rc))
	p.Data = newRulesForm(p, rc)
	s.render(w, r, http.StatusOK, "admin_rules_change", p)
}

// rulesFormAgain shows the form again with what was typed and the problems.
func (s *server) rulesFormAgain(w http.ResponseWriter, r *http.Request, p *page, rc *rulesContext, status int) {
	p.Form = r.PostForm
	p.Data = newRulesForm(p, rc)
	s.render(w, r, status, "admin_rules_change", p)
}

// handleAdminRulesCheck reads the form and shows the confirmation page, which
// names every change; or the form again, with its problems, or when the
// user goes back from the confirmation to change more.
func (s *server) handleAdminRulesCheck(w http.ResponseWriter, r *http.Request, v *viewer) {
	year, ok := rulesYear(r)
	if !ok {
		s.fail(w, r, v, haven.Errorf(haven.ENOTFOUND, "web.rules", "no such year"))
		return
	}
	rc, err := s.loadRules(r.Context(), v, year)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p := s.adminPage(w, r, v, "/admin/rules/"+strconv.Itoa(year)+"/change")
	if r.PostFormValue("back") != "" {
		s.rulesFormAgain(w, r, p, rc, http.StatusOK)
		return
	}
	next := parseRulesForm(p, rc, r.PostForm)
	// A number the page could not read hides nothing else: the rules'
	// own problems are said with it, but for a sum one of whose terms is
	// unread (the page's 0 for it is not the user's word).
	if err := rulesProblems(p, rc, next).Err("web.rules"); err != nil {
		adminRecord(p, err, rulesLabels, rulesAlias, nil)
	}
	if p.Failed() {
		s.rulesFormAgain(w, r, p, rc, http.StatusBadRequest)
		return
	}
	changes := diffRules(p, rc.current, next)
	if len(changes) == 0 {
		p.Alert = p.t("admin.rules.unchanged")
		s.rulesFormAgain(w, r, p, rc, http.StatusBadRequest)
		return
	}
	d := newRulesForm(p, rc)
	d.Changes = changes
	form := rulesFormOf(next)
	for _, k := range slices.Sorted(maps.Keys(form)) {
		for _, val := range form[k] {
			d.Hidden = append(d.Hidden, adminHidden{Name: k, Value: val})
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "admin_rules_confirm", p)
}

// handleAdminRulesSave makes the confirmed rules the year's new version. The
// app refuses a cap or an allocation below the persons already approved
// or arrived; the form then shows its message and nothing has changed.
func (s *server) handleAdminRulesSave(w http.ResponseWriter, r *http.Request, v *viewer) {
	year, ok := rulesYear(r)
	if !ok {
		s.fail(w, r, v, haven.Errorf(haven.ENOTFOUND, "web.rules", "no such year"))
		return
	}
	rc, err := s.loadRules(r.Context(), v, year)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	p := s.adminPage(w, r, v, "/admin/rules/"+strconv.Itoa(year)+"/change")
	next := parseRulesForm(p, rc, r.PostForm)
	if p.Failed() {
		s.rulesFormAgain(w, r, p, rc, http.StatusBadRequest)
		return
	}
	// The change was confirmed against one version; the app refuses it,
	// in the same transaction as the write, if another has come since.
	base, err := strconv.Atoi(r.PostFormValue("version"))
	if err == nil {
		err = s.programme.SetRulesIfVersion(r.Context(), v.Actor, next, base)
	} else {
		err = haven.Errorf(haven.ECONFLICT, "web.rules", "the rules changed meanwhile")
	}
	if err != nil {
		if adminPageFails(err) || haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			s.fail(w, r, v, err)
			return
		}
		if haven.ErrorCodeOf(err) == haven.ECONFLICT && strings.HasPrefix(haven.ErrorMessageOf(err), "the rules of ") {
			s.logRefused(r, http.StatusConflict, haven.ECONFLICT, err)
			p.Alert = p.t("admin.rules.changed_meanwhile")
			if rc, err = s.loadRules(r.Context(), v, year); err != nil {
				s.fail(w, r, v, err)
				return
			}
			s.rulesFormAgain(w, r, p, rc, http.StatusConflict)
			return
		}
		s.logRefused(r, statusOf(err), haven.ErrorCodeOf(err), err)
		adminRecord(p, err, rulesLabels, rulesAlias, rulesAt)
		s.rulesFormAgain(w, r, p, rc, statusOf(err))
		return
	}
	http.Redirect(w, r, "/admin/rules/"+strconv.Itoa(year)+"?saved=1", http.StatusSeeOther)
}

// diffRules names what changes from cur (nil for a year without rules) to
// next, in the reader's language.
func diffRules(p *page, cur, next *haven.ProgrammeRules) []rulesChange {
	var out []rulesChange
	none := p.t("admin.rules.none")
	if cur == nil {
		cur = &haven.ProgrammeRules{Cap: -1}
	}
	persons := func(n int) string { return p.tf("admin.rules.persons", n) }
	if cur.Cap != next.Cap {
		before := none
		if cur.Cap >= 0 {
			before = persons(cur.Cap)
		}
		out = append(out, rulesChange{p.t("admin.rules.cap"), before, persons(next.Cap)})
	}
	yesno := func(b bool) string {
		if b {
			return p.t("admin.rules.may_refer")
		}
		return p.t("admin.rules.may_not_refer")
	}
	for _, k := range haven.OrgKinds {
		was, is := slices.Contains(cur.ReferrerKinds, k), slices.Contains(next.ReferrerKinds, k)
		if was != is {
			out = append(out, rulesChange{p.tf("admin.rules.change_kind", p.t("orgkind."+string(k))), yesno(was), yesno(is)})
		}
	}
	ids := map[haven.ID]bool{}
	for _, id := range append(slices.Clone(cur.Referrers), next.Referrers...) {
		ids[id] = true
	}
	byName := func(a, b haven.ID) int { return strings.Compare(p.OrgName(a), p.OrgName(b)) }
	for _, id := range slices.SortedFunc(maps.Keys(ids), byName) {
		was, is := slices.Contains(cur.Referrers, id), slices.Contains(next.Referrers, id)
		if was != is {
			out = append(out, rulesChange{p.tf("admin.rules.change_referrer", p.OrgName(id)), yesno(was), yesno(is)})
		}
	}
	ids = map[haven.ID]bool{}
	for id := range cur.Allocations {
		ids[id] = true
	}
	for id := range next.Allocations {
		ids[id] = true
	}
	for _, id := range slices.SortedFunc(maps.Keys(ids), byName) {
		was, wok := cur.Allocations[id]
		is, iok := next.Allocations[id]
		if was != is || wok != iok {
			before, after := none, none
			if wok {
				before = persons(was)
			}
			if iok {
				after = persons(is)
			}
			out = append(out, rulesChange{p.tf("admin.rules.change_allocation", p.OrgName(id)), before, after})
		}
	}
	for _, pr := range haven.Priorities {
		was, wok := cur.TargetDays[pr]
		is := next.TargetDays[pr]
		if was != is || !wok {
			before := none
			if wok {
				before = p.tf("admin.rules.days", was)
			}
			out = append(out, rulesChange{p.tf("admin.rules.change_target", p.t("priority."+string(pr))), before, p.tf("admin.rules.days", is)})
		}
	}
	for _, st := range haven.Stages {
		for _, pr := range haven.Priorities {
			was, wok := cur.StageDays[st][pr]
			is := next.StageDays[st][pr]
			if was != is || !wok {
				before := none
				if wok {
					before = p.tf("admin.rules.days", was)
				}
				out = append(out, rulesChange{p.tf("admin.rules.change_stage", p.t("stage."+string(st)), p.t("priority."+string(pr))), before, p.tf("admin.rules.days", is)})
			}
		}
	}
	// A year without rules has no handover time yet: it is always listed.
	if cur.Cap < 0 || cur.HandoverDays != next.HandoverDays {
		before := none
		if cur.Cap >= 0 {
			before = p.tf("admin.rules.days", cur.HandoverDays)
		}
		out = append(out, rulesChange{p.t("admin.rules.handover"), before, p.tf("admin.rules.days", next.HandoverDays)})
	}
	return out
}
