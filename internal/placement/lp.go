package placement

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// WriteLP writes p as an integer program in the LP file format (CPLEX's,
// read by CBC, GLPK and HiGHS), to cross-check Solve with another solver:
// a binary x_i_j per case i and option j (site index), a binary d_i per
// deferral, one assignment row per case, one capacity row per site and
// dimension. Fixed cases are x fixed at 1; vetoed and incompatible pairs
// have no variable. It returns an error wrapping ErrInput as Solve does.
func WriteLP(w io.Writer, p *Problem) error {
	m, err := build(p)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', 17, 64) }
	terms := 0
	term := func(coef float64, name string) {
		if terms > 0 && terms%8 == 0 {
			bw.WriteString("\n ")
		}
		terms++
		if coef >= 0 {
			fmt.Fprintf(bw, " + %s %s", num(coef), name)
		} else {
			fmt.Fprintf(bw, " - %s %s", num(-coef), name)
		}
	}
	x := func(i, j int) string { return "x_" + strconv.Itoa(i) + "_" + strconv.Itoa(j) }
	dv := func(i int) string { return "d_" + strconv.Itoa(i) }
	// sites[i] are the sites case i may take, fixed ones included.
	sites := make([][]int, len(m.opts))
	for i := range m.opts {
		if m.fixed[i] >= 0 {
			sites[i] = []int{m.fixed[i]}
			continue
		}
		for _, op := range m.opts[i] {
			sites[i] = append(sites[i], op.site)
		}
	}
	bw.WriteString("Maximize\n obj:")
	terms = 0
	for i := range sites {
		for _, j := range sites[i] {
			term(m.pairOf[i][j], x(i, j))
		}
		if m.defer_[i] != 0 {
			term(-m.defer_[i], dv(i))
		}
	}
	if terms == 0 {
		bw.WriteString(" 0 d_0")
	}
	bw.WriteString("\nSubject To\n")
	for i := range sites {
		fmt.Fprintf(bw, " a_%d:", i)
		terms = 0
		for _, j := range sites[i] {
			term(1, x(i, j))
		}
		term(1, dv(i))
		bw.WriteString(" = 1\n")
	}
	for j, s := range p.Sites {
		for d := range p.Dimensions {
			var cases []int
			for i := range sites {
				for _, k := range sites[i] {
					if k == j && m.size[i][d] != 0 {
						cases = append(cases, i)
					}
				}
			}
			if len(cases) == 0 {
				continue
			}
			fmt.Fprintf(bw, " c_%d_%d:", j, d)
			terms = 0
			for _, i := range cases {
				term(float64(m.size[i][d]), x(i, j))
			}
			bw.WriteString(" <= " + strconv.Itoa(s.Capacity[d]) + "\n")
		}
	}
	bw.WriteString("Bounds\n")
	for i := range sites {
		if m.fixed[i] >= 0 {
			fmt.Fprintf(bw, " %s = 1\n", x(i, m.fixed[i]))
			fmt.Fprintf(bw, " %s = 0\n", dv(i))
		}
	}
	bw.WriteString("Binary\n")
	for i := range sites {
		for _, j := range sites[i] {
			bw.WriteString(" " + x(i, j) + "\n")
		}
		bw.WriteString(" " + dv(i) + "\n")
	}
	bw.WriteString("End\n")
	return bw.Flush()
}
