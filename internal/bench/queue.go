package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/mod/sumdb/note"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/postgres"
	"github.com/havenhrd/haven/internal/sqlite"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/vault"
)

// Config is one run of the queue benchmark on one database.
type Config struct {
	// DSN is a SQLite file path or a postgres:// URL; its database holds
	// this seed (Cases of them) or nothing.
	DSN string
	// Keys are the database's keys: the same on every run over one seed.
	Keys *vault.Keyring
	// Cases is how many cases the seed holds.
	Cases int
	// Today is the day the queue is read on (the seed's last year ends
	// there); zero takes the system clock's.
	Today time.Time
	// Iterations is how many times one client asks for each page.
	Iterations int
	// Clients ask at once for Duration, for each page.
	Clients  int
	Duration time.Duration
	// Log, when set, hears of the seed's progress.
	Log io.Writer
	// SeedOnly seeds an empty database and measures nothing.
	SeedOnly bool
}

// Stats are the latencies of one way of asking for one page.
type Stats struct {
	N             int
	P50, P95, P99 time.Duration
	// PerSecond is pages answered a second, all clients together.
	PerSecond float64
}

// Op is one page asked for, by the app and by the bare query.
type Op struct {
	Name    string
	Clients int
	// Rows is how many cases the app's page held.
	Rows      int
	App, Bare Stats
}

// Result is a run's figures.
type Result struct {
	Engine  string
	Cases   int
	Persons int
	Open    int
	// Seeded is how long the seed took, zero when it was already there.
	Seeded time.Duration
	Ops    []Op
}

// page is one way of asking for a page: through the app, and as the bare
// indexed query that reads the same rows (the cases, with the principal's
// sealed name) and nothing else.
type page struct {
	name string
	app  func(ctx context.Context) (int, error)
	bare func(ctx context.Context) error
}

