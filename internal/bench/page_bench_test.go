package bench

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/vault"
	"golang.org/x/mod/sumdb/note"
)

// BenchmarkQueueFirstPage asks for the visa office's first page of the
// work queue on a seed of `haven bench queue` (HAVEN_BENCH_DSN, its key
// file in HAVEN_BENCH_KEYS), one page an iteration: the app's own cost of
// a page, for a CPU profile or an instruction count of it alone
// (go test -bench QueueFirstPage -cpuprofile). Skipped without a seed.
func BenchmarkQueueFirstPage(b *testing.B) {
	dsn, keyFile := os.Getenv("HAVEN_BENCH_DSN"), os.Getenv("HAVEN_BENCH_KEYS")
	if dsn == "" || keyFile == "" {
		b.Skip("HAVEN_BENCH_DSN and HAVEN_BENCH_KEYS name a seed of haven bench queue")
	}
	ctx := context.Background()
	raw, err := os.ReadFile(keyFile)
	if err != nil {
		b.Fatal(err)
	}
	keys, err := vault.ParseKeyring(raw)
	if err != nil {
		b.Fatal(err)
	}
	t, err := open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer t.close()
	v, err := vault.New(keys)
	if err != nil {
		b.Fatal(err)
	}
	signer, err := note.NewSigner(keys.AuditKey)
	if err != nil {
		b.Fatal(err)
	}
	a := app.New(app.Config{Store: t.db, Vault: v, Clock: &clock{t: time.Now().UTC()}, AuditSigner: signer})
	who, err := findActors(ctx, a)
	if err != nil {
		b.Fatal(err)
	}
	page := func() {
		p, err := a.Cases.FindCasePage(ctx, who.visa, app.CaseFilter{Limit: listPage})
		if err != nil || len(p.Cases) != listPage {
			b.Fatalf("a page of %d cases: %v", len(p.Cases), err)
		}
	}
	page()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		page()
	}
}
