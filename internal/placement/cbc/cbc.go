// Package cbc runs the COIN-OR CBC solver (Debian package coinor-cbc) on
// a placement problem, as an independent check of package placement and
// an anchor for its timings.
package cbc

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/havenhrd/haven/internal/placement"
)

// Path is where cbc is on PATH, or "" when it is not installed.
func Path() string {
	p, err := exec.LookPath("cbc")
	if err != nil {
		return ""
	}
	return p
}

// Result is what CBC reports.
type Result struct {
	// Status is the first words of CBC's solution file ("Optimal", ...).
	Status    string
	Objective float64
	// Seconds is the wall-clock time of the cbc process, reading the file
	// included.
	Seconds float64
}

// Solve writes p as an LP file in dir and runs CBC on it with one thread
// and the relative gap target gap.
func Solve(ctx context.Context, p *placement.Problem, gap float64, dir string) (*Result, error) {
	bin := Path()
	if bin == "" {
		return nil, fmt.Errorf("cbc: not on PATH")
	}
	model := filepath.Join(dir, "placement.lp")
	sol := filepath.Join(dir, "placement.sol")
	f, err := os.Create(model)
	if err != nil {
		return nil, err
	}
	if err := placement.WriteLP(f, p); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	start := time.Now()
	cmd := exec.CommandContext(ctx, bin, model, "threads", "1", "ratioGap", strconv.FormatFloat(gap, 'g', -1, 64), "solve", "solution", sol)
	out, err := cmd.CombinedOutput()
	secs := time.Since(start).Seconds()
	if err != nil {
		return nil, fmt.Errorf("cbc: %w: %s", err, lastLines(string(out), 5))
	}
	r := &Result{Seconds: secs}
	fs, err := os.Open(sol)
	if err != nil {
		return nil, fmt.Errorf("cbc: no solution file: %w: %s", err, lastLines(string(out), 5))
	}
	defer fs.Close()
	sc := bufio.NewScanner(fs)
	if !sc.Scan() {
		return nil, fmt.Errorf("cbc: empty solution file")
	}
	// "Optimal - objective value 208.99..."
	head := sc.Text()
	k := strings.Index(head, "objective value")
	if k < 0 {
		return nil, fmt.Errorf("cbc: solution file starts %q", head)
	}
	r.Status = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(head[:k]), "-"))
	r.Objective, err = strconv.ParseFloat(strings.TrimSpace(head[k+len("objective value"):]), 64)
	if err != nil {
		return nil, fmt.Errorf("cbc: solution file starts %q", head)
	}
	return r, nil
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}