// Run seeds the database if it is empty, then measures.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Today.IsZero() {
		cfg.Today = time.Now().UTC()
	}
	if cfg.Iterations <= 0 {
		cfg.Iterations = 200
	}
	if cfg.Clients <= 0 {
		cfg.Clients = 50
	}
	if cfg.Duration <= 0 {
		cfg.Duration = 5 * time.Second
	}
	t, err := open(ctx, cfg.DSN)
	if err != nil {
		return nil, err
	}
	defer t.close()
	v, err := vault.New(cfg.Keys)
	if err != nil {
		return nil, err
	}
	signer, err := note.NewSigner(cfg.Keys.AuditKey)
	if err != nil {
		return nil, err
	}
	clk := &clock{t: cfg.Today.AddDate(-1, 0, 0)}
	a := app.New(app.Config{Store: t.db, Vault: v, Clock: clk, AuditSigner: signer})
	res := &Result{Engine: t.engine, Cases: cfg.Cases}
	n, err := countCases(ctx, t.db)
	if err != nil {
		return nil, err
	}
	var who *actors
	switch {
	case n == 0:
		who, err = setUp(ctx, a, []int{cfg.Today.Year() - 1, cfg.Today.Year()})
		if err != nil {
			return nil, err
		}
		began := time.Now()
		err = seed(ctx, a, clk, who, cfg.Cases, cfg.Today, func(done int) {
			if cfg.Log != nil && (done%10000 == 0 || done == cfg.Cases) {
				fmt.Fprintf(cfg.Log, "seeded %d of %d cases in %s\n", done, cfg.Cases, time.Since(began).Round(time.Second))
			}
		})
		if err != nil {
			return nil, err
		}
		res.Seeded = time.Since(began)
		if err := t.analyze(ctx); err != nil {
			return nil, err
		}
	case n != cfg.Cases:
		return nil, fmt.Errorf("%w (it holds %d cases, the seed %d)", errNotSeeded, n, cfg.Cases)
	default:
		if who, err = findActors(ctx, a); err != nil {
			return nil, errNotSeeded
		}
	}
	clk.set(cfg.Today)
	if cfg.SeedOnly {
		return res, nil
	}
	if err := t.raw.QueryRowContext(ctx, `SELECT count(*) FROM members`).Scan(&res.Persons); err != nil {
		return nil, err
	}
	if err := t.raw.QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE queue_open = TRUE`).Scan(&res.Open); err != nil {
		return nil, err
	}
	pages, err := pagesOf(ctx, a, t, who, cfg.Cases)
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		rows, err := p.app(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.name, err)
		}
		for _, clients := range []int{1, cfg.Clients} {
			op := Op{Name: p.name, Clients: clients, Rows: rows}
			if op.App, err = measure(ctx, clients, cfg.Iterations, cfg.Duration, func(ctx context.Context) error { _, err := p.app(ctx); return err }); err != nil {
				return nil, fmt.Errorf("%s: %w", p.name, err)
			}
			if op.Bare, err = measure(ctx, clients, cfg.Iterations, cfg.Duration, p.bare); err != nil {
				return nil, fmt.Errorf("%s, bare: %w", p.name, err)
			}
			res.Ops = append(res.Ops, op)
		}
	}
	return res, nil
}

// measure runs f: Iterations times in a row for one client, or for
// Duration from each of clients at once.
func measure(ctx context.Context, clients, iterations int, d time.Duration, f func(context.Context) error) (Stats, error) {
	// Warm up: the first asks fill the caches both ways.
	for range 5 {
		if err := f(ctx); err != nil {
			return Stats{}, err
		}
	}
	var mu sync.Mutex
	var all []time.Duration
	var first error
	began := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for k := 0; ; k++ {
				if clients == 1 && k == iterations || clients > 1 && time.Since(began) >= d {
					break
				}
				t0 := time.Now()
				if err := f(ctx); err != nil {
					mu.Lock()
					first = cmpOr(first, err)
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if first != nil {
		return Stats{}, first
	}
	elapsed := time.Since(began)
	slices.Sort(all)
	at := func(q float64) time.Duration { return all[min(len(all)-1, int(q*float64(len(all))))] }
	return Stats{N: len(all), P50: at(0.50), P95: at(0.95), P99: at(0.99), PerSecond: float64(len(all)) / elapsed.Seconds()}, nil
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// listPage is the length of a page, as the case list shows.
const listPage = 50

// pagesOf returns the pages measured: the visa office's first page of the
// work queue, a page half way down it, a search by name and one by UNHCR
// case number; and UNHCR's first page of its own cases.
func pagesOf(ctx context.Context, a *app.App, t *target, who *actors, n int) ([]page, error) {
	first := func(actor haven.Actor, after string) func(context.Context) (int, error) {
		return func(ctx context.Context) (int, error) {
			p, err := a.Cases.FindCasePage(ctx, actor, app.CaseFilter{Limit: listPage, After: after})
			if err != nil {
				return 0, err
			}
			if len(p.Cases) != listPage {
				return 0, fmt.Errorf("a page of %d cases, want %d", len(p.Cases), listPage)
			}
			return len(p.Cases), nil
		}
	}
	order := `ORDER BY c.queue_rank, c.queue_due, c.referred_at, c.id LIMIT 51`
	// bareFound is the bare query of the cases a lookup finds (found_id),
	// read from the lookup first; bare, of the queue's order.
	bareFound := func(found, where string, args ...any) func(context.Context) error {
		from := `cases c`
		if found != "" {
			from = `(` + found + `) AS found CROSS JOIN cases c`
			where += ` AND c.id = found.found_id`
		}
		q := `SELECT ` + bareColumns + ` FROM ` + from + ` JOIN members m ON m.case_id = c.id AND m.relationship = 'principal'
			WHERE c.queue_open = TRUE AND ` + where + ` ` + order
		return func(ctx context.Context) error {
			n, err := t.rows(ctx, q, args...)
			if err == nil && n == 0 {
				err = errors.New("the bare query found nothing")
			}
			return err
		}
	}
	bare := func(where string, args ...any) func(context.Context) error { return bareFound("", where, args...) }
	// The deep page: walk half the open cases, page by page.
	var open int
	if err := t.raw.QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE queue_open = TRUE`).Scan(&open); err != nil {
		return nil, err
	}
	var cursor string
	var last *haven.Case
	for walked := 0; walked < open/2-listPage; walked += listPage {
		p, err := a.Cases.FindCasePage(ctx, who.visa, app.CaseFilter{Limit: listPage, After: cursor})
		if err != nil {
			return nil, err
		}
		cursor, last = p.Next, p.Cases[len(p.Cases)-1]
	}
	deepBare := bare("1=1")
	if last != nil {
		due := last.StageDue
		if due.IsZero() {
			due = store.NoDueLast
		}
		deepBare = bare(`(c.queue_rank, c.queue_due, c.referred_at, c.id) > ($1, $2, $3, $4)`,
			store.PriorityRank(last.ProcessingPriority), t.date(due), store.FormatTime(last.ReferredAt), string(last.ID))
	}
	// The searches: a case referred half way through the year, in an
	// open state (the queue's default).
	var id haven.ID
	var serial int
	for i := n / 2; i < n; i++ {
		p, err := a.Cases.FindCasePage(ctx, who.visa, app.CaseFilter{Search: Number(i), Limit: listPage})
		if err != nil {
			return nil, err
		}
		// A family of two or more: its second member's name is held once.
		if len(p.Cases) == 1 && p.Cases[0].DeclaredSize >= 2 {
			id, serial = p.Cases[0].ID, i
			break
		}
	}
	if id == "" {
		return nil, errors.New("no open case to search for")
	}
	family, given := Name(serial)
	var unhcrIndex []byte
	if err := t.raw.QueryRowContext(ctx, `SELECT unhcr_bidx FROM cases WHERE id = $1`, string(id)).Scan(&unhcrIndex); err != nil {
		return nil, err
	}
	// The bare name lookup: the postings of the name's two rarest tokens
	// (two pairs of its words, which cover all three), intersected, each
	// read in order from the token index: the fewest rows an index lookup
	// of the same name reads.
	bareName := func(rel haven.Relationship) (string, []any, error) {
		tokens, err := t.tokens(ctx, id, rel)
		if err != nil {
			return "", nil, err
		}
		sort.SliceStable(tokens, func(i, j int) bool { return tokens[i].postings < tokens[j].postings })
		tokens = tokens[:min(2, len(tokens))]
		args := make([]any, len(tokens))
		each := make([]string, len(tokens))
		for i, tok := range tokens {
			args[i], each[i] = tok.bidx, fmt.Sprintf(`SELECT member_id FROM member_name_tokens WHERE token_bidx = $%d`, i+1)
		}
		return `SELECT t.case_id AS found_id FROM member_name_tokens t WHERE t.token_bidx = $1 AND t.member_id IN (` + strings.Join(each, ` INTERSECT `) + `)`, args, nil
	}
	byName, args, err := bareName(haven.RelPrincipal)
	if err != nil {
		return nil, err
	}
	// The spouse's name holds the case's serial as a word (the seed's
	// other members are so named), so it is held once at any size: a
	// search whose answer does not grow with the database.
	onceName := family + " " + scripts[serial%len(scripts)].given[(serial+1)%10] + " " + fmt.Sprint(serial)
	byOnce, onceArgs, err := bareName(haven.RelSpouse)
	if err != nil {
		return nil, err
	}
	search := func(q string) func(context.Context) (int, error) {
		return func(ctx context.Context) (int, error) {
			p, err := a.Cases.FindCasePage(ctx, who.visa, app.CaseFilter{Search: q, Limit: listPage})
			if err != nil {
				return 0, err
			}
			if !slices.ContainsFunc(p.Cases, func(c *haven.Case) bool { return c.ID == id }) {
				return 0, fmt.Errorf("the search for case %d did not find it", serial)
			}
			return len(p.Cases), nil
		}
	}
	var unhcrOrg string
	if err := t.raw.QueryRowContext(ctx, `SELECT referring_org_id FROM cases WHERE id = $1`, string(id)).Scan(&unhcrOrg); err != nil {
		return nil, err
	}
	return []page{
		{"first page (visa office)", first(who.visa, ""), bare("1=1")},
		{"page half way down (visa office)", first(who.visa, cursor), deepBare},
		{"search by name (visa office)", search(family + " " + given), bareFound(byName, "1=1", args...)},
		{"search by a name held once (visa office)", search(onceName), bareFound(byOnce, "1=1", onceArgs...)},
		{"search by UNHCR number (visa office)", search(Number(serial)), bareFound(`SELECT id AS found_id FROM cases WHERE unhcr_bidx = $1`, "1=1", unhcrIndex)},
		{"first page (referral partner)", first(who.unhcr, ""), bare(`c.referring_org_id = $1`, unhcrOrg)},
	}, nil
}

