package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/havenhrd/haven"
)

// capData is what the cap page shows: the year's figures as a chart and,
// beside it, as a table of the same numbers.
type capData struct {
	Year    int
	Figures *haven.CapFigures
	Bars    []bar
	// Width and Height are the chart's size in SVG units.
	Width, Height int
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

// handleCap shows a year's cap: how many persons are reserved (approved,
// not yet arrived), arrived and still possible.
func (s *server) handleCap(w http.ResponseWriter, r *http.Request, v *viewer) {
	p := s.newPage(w, r, v)
	year := time.Now().UTC().Year()
	if y := strings.TrimSpace(r.URL.Query().Get("year")); y != "" {
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
	f, err := s.h.CapFigures(r.Context(), v.Actor, year)
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
	s.render(w, r, http.StatusOK, "cap", p)
}
