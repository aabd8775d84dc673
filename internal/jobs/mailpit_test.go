package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/jobs"
	"github.com/havenhrd/haven/internal/mail"
	"github.com/havenhrd/haven/internal/testdb"
)

// mailpitBinary finds Mailpit: on PATH, or where go install puts it. With
// HAVEN_MAILPIT=1 (CI) a missing binary fails the test; otherwise it skips.
func mailpitBinary(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	var dirs []string
	if d := os.Getenv("GOBIN"); d != "" {
		dirs = append(dirs, d)
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		for _, d := range filepath.SplitList(strings.TrimSpace(string(out))) {
			dirs = append(dirs, filepath.Join(d, "bin"))
		}
	}
	for _, d := range dirs {
		if p := filepath.Join(d, "mailpit"); fileExists(p) {
			return p
		}
	}
	if os.Getenv("HAVEN_MAILPIT") == "1" {
		t.Fatal("HAVEN_MAILPIT=1 but no mailpit binary: go install github.com/axllent/mailpit@v1.33.1")
	}
	t.Skip("no mailpit binary (go install github.com/axllent/mailpit@v1.33.1, or set HAVEN_MAILPIT=1 to require it)")
	return ""
}

func fileExists(p string) bool { st, err := os.Stat(p); return err == nil && !st.IsDir() }

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// mailpit is a running Mailpit: its SMTP port and its HTTP API.
type mailpit struct {
	smtp int
	api  string
}

// startMailpit runs Mailpit on free loopback ports until the test ends. It
// accepts mail for example.org only: any other recipient is refused with a
// 5xx reply, a bounce.
func startMailpit(t *testing.T) *mailpit {
	bin := mailpitBinary(t)
	m := &mailpit{smtp: freePort(t)}
	web := freePort(t)
	m.api = fmt.Sprintf("http://127.0.0.1:%d", web)
	cmd := exec.Command(bin, "--smtp", fmt.Sprintf("127.0.0.1:%d", m.smtp), "--listen", fmt.Sprintf("127.0.0.1:%d", web),
		"--database", filepath.Join(t.TempDir(), "mailpit.db"), "--smtp-auth-accept-any", "--smtp-auth-allow-insecure",
		"--smtp-disable-rdns", "--smtp-allowed-recipients", `@example\.org$`)
	logPath := filepath.Join(t.TempDir(), "mailpit.log")
	log, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	eventually(t, 20*time.Second, "mailpit does not answer (its log: "+logPath+")", func() bool {
		r, err := http.Get(m.api + "/api/v1/info")
		if err != nil {
			return false
		}
		r.Body.Close()
		return r.StatusCode == 200
	})
	return m
}

// received are the messages Mailpit holds.
type received struct {
	ID      string
	Subject string
	To      []struct{ Address string }
	Text    string
	HTML    string
}

func (m *mailpit) messages(t *testing.T) []received {
	t.Helper()
	var list struct{ Messages []received }
	get(t, m.api+"/api/v1/messages", &list)
	for i := range list.Messages {
		var full received
		get(t, m.api+"/api/v1/message/"+list.Messages[i].ID, &full)
		list.Messages[i].Text, list.Messages[i].HTML = full.Text, full.HTML
	}
	return list.Messages
}

