package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/havenhrd/haven/internal/placement"
	"github.com/havenhrd/haven/internal/placement/cbc"
)

// cmdPlacement runs the settlement-matching optimiser: `haven placement
// bench`.
func cmdPlacement(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "bench" {
		return usagef("usage: haven placement bench (--hias DIR [--dims 1|3] | --generate N,M [--seed S]) [flags]")
	}
	fs := flag.NewFlagSet("placement bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	hias := fs.String("hias", "", "directory of the HIAS FY17 CSV files")
	dims := fs.Int("dims", 1, "HIAS capacity dimensions: 1 (persons) or 3 (children, adults, seniors)")
	generate := fs.String("generate", "", "N,M: a generated instance of N cases and M sites instead of HIAS")
	seed := fs.Uint64("seed", 1, "the generator's seed")
	gap := fs.Float64("gap", 1e-4, "the relative gap target")
	runs := fs.Int("runs", 1, "solves, one JSON line each")
	useCBC := fs.Bool("cbc", true, "also run cbc on the same model when it is on PATH")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	var p *placement.Problem
	var name string
	switch {
	case *generate != "" && *hias != "":
		return usagef("--hias and --generate: one or the other")
	case *generate != "":
		n, m, ok := strings.Cut(*generate, ",")
		nc, err1 := strconv.Atoi(strings.TrimSpace(n))
		ns, err2 := strconv.Atoi(strings.TrimSpace(m))
		if !ok || err1 != nil || err2 != nil || nc < 1 || ns < 1 {
			return usagef("--generate: N,M, two whole numbers above zero")
		}
		p = placement.Generate(nc, ns, *seed)
		name = fmt.Sprintf("generated-%d-%d-seed%d", nc, ns, *seed)
	case *hias != "":
		var err error
		if p, err = placement.ReadHIAS(os.DirFS(*hias), *dims); err != nil {
			return err
		}
		name = fmt.Sprintf("hias-fy17-%ddim", *dims)
	default:
		return usagef("--hias DIR or --generate N,M")
	}
	type line struct {
		Instance  string   `json:"instance"`
		Solver    string   `json:"solver"`
		Cases     int      `json:"cases"`
		Sites     int      `json:"sites"`
		Pairs     int      `json:"pairs"`
		Objective float64  `json:"objective"`
		Bound     *float64 `json:"bound,omitempty"`
		Gap       *float64 `json:"gap,omitempty"`
		Seconds   float64  `json:"seconds"`
		Nodes     *int     `json:"nodes,omitempty"`
		Remaining *int     `json:"remaining,omitempty"`
		Status    string   `json:"status,omitempty"`
	}
	enc := json.NewEncoder(stdout)
	for r := 0; r < *runs; r++ {
		start := time.Now()
		sol, err := placement.Solve(p, placement.Options{Gap: *gap})
		if err != nil {
			return err
		}
		secs := time.Since(start).Seconds()
		if err := enc.Encode(line{Instance: name, Solver: "haven", Cases: len(p.Cases), Sites: len(p.Sites), Pairs: len(p.Pairs),
			Objective: sol.Objective, Bound: &sol.Bound, Gap: &sol.Gap, Seconds: secs, Nodes: &sol.Nodes, Remaining: &sol.Remaining}); err != nil {
			return err
		}
	}
	if !*useCBC || cbc.Path() == "" {
		if *useCBC {
			fmt.Fprintln(stderr, "cbc is not on PATH (Debian package coinor-cbc): no anchor run")
		}
		return nil
	}
	dir, err := os.MkdirTemp("", "haven-placement-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	res, err := cbc.Solve(ctx, p, *gap, dir)
	if err != nil {
		return err
	}
	return enc.Encode(line{Instance: name, Solver: "cbc", Cases: len(p.Cases), Sites: len(p.Sites), Pairs: len(p.Pairs),
		Objective: res.Objective, Seconds: res.Seconds, Status: res.Status})
}