// bareColumns are what a list reads of a case and its principal.
const bareColumns = `c.id, c.reference, c.unhcr_enc, c.referring_org_id, c.nomination_id, c.state, c.resume_state,
	c.submission_priority, c.processing_priority, c.primary_category, c.secondary_category, c.nationality_countries,
	c.asylum_country, c.declared_size, c.visa_kind, c.admission_year, c.settlement_org_id, c.referred_at, c.updated_at,
	c.version, c.target_date, c.stage, c.stage_since, c.stage_due, c.turn, c.waiting_since, m.id, m.family_name_enc, m.given_names_enc`

// target is the database measured: the store the app runs on, and a
// connection of its own for the bare queries.
type target struct {
	engine string
	db     interface {
		store.Store
		Migrate(context.Context) (int, error)
		Close() error
	}
	raw interface {
		QueryRowContext(ctx context.Context, q string, args ...any) scanner
	}
	rows    func(ctx context.Context, q string, args ...any) (int, error)
	date    func(haven.Date) any
	analyze func(ctx context.Context) error
	closers []func()
}

type scanner interface{ Scan(...any) error }

func (t *target) close() {
	for _, c := range t.closers {
		c()
	}
	t.db.Close()
}

// token is one blind index of a name and how many members hold it.
type token struct {
	bidx     []byte
	postings int
}

