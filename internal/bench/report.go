package bench

import (
	"fmt"
	"io"
	"time"
)

// MinCases is the least a seed may hold for its pages to be full: the
// queue's deep page walks half the open cases.
const MinCases = 250

// ms formats d in milliseconds.
func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }

// Print writes a run's figures as a Markdown table: each page through the
// app and as the bare query, their p50 and p95, pages a second, and the
// ratio of the app's p95 to the bare query's.
func Print(w io.Writer, r *Result) {
	fmt.Fprintf(w, "\n%s: %d cases (%d persons, %d open)", r.Engine, r.Cases, r.Persons, r.Open)
	if r.Seeded > 0 {
		fmt.Fprintf(w, ", seeded through the app in %s", r.Seeded.Round(time.Second))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| page | clients | rows | app p50 ms | app p95 ms | app pages/s | bare p50 ms | bare p95 ms | bare pages/s | app p95 / bare p95 |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|")
	for _, o := range r.Ops {
		fmt.Fprintf(w, "| %s | %d | %d | %s | %s | %.0f | %s | %s | %.0f | %.1f |\n", o.Name, o.Clients, o.Rows,
			ms(o.App.P50), ms(o.App.P95), o.App.PerSecond, ms(o.Bare.P50), ms(o.Bare.P95), o.Bare.PerSecond,
			float64(o.App.P95)/float64(max(o.Bare.P95, 1)))
	}
}

// PrintScale writes, for each page, the app's p95 in the large run over
// its p95 in the small one.
func PrintScale(w io.Writer, small, large *Result) {
	fmt.Fprintf(w, "\n%s: p95 at %d cases over p95 at %d cases\n\n", large.Engine, large.Cases, small.Cases)
	fmt.Fprintln(w, "| page | clients | app | bare |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for i, o := range large.Ops {
		if i >= len(small.Ops) {
			break
		}
		s := small.Ops[i]
		fmt.Fprintf(w, "| %s | %d | %.2f | %.2f |\n", o.Name, o.Clients,
			float64(o.App.P95)/float64(max(s.App.P95, 1)), float64(o.Bare.P95)/float64(max(s.Bare.P95, 1)))
	}
}
