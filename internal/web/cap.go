package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/havenhrd/haven"
)

// capData is what the cap page shows: the year's figures as a chart and,
// beside it, as a table of the same numbers; then the same by month, of
// the whole cap or of one partner, as a chart and a table.
type capData struct {
	Year    int
	Figures *haven.CapFigures
	Bars    []bar
	// Width and Height are the chart's size in SVG units.
	Width, Height int
	// Partners are the year's partners, by name, for the choice of whose
	// months to show.
	Partners []haven.ID
	// Months are the rows of the table by month, and MonthChart their chart.
	Months     []monthRow
	MonthChart monthChart
	// PartnerChart draws the partners' table.
	PartnerChart monthChart
	// MonthsOf names whose seats the months count: a partner or the whole cap.
	MonthsOf string
}

// bar is one bar of the chart.
type bar struct {
	Key   string // catalogue key of its label
	Value int
	Y     int // top of the bar
	W     int // length of the bar
	TextY int // baseline of its label
	Class string
}

// The chart's geometry, in SVG units: a label column, then the bars.
const (
	chartWidth = 640
	chartLabel = 160
	chartBarH  = 36
	chartGap   = 24
	chartRoom  = 90 // room after the longest bar for its number
)

// chart lays out the bars of reserved, arrived and remaining persons on
// the scale of the cap. Each bar carries its label and its number as text,
// so that nothing is told by colour alone.
func chart(f *haven.CapFigures) ([]bar, int) {
	rows := []struct {
		key, class string
		v          int
	}{{"cap.reserved", "bar-reserved", f.Reserved}, {"cap.arrived", "bar-arrived", f.Arrived}, {"cap.remaining", "bar-remaining", f.Remaining}}
	scale := f.Cap
	for _, r := range rows {
		scale = max(scale, r.v)
	}
	span := chartWidth - chartLabel - chartRoom
	out := make([]bar, len(rows))
	for i, r := range rows {
		w := 0
		if scale > 0 {
			w = r.v * span / scale
		}
		y := chartGap + i*(chartBarH+chartGap)
		out[i] = bar{Key: r.key, Value: r.v, Y: y, W: w, TextY: y + chartBarH/2 + 6, Class: r.class}
	}
	return out, chartGap + len(rows)*(chartBarH+chartGap)
}

// monthRow is one period of the table by month, with its label.
type monthRow struct {
	Label string
	haven.MonthFigures
}

// monthChart is the chart by month: for each period, a group of three
// bars (reserved, arrived and remaining at the month's end), each followed
// by its number and what it counts, in words.
type monthChart struct {
	Width, Height int
	// Scale is the number of persons a full-length bar stands for.
	Scale        int
	LabelX, BarX int
	BarH         int
	Groups       []monthGroup
}

// monthGroup is one period's bars and its label.
type monthGroup struct {
	Label string
	TextY int // baseline of the label
	Bars  []monthBar
}

// monthBar is one bar of a period.
type monthBar struct {
	Y, W  int
	TextX int
	TextY int
	Text  string
	Class string
}

// The chart by month's geometry, in SVG units.
const (
	monthLabelW   = 170 // the label column
	monthBarH     = 16
	monthBarGap   = 3
	monthGroupGap = 20
	monthRoom     = 160 // room after the longest bar for "493 remaining"
)

// months lays out the table and the chart by month. Bars are drawn to one
// scale, of the cap or the partner's allocation or the largest figure.
func months(p *page, year int, f *haven.CapFigures, limit int) ([]monthRow, monthChart) {
	rows := make([]monthRow, len(f.Months))
	for i, m := range f.Months {
		rows[i] = monthRow{Label: monthLabel(p, year, m.Month), MonthFigures: m}
	}
	groups := make([]figureGroup, len(rows))
	for i, r := range rows {
		groups[i] = figureGroup{r.Label, r.Reserved, r.Arrived, r.Remaining}
	}
	return rows, groupChart(p, groups, limit)
}

// figureGroup is one group of the grouped chart: a label and its reserved,
// arrived and remaining persons.
type figureGroup struct {
	Label                        string
	Reserved, Arrived, Remaining int
}

// groupChart lays out a group of three bars (reserved, arrived, remaining)
// per label, on one scale: limit, or the largest figure if larger. It draws
// the chart by month and the chart by partner.
func groupChart(p *page, groups []figureGroup, limit int) monthChart {
	scale := limit
	for _, g := range groups {
		scale = max(scale, g.Reserved, g.Arrived, g.Remaining)
	}
	c := monthChart{Width: chartWidth, LabelX: 0, BarX: monthLabelW, BarH: monthBarH, Scale: scale}
	span := chartWidth - monthLabelW - monthRoom
	length := func(v int) int {
		if scale <= 0 {
			return 0
		}
		return v * span / scale
	}
	y := monthGroupGap
	for _, r := range groups {
		g := monthGroup{Label: r.Label, TextY: y + (3*monthBarH+2*monthBarGap)/2 + 6}
		for _, b := range []struct {
			class, key string
			v          int
		}{{"bar-reserved", "cap.months_bar_reserved", r.Reserved}, {"bar-arrived", "cap.months_bar_arrived", r.Arrived},
			{"bar-remaining", "cap.months_bar_remaining", r.Remaining}} {
			w := length(b.v)
			g.Bars = append(g.Bars, monthBar{Y: y, W: w, TextX: monthLabelW + w + 6, TextY: y + monthBarH - 2, Text: p.tf(b.key, b.v), Class: b.class})
			y += monthBarH + monthBarGap
		}
		y += monthGroupGap - monthBarGap
		c.Groups = append(c.Groups, g)
	}
	c.Height = y
	return c
}

// partnerChart is the chart by partner, in the partners' table's order:
// each partner's reserved, arrived and remaining persons, on the scale of
// the cap.
func partnerChart(p *page, f *haven.CapFigures) monthChart {
	groups := make([]figureGroup, len(f.Partners))
	for i, pf := range f.Partners {
		groups[i] = figureGroup{p.OrgName(pf.OrgID), pf.Reserved, pf.Arrived, pf.Remaining}
	}
	return groupChart(p, groups, f.Cap)
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

// handleCap shows a year's cap: how many persons are reserved (approved,
// not yet arrived), arrived and still possible, by partner and by month,
// the months of the whole cap or of the partner the query names.
func (s *server) handleCap(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.newPage(w, r, v)
	q := r.URL.Query()
	year := s.clock.Now().UTC().Year()
	partner := haven.ID(strings.TrimSpace(q.Get("partner")))
	p.Form.Set("partner", string(partner))
	if y := strings.TrimSpace(q.Get("year")); y != "" {
		p.Form.Set("year", y)
		n, err := strconv.Atoi(y)
		if err != nil || n < 2021 || n > 2100 {
			p.invalid("year", "err.year_format")
			p.Data = &capData{}
			s.render(w, r, http.StatusBadRequest, "cap", p)
			return
		}
		year = n
	}
	p.Form.Set("year", strconv.Itoa(year))
	d := &capData{Year: year}
	p.Data = d
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
	d.Bars, d.Height = chart(f)
	d.Width = chartWidth
	for _, pf := range f.Partners {
		d.Partners = append(d.Partners, pf.OrgID)
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
	d.Months, d.MonthChart = months(p, year, f, limit)
	d.PartnerChart = partnerChart(p, f)
	s.render(w, r, status, "cap", p)
}