// tokens returns the blind indexes of the name of a case's member of the
// relationship (the first such, as the seed has one principal and one
// spouse) (its words and pairs of words), as its name search looks them
// up, each with its count of postings.
func (t *target) tokens(ctx context.Context, id haven.ID, relationship haven.Relationship) ([]token, error) {
	var out []token
	for i := 0; ; i++ {
		var tok token
		err := t.raw.QueryRowContext(ctx, `SELECT token_bidx FROM member_name_tokens n JOIN members m ON m.id = n.member_id
			WHERE m.case_id = $1 AND m.relationship = $2 ORDER BY token_bidx LIMIT 1 OFFSET `+fmt.Sprint(i), string(id), string(relationship)).Scan(&tok.bidx)
		if errors.Is(err, sql.ErrNoRows) || err != nil && strings.Contains(err.Error(), "no rows") {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		if err := t.raw.QueryRowContext(ctx, `SELECT count(*) FROM member_name_tokens WHERE token_bidx = $1`, tok.bidx).Scan(&tok.postings); err != nil {
			return nil, err
		}
		out = append(out, tok)
	}
}

// open opens the database for the app and for the bare queries, and
// migrates it.
func open(ctx context.Context, dsn string) (*target, error) {
	t := &target{}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db, err := postgres.Open(ctx, dsn)
		if err != nil {
			return nil, err
		}
		pool, err := pgxpool.New(ctx, dsn)
		if err != nil {
			db.Close()
			return nil, err
		}
		t.engine, t.db, t.closers = "postgres", db, []func(){pool.Close}
		t.raw = pgRaw{pool}
		t.rows = func(ctx context.Context, q string, args ...any) (int, error) {
			rows, err := pool.Query(ctx, q, args...)
			if err != nil {
				return 0, err
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				if _, err := rows.Values(); err != nil {
					return 0, err
				}
				n++
			}
			return n, rows.Err()
		}
		t.date = func(d haven.Date) any { return time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC) }
		// As autovacuum would in use: statistics, and the visibility map that
		// lets an index-only scan skip the table.
		t.analyze = func(ctx context.Context) error { _, err := pool.Exec(ctx, `VACUUM ANALYZE`); return err }
	} else {
		db, err := sqlite.Open(ctx, dsn)
		if err != nil {
			return nil, err
		}
		// The same settings as the app's readers (internal/sqlite).
		raw, err := sql.Open("sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
		if err != nil {
			db.Close()
			return nil, err
		}
		raw.SetMaxOpenConns(4)
		// Each bare query prepared once, as the app's statements are (and
		// as pgx does on PostgreSQL): SQLite would parse its text anew at
		// every run.
		var mu sync.Mutex
		prepared := map[string]*sql.Stmt{}
		t.engine, t.db, t.closers = "sqlite", db, []func(){func() {
			for _, st := range prepared {
				st.Close()
			}
			raw.Close()
		}}
		t.raw = sqlRaw{raw}
		t.rows = func(ctx context.Context, q string, args ...any) (int, error) {
			mu.Lock()
			st, ok := prepared[q]
			if !ok {
				var err error
				if st, err = raw.PrepareContext(ctx, q); err != nil {
					mu.Unlock()
					return 0, err
				}
				prepared[q] = st
			}
			mu.Unlock()
			rows, err := st.QueryContext(ctx, args...)
			if err != nil {
				return 0, err
			}
			defer rows.Close()
			cols, err := rows.Columns()
			if err != nil {
				return 0, err
			}
			vals := make([]any, len(cols))
			for i := range vals {
				vals[i] = new(any)
			}
			n := 0
			for rows.Next() {
				if err := rows.Scan(vals...); err != nil {
					return 0, err
				}
				n++
			}
			return n, rows.Err()
		}
		t.date = func(d haven.Date) any { return d.String() }
		// Haven does not ANALYZE a SQLite database: it plans without
		// statistics, as here.
		t.analyze = func(context.Context) error { return nil }
	}
	if _, err := t.db.Migrate(ctx); err != nil {
		t.close()
		return nil, err
	}
	return t, nil
}

type sqlRaw struct{ db *sql.DB }

func (r sqlRaw) QueryRowContext(ctx context.Context, q string, args ...any) scanner {
	return r.db.QueryRowContext(ctx, q, args...)
}

type pgRaw struct{ pool *pgxpool.Pool }

func (r pgRaw) QueryRowContext(ctx context.Context, q string, args ...any) scanner {
	return r.pool.QueryRow(ctx, q, args...)
}
