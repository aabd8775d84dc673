package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/havenhrd/haven"
)

// capData is what the cap page shows: the year's figures as one bar and,
// beside it, as a table of the same numbers; each partner's figures as a
// bar drawn to its own allocation; then the months, of the whole cap or of
// one partner, with the months in which nothing moved folded together.
type capData struct {
	Year int
	// Years are the years that have rules, the latest first: the years
	// the page offers.
	Years   []int
	Figures *haven.CapFigures
	// Bar is the year's one bar: reserved, arrived and remaining persons
	// on the scale of the cap.
	Bar stack
	// Partners are the year's partners, by name, for the choice of whose
	// months to show.
	Partners []haven.ID
	// PartnerBars are the partners' bars, in the partners' table's order.
	PartnerBars []partnerBar
	// Months are the periods of the table by month, a run of periods
	// without movement folded into one.
	Months []monthRow
	// MonthScale is the persons a full bar of the months stands for: the
	// cap, or the partner's allocation.
	MonthScale int
	// MonthsOf names whose seats the months count: a partner or the whole cap.
	MonthsOf string
}

// stack is one horizontal bar cut into segments (reserved, arrived,
// remaining), drawn to Scale persons. The segments' offsets and lengths are
// percentages of the bar, so that the bar takes the width of any screen
// while its words, outside the bar, keep the size of the text around them.
type stack struct {
	Scale    int
	Segments []segment
}

// segment is one part of a stack.
type segment struct {
	Class string
	Value int
	X, W  string // offset and length, as percentages
}

// newStack lays out reserved, arrived and remaining persons end to end on
// the scale of limit, or of their sum if larger (a partner without
// allocation past its share of the cap, a cap lowered below what it holds).
func newStack(limit, reserved, arrived, remaining int) stack {
	scale := max(limit, reserved+arrived+remaining)
	s := stack{Scale: scale}
	at := 0
	for _, v := range []struct {
		class string
		n     int
	}{{"bar-reserved", reserved}, {"bar-arrived", arrived}, {"bar-remaining", remaining}} {
		s.Segments = append(s.Segments, segment{Class: v.class, Value: v.n, X: percent(at, scale), W: percent(v.n, scale)})
		at += v.n
	}
	return s
}

// percent writes n of scale as a percentage with two decimals.
func percent(n, scale int) string {
	if scale <= 0 {
		return "0%"
	}
	return strconv.FormatFloat(float64(n)*100/float64(scale), 'f', 2, 64) + "%"
}

// partnerBar is one partner's bar, drawn to its allocation, or to the cap
// when it has none.
type partnerBar struct {
	haven.PartnerFigures
	Bar stack
}

// monthRow is one period of the months, or a run of periods in which
// nothing moved (Quiet), with its label and the figures at its end.
type monthRow struct {
	Label string
	Quiet bool
	haven.MonthFigures
	Bar stack
}

// moved reports whether any seat moved in the period.
func moved(m haven.MonthFigures) bool {
	return m.ReservedIn != 0 || m.ArrivedIn != 0 || m.ReleasedIn != 0
}

// months folds the periods in which nothing moved: a run of such months
// becomes one row, "March–July 2026", with the figures at the run's end
// (the same as at its start, since nothing moved). The periods before and
// after the year stand alone. The rows' bars are drawn to one scale: limit,
// or the largest row's persons if larger.
func months(p *page, year int, f *haven.CapFigures, limit int) (rows []monthRow, scale int) {
	ms := f.Months
	for i := 0; i < len(ms); i++ {
		m := ms[i]
		r := monthRow{Label: monthLabel(p, year, m.Month), MonthFigures: m, Quiet: !moved(m)}
		if r.Quiet && m.Month >= 1 && m.Month <= 12 {
			j := i
			for j+1 < len(ms) && ms[j+1].Month >= 1 && ms[j+1].Month <= 12 && !moved(ms[j+1]) {
				j++
			}
			if j > i {
				r.Label = monthRange(p, year, m.Month, ms[j].Month)
				r.MonthFigures = ms[j]
				i = j
			}
		}
		rows = append(rows, r)
	}
	// One scale for every row, so that the bars compare.
	scale = limit
	for _, r := range rows {
		scale = max(scale, r.Reserved+r.Arrived+r.Remaining)
	}
	for i, r := range rows {
		rows[i].Bar = newStack(scale, r.Reserved, r.Arrived, r.Remaining)
	}
	return rows, scale
}