func get(t *testing.T, url string, v any) {
	t.Helper()
	r, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// flaky fails its first delivery to one address as a dropped connection
// would, then hands on to the real sender.
type flaky struct {
	mu     sync.Mutex
	to     string
	failed bool
	next   jobs.Mailer
}

func (f *flaky) Send(ctx context.Context, to, lang string) (string, bool, error) {
	f.mu.Lock()
	first := !f.failed && to == f.to
	f.failed = f.failed || first
	f.mu.Unlock()
	if first {
		return "connection", false, errors.New("connection reset")
	}
	return f.next.Send(ctx, to, lang)
}

// TestMailThroughMailpit: notices put mail in the outbox, and the jobs
// deliver it to a real SMTP server: once each, retried after a failure,
// each attempt recorded; a bounce is recorded failed and not retried; and
// what arrives names nothing but Haven and the link, in the reader's
// language.
func TestMailThroughMailpit(t *testing.T) {
	mp := startMailpit(t)
	db := testdb.OpenSQLite(t)
	ctx := context.Background()
	if _, err := jobs.MigrateSQLite(ctx, db.Writer()); err != nil {
		t.Fatal(err)
	}
	w := newWorld(t)
	a := w.newApp(t, db)
	w.seed(t, a)
	sup := w.supervisor(t, a)
	if err := a.Notices.SetPrefs(ctx, w.visa, &haven.NoticePrefs{Email: "visa@example.org", EmailOn: true, Lang: "fr"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Notices.SetPrefs(ctx, sup, &haven.NoticePrefs{Email: "sup@bounce.test", EmailOn: true, Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	sender, err := mail.New(mail.Config{Host: "127.0.0.1", Port: mp.smtp, Username: "haven", Password: "secret", From: "haven@example.org",
		TLS: "none", Origin: "https://haven.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := jobs.NewSQLite(db.Writer(), jobs.Config{Notices: a.Notices, Mailer: &flaky{to: "visa@example.org", next: sender}, Every: 200 * time.Millisecond, Poll: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer r.Stop(context.Background())
	c := w.refer(t, a)
	// Three days on: the warning and the breach to the caseworker, the
	// breach and the stalled emergency to the supervisor.
	w.clock.Add(3 * 24 * time.Hour)
	type outcome struct{ state, outcomes string }
	outcomes := func() map[string][]outcome {
		rows, err := db.Writer().QueryContext(ctx, `SELECT u.username, m.state, coalesce(group_concat(d.outcome || ':' || d.detail, ','), '')
			FROM mail_outbox m JOIN users u ON u.id = m.user_id LEFT JOIN mail_deliveries d ON d.outbox_id = m.id GROUP BY m.id ORDER BY m.id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string][]outcome{}
		for rows.Next() {
			var user string
			var o outcome
			if err := rows.Scan(&user, &o.state, &o.outcomes); err != nil {
				t.Fatal(err)
			}
			out[user] = append(out[user], o)
		}
		return out
	}
	end := time.Now().Add(59 * time.Second)
	eventually(t, 60*time.Second, "the mail was not all delivered or given up", func() bool {
		w.clock.Add(10 * time.Second) // the backoff after a failure is a minute on the app's clock
		if time.Now().After(end) {
			t.Logf("outbox %+v", outcomes())
			end = end.Add(time.Hour)
		}
		n := 0
		for _, os := range outcomes() {
			for _, o := range os {
				if o.state != "pending" {
					n++
				}
			}
		}
		return n == 4
	})
	got := outcomes()
	visa, bounced := got["visa-worker"], got["visa-sup"]
	attempts := 0
	for _, o := range visa {
		if o.state != "sent" {
			t.Fatalf("the caseworker's mail: %+v", visa)
		}
		attempts += strings.Count(o.outcomes, ":")
	}
	if len(visa) != 2 || attempts != 3 {
		t.Fatalf("the caseworker's mail, with one retry: %+v", visa)
	}
	for _, o := range bounced {
		if o.state != "failed" || !strings.HasPrefix(o.outcomes, "failed:5") || strings.Count(o.outcomes, ":") != 1 {
			t.Fatalf("the bounced mail: %+v", bounced)
		}
	}
	if len(bounced) != 2 {
		t.Fatalf("the supervisor's mail: %+v", bounced)
	}
	// The reconciler runs on: nothing is sent twice.
	time.Sleep(time.Second)
	msgs := mp.messages(t)
	if len(msgs) != 2 {
		t.Fatalf("Mailpit received %d messages", len(msgs))
	}
	for _, m := range msgs {
		body := m.Subject + m.Text + m.HTML
		if len(m.To) != 1 || m.To[0].Address != "visa@example.org" || !strings.Contains(m.Subject, "quelque chose demande votre attention") ||
			!strings.Contains(m.Text, "https://haven.example.org/notifications") {
			t.Fatalf("received %+v", m)
		}
		for _, leak := range []string{c.Reference, string(c.ID), "Family", "Given", "IR", "TR", "Iran", "Turquie", "urgence", "emergency"} {
			if strings.Contains(body, leak) {
				t.Fatalf("the mail says %q:\n%s", leak, body)
			}
		}
	}
}
