package placement

import (
	"encoding/csv"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"strconv"
	"strings"
)

// ReadHIAS reads the HIAS fiscal-year-2017 placement instance (the CSV
// files FY17_size.csv, FY17_cap.csv, FY17_Compatibility.csv and
// FY17_Employment_weight.csv of Delacrétaz, Kominers and Teytelboym's
// data) from fsys. With dims 1 the one dimension is persons against each
// affiliate's stated capacity; with dims 3 the dimensions are children,
// adults and seniors against the affiliate's resettled counts per age
// class. The scores are the predicted employment; deferring costs 0.
func ReadHIAS(fsys fs.FS, dims int) (*Problem, error) {
	if dims != 1 && dims != 3 {
		return nil, fmt.Errorf("placement: HIAS: dims is 1 or 3, not %d", dims)
	}
	read := func(name string) ([][]string, error) {
		f, err := fsys.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r := csv.NewReader(f)
		rows, err := r.ReadAll()
		if err != nil {
			return nil, fmt.Errorf("placement: HIAS %s: %w", name, err)
		}
		if len(rows) < 2 {
			return nil, fmt.Errorf("placement: HIAS %s: no rows", name)
		}
		return rows, nil
	}
	sizes, err := read("FY17_size.csv")
	if err != nil {
		return nil, err
	}
	caps, err := read("FY17_cap.csv")
	if err != nil {
		return nil, err
	}
	compat, err := read("FY17_Compatibility.csv")
	if err != nil {
		return nil, err
	}
	weights, err := read("FY17_Employment_weight.csv")
	if err != nil {
		return nil, err
	}
	atoi := func(file, s string) (int, error) {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return 0, fmt.Errorf("placement: HIAS %s: %q is not a whole number", file, s)
		}
		return v, nil
	}
	p := &Problem{Dimensions: []string{"persons"}}
	if dims == 3 {
		p.Dimensions = []string{"children", "adults", "seniors"}
	}
	// The affiliates' names differ between the files in case, spaces and
	// one name (New York).
	key := func(s string) string {
		k := strings.ToUpper(strings.TrimSpace(s))
		if k == "NY-HIAS NEW YORK" {
			k = "NY-NEW YORK CITY"
		}
		return k
	}
	siteOf := map[string]int{}
	for _, row := range caps[1:] {
		if len(row) < 5 {
			return nil, fmt.Errorf("placement: HIAS FY17_cap.csv: a row of %d columns", len(row))
		}
		var c []int
		cols := []int{1}
		if dims == 3 {
			cols = []int{2, 3, 4}
		}
		for _, k := range cols {
			v, err := atoi("FY17_cap.csv", row[k])
			if err != nil {
				return nil, err
			}
			c = append(c, v)
		}
		siteOf[key(row[0])] = len(p.Sites)
		p.Sites = append(p.Sites, Site{ID: strings.TrimSpace(row[0]), Capacity: c})
	}
	for _, row := range sizes[1:] {
		if len(row) < 4 {
			return nil, fmt.Errorf("placement: HIAS FY17_size.csv: a row of %d columns", len(row))
		}
		var s []int
		total := 0
		for _, k := range []int{1, 2, 3} {
			v, err := atoi("FY17_size.csv", row[k])
			if err != nil {
				return nil, err
			}
			s = append(s, v)
			total += v
		}
		if dims == 1 {
			s = []int{total}
		}
		p.Cases = append(p.Cases, Case{ID: strings.TrimSpace(row[0]), Size: s})
	}
	header := func(file string, h []string) ([]int, error) {
		ix := make([]int, len(h))
		for k, name := range h[1:] {
			j, ok := siteOf[key(name)]
			if !ok {
				return nil, fmt.Errorf("placement: HIAS %s: affiliate %q is not in FY17_cap.csv", file, name)
			}
			ix[k+1] = j
		}
		return ix, nil
	}
	cix, err := header("FY17_Compatibility.csv", compat[0])
	if err != nil {
		return nil, err
	}
	wix, err := header("FY17_Employment_weight.csv", weights[0])
	if err != nil {
		return nil, err
	}
	if len(compat) != len(sizes) || len(weights) != len(sizes) {
		return nil, fmt.Errorf("placement: HIAS: the files have different numbers of cases")
	}
	for r := 1; r < len(sizes); r++ {
		id := p.Cases[r-1].ID
		if strings.TrimSpace(compat[r][0]) != id || strings.TrimSpace(weights[r][0]) != id {
			return nil, fmt.Errorf("placement: HIAS: row %d names different cases in different files", r+1)
		}
		w := make([]float64, len(p.Sites))
		ok := make([]bool, len(p.Sites))
		for k := 1; k < len(weights[r]); k++ {
			v, err := strconv.ParseFloat(strings.TrimSpace(weights[r][k]), 64)
			if err == nil {
				w[wix[k]], ok[wix[k]] = v, true
			}
		}
		compatible := make([]bool, len(p.Sites))
		for k := 1; k < len(compat[r]); k++ {
			compatible[cix[k]] = strings.TrimSpace(compat[r][k]) == "1"
		}
		for j := range p.Sites {
			if compatible[j] && ok[j] {
				p.Pairs = append(p.Pairs, Pair{Case: id, Site: p.Sites[j].ID, Score: w[j]})
			}
		}
	}
	return p, nil
}

// Generate makes an instance of n cases and m sites from seed, for
// measuring scale: family sizes 1 to 8 persons (most small), each case
// compatible with about a fifth of the sites, scores between 0 and 1
// that grow with the family's size, sites' capacities adding up to about
// 90% of the persons.
func Generate(n, m int, seed uint64) *Problem {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	p := &Problem{Dimensions: []string{"persons"}}
	persons := 0
	for i := 0; i < n; i++ {
		s := 1 + int(rng.ExpFloat64()*1.6)
		if s > 8 {
			s = 8
		}
		persons += s
		p.Cases = append(p.Cases, Case{ID: "c" + strconv.Itoa(i+1), Size: []int{s}})
	}
	share := make([]float64, m)
	total := 0.0
	for j := range share {
		share[j] = 0.2 + rng.Float64()
		total += share[j]
	}
	for j := 0; j < m; j++ {
		c := int(0.9 * float64(persons) * share[j] / total)
		p.Sites = append(p.Sites, Site{ID: "s" + strconv.Itoa(j+1), Capacity: []int{c}})
	}
	for i, c := range p.Cases {
		any := false
		for j, s := range p.Sites {
			if rng.Float64() < 0.2 || (!any && j == m-1) {
				any = true
				score := float64(c.Size[0]) * (0.2 + 0.6*rng.Float64()) / 4
				p.Pairs = append(p.Pairs, Pair{Case: c.ID, Site: s.ID, Score: score})
			}
		}
		_ = i
	}
	return p
}