// monthLabel names a period of the year: a month, or before or after it.
func monthLabel(p *page, year, month int) string {
	switch month {
	case haven.BeforeYear:
		return p.tf("cap.before_year", year)
	case haven.AfterYear:
		return p.tf("cap.after_year", year)
	}
	return p.tf("cap.month_year", p.t("month."+strconv.Itoa(month)), year)
}

// monthRange names a run of months of the year, "March–July 2026".
// French writes a month's name with a capital only at the head of a label.
func monthRange(p *page, year, from, to int) string {
	last := p.t("month." + strconv.Itoa(to))
	if p.Lang == "fr" {
		last = strings.ToLower(last)
	}
	return p.tf("cap.month_range", p.t("month."+strconv.Itoa(from)), last, year)
}

// ruleYears returns the years from the stream's first to next year that
// have rules, the latest first.
func (s *server) ruleYears(r *http.Request, v *viewer) ([]int, error) {
	var years []int
	for y := s.rulesNextYear(); y >= firstRulesYear; y-- {
		_, err := s.programme.FindRules(r.Context(), v.Actor, y)
		switch haven.ErrorCodeOf(err) {
		case "":
			years = append(years, y)
		case haven.ENOTFOUND:
		default:
			return nil, err
		}
	}
	return years, nil
}

// handleCap shows a year's cap: how many persons are reserved (approved,
// not yet arrived), arrived and still possible, by partner and by month,
// the months of the whole cap or of the partner the query names. The year
// is one of the years that have rules: this year's by default, or the
// latest before it.
func (s *server) handleCap(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.newPage(w, r, v)
	q := r.URL.Query()
	years, err := s.ruleYears(r, v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	year := s.clock.Now().UTC().Year()
	if i := slices.IndexFunc(years, func(y int) bool { return y <= year }); i >= 0 {
		year = years[i]
	} else if len(years) > 0 {
		year = years[len(years)-1]
	}
	partner := haven.ID(strings.TrimSpace(q.Get("partner")))
	p.Form.Set("partner", string(partner))
	d := &capData{Years: years}
	p.Data = d
	if y := strings.TrimSpace(q.Get("year")); y != "" {
		p.Form.Set("year", y)
		n, err := strconv.Atoi(y)
		if err != nil || !slices.Contains(years, n) {
			p.invalid("year", "err.choose_year")
			s.render(w, r, http.StatusBadRequest, "cap", p)
			return
		}
		year = n
	}
	p.Form.Set("year", strconv.Itoa(year))
	d.Year = year
	status := http.StatusOK
	f, err := s.programme.CapFiguresOf(r.Context(), v.Actor, year, partner)
	if haven.ErrorCodeOf(err) == haven.EINVALID && slices.ContainsFunc(haven.FieldsOf(err), func(f haven.FieldProblem) bool { return f.Field == "partner" }) {
		// Not one of the year's partners: say so beside the choice, and
		// show the whole cap with the partners there are to choose from.
		p.invalid("partner", "err.choose_partner")
		status = http.StatusBadRequest
		f, err = s.programme.CapFigures(r.Context(), v.Actor, year)
	}
	switch haven.ErrorCodeOf(err) {
	case "":
	case haven.ENOTFOUND:
		s.logRefused(r, http.StatusNotFound, haven.ENOTFOUND, err)
		p.Alert = p.tf("err.no_cap", year)
		s.render(w, r, http.StatusNotFound, "cap", p)
		return
	default:
		s.fail(w, r, v, err)
		return
	}
	d.Figures = f
	d.Bar = newStack(f.Cap, f.Reserved, f.Arrived, f.Remaining)
	for _, pf := range f.Partners {
		d.Partners = append(d.Partners, pf.OrgID)
		limit := pf.Allocation
		if limit == 0 {
			limit = f.Cap
		}
		d.PartnerBars = append(d.PartnerBars, partnerBar{PartnerFigures: pf, Bar: newStack(limit, pf.Reserved, pf.Arrived, pf.Remaining)})
	}
	slices.SortFunc(d.Partners, func(a, b haven.ID) int { return strings.Compare(p.OrgName(a), p.OrgName(b)) })
	limit := f.Cap
	d.MonthsOf = p.t("cap.whole_cap")
	if f.MonthsOf != "" {
		d.MonthsOf = p.OrgName(f.MonthsOf)
		for _, pf := range f.Partners {
			if pf.OrgID == f.MonthsOf && pf.Allocation > 0 {
				limit = pf.Allocation
			}
		}
	}
	d.Months, d.MonthScale = months(p, year, f, limit)
	s.render(w, r, status, "cap", p)
}
