package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven/internal/auth"
	"github.com/havenhrd/haven/internal/server"
)

func TestClientAddr(t *testing.T) {
	lo := server.Loopback
	two := mustPrefixes(t, "10.0.0.0/8, 192.168.1.5")
	v6 := mustPrefixes(t, "2001:db8:1::/48")
	tests := []struct {
		name    string
		peer    string
		xff     []string // one X-Forwarded-For header each
		trusted []netip.Prefix
		want    string
	}{
		{"no proxy trusted: the peer, XFF ignored", "203.0.113.7:5000", []string{"198.51.100.1"}, nil, "203.0.113.7"},
		{"untrusted peer: XFF ignored", "203.0.113.7:5000", []string{"198.51.100.1"}, lo, "203.0.113.7"},
		{"trusted peer, no XFF: the proxy itself", "127.0.0.1:5000", nil, lo, "127.0.0.1"},
		{"one proxy", "127.0.0.1:5000", []string{"198.51.100.1"}, lo, "198.51.100.1"},
		{"forged leftmost entries are never read", "127.0.0.1:5000", []string{"1.1.1.1, 2.2.2.2, 198.51.100.1"}, lo, "198.51.100.1"},
		{"forged loopback on the left: not the client", "127.0.0.1:5000", []string{"127.0.0.1, 198.51.100.1"}, lo, "198.51.100.1"},
		{"two proxies", "10.1.2.3:443", []string{"6.6.6.6, 198.51.100.9, 192.168.1.5"}, two, "198.51.100.9"},
		{"two proxies, two headers", "10.1.2.3:443", []string{"6.6.6.6", "198.51.100.9, 192.168.1.5"}, two, "198.51.100.9"},
		{"a proxy not in the list is the client", "10.1.2.3:443", []string{"198.51.100.9, 192.168.1.6"}, two, "192.168.1.6"},
		{"every hop trusted: the farthest", "10.1.2.3:443", []string{"10.9.9.9, 192.168.1.5"}, two, "10.9.9.9"},
		{"IPv6 peer and client", "[2001:db8:1::2]:443", []string{"2001:DB8:0:0::beef"}, v6, "2001:db8::beef"},
		{"IPv6 with a port in XFF", "[::1]:443", []string{"[2001:db8::7]:5555"}, lo, "2001:db8::7"},
		{"IPv4-mapped IPv6 is IPv4", "[::ffff:127.0.0.1]:80", []string{"::ffff:198.51.100.3"}, lo, "198.51.100.3"},
		{"zone dropped", "[fe80::1%eth0]:80", nil, nil, "fe80::1"},
		{"garbage entry: the proxy that passed it", "127.0.0.1:5000", []string{"not-an-address"}, lo, "127.0.0.1"},
		{"garbage left of the client: never reached", "127.0.0.1:5000", []string{"<script>, 198.51.100.1"}, lo, "198.51.100.1"},
		{"empty entry", "127.0.0.1:5000", []string{"198.51.100.1,"}, lo, "127.0.0.1"},
		{"garbage between proxies", "10.1.2.3:443", []string{"198.51.100.1, unknown, 10.0.0.9"}, two, "10.0.0.9"},
		{"empty header", "127.0.0.1:5000", []string{""}, lo, "127.0.0.1"},
		{"peer without a port", "198.51.100.4", nil, nil, "198.51.100.4"},
		{"peer not an address: as given", "@unix", []string{"198.51.100.1"}, lo, "@unix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.peer
			for _, h := range tt.xff {
				r.Header.Add("X-Forwarded-For", h)
			}
			if got := server.ClientAddr(r, tt.trusted); got != tt.want {
				t.Errorf("ClientAddr(peer %s, XFF %q) = %q, want %q", tt.peer, tt.xff, got, tt.want)
			}
		})
	}
}

func TestParseTrustedProxies(t *testing.T) {
	got, err := server.ParseTrustedProxies(" 10.1.2.3/8 ,192.168.1.5,, ::1 ")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[10.0.0.0/8 192.168.1.5/32 ::1/128]" {
		t.Errorf("ParseTrustedProxies = %v", got)
	}
	for _, bad := range []string{"10.0.0.0/33", "localhost", "10.0.0.1:80", "fe80::1%eth0"} {
		if _, err := server.ParseTrustedProxies(bad); err == nil {
			t.Errorf("ParseTrustedProxies(%q) accepted it", bad)
		}
	}
}

func mustPrefixes(t *testing.T, s string) []netip.Prefix {
	t.Helper()
	p, err := server.ParseTrustedProxies(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLimitsBehindTrustedProxy runs the sign-in limits' scenario with
// Haven behind a trusted proxy on this machine, the test's own client
// playing it: every request comes from loopback, and X-Forwarded-For says
// whose it is.
func TestLimitsBehindTrustedProxy(t *testing.T) {
	f := newFixture(t)
	haven := httptest.NewServer(f.handler(t, server.Loopback))
	t.Cleanup(haven.Close)
	limitsScenario(t, f, haven.URL, func(xff string) string { return xff })
}

// TestLimitsBehindNginx runs the scenario behind Debian's nginx, as the
// README recommends deploying Haven: nginx appends the peer it saw to the
// X-Forwarded-For the client sent. HAVEN_PROXY_TEST=1 makes a missing
// nginx a failure; without it the test skips.
func TestLimitsBehindNginx(t *testing.T) {
	bin := nginxBinary(t)
	f := newFixture(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	upstream := &httptest.Server{Listener: ln, Config: &http.Server{Handler: f.handler(t, server.Loopback)}}
	upstream.Start()
	t.Cleanup(upstream.Close)
	proxy := startNginx(t, bin, ln.Addr().String())
	// nginx connects from 127.0.0.1, which it appends after what the
	// client sent: that is what Haven reads, from the right.
	limitsScenario(t, f, proxy, func(xff string) string {
		if xff == "" {
			return "127.0.0.1"
		}
		return xff + ", 127.0.0.1"
	})
}

// handler is Haven's handler on the fixture's app, trusting proxies.
func (f *fixture) handler(t *testing.T, proxies []netip.Prefix) http.Handler {
	t.Helper()
	h, err := server.NewServer(slog.New(slog.NewJSONHandler(f.logs, nil)), server.Services{Health: f.app, Clock: f.app, Accounts: f.app.Accounts, Cases: f.app.Cases, Nominations: f.app.Nominations, Programme: f.app.Programme, Notices: f.app.Notices}, server.Config{Origin: origin, TrustedProxies: proxies})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// limitsScenario: one client fails sign-in 20 times, on the API and on the
// pages, and is refused with a Retry-After of the limit's real wait; a
// forged leftmost X-Forwarded-For entry does not free it; every other
// client, through the same proxy, still signs in. seen tells what Haven
// receives as X-Forwarded-For when the client sends xff, for the record.
func limitsScenario(t *testing.T, f *fixture, base string, seen func(xff string) string) {
	const attacker, other, third = "203.0.113.9", "198.51.100.2", "198.51.100.3"
	wait := strconv.Itoa(int(auth.AddressLimits().Window / time.Second)) // the first lockout
	api := func(xff, username, pw string) *http.Response {
		t.Helper()
		b, _ := json.Marshal(map[string]string{"username": username, "password": pw})
		req, _ := http.NewRequest("POST", base+"/api/v1/signin", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Origin", origin)
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		readAll(t, r)
		return r
	}
	max := auth.AddressLimits().Max
	for i := range max {
		// Unknown names, so that no account's own limit is reached.
		if r := api(attacker, fmt.Sprintf("nobody-%d", i), "a wrong but long password"); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, r.StatusCode)
		}
	}
	r := api(attacker, "nobody-else", "a wrong but long password")
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") != wait {
		t.Fatalf("after %d failures (X-Forwarded-For as received: %q): %d, Retry-After %q, want 429 and %s",
			max, seen(attacker), r.StatusCode, r.Header.Get("Retry-After"), wait)
	}
	// The leftmost entry is the client's to write: forging it changes nothing.
	if r := api("192.0.2.77, "+attacker, "nobody-else", "a wrong but long password"); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a forged leftmost entry (received as %q) escaped the limit: %d", seen("192.0.2.77, "+attacker), r.StatusCode)
	}
	// Another client, through the same proxy, gets past the password.
	if r := api(other, "karin", password); r.StatusCode != http.StatusOK {
		t.Fatalf("another client (received as %q) after the attacker's lockout: %d", seen(other), r.StatusCode)
	}
	// The pages count the same address: the attacker is refused there too,
	// with the same Retry-After, and others are not.
	pages := func(xff, username, pw string) *http.Response {
		t.Helper()
		jar := map[string]string{}
		req, _ := http.NewRequest("GET", base+"/signin", nil)
		req.Header.Set("X-Forwarded-For", xff)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, r)
		for _, c := range r.Cookies() { // Secure cookies: a jar would not send them over http
			jar[c.Name] = c.Value
		}
		m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no CSRF token on the sign-in page: %d", r.StatusCode)
		}
		form := url.Values{"csrf": {m[1]}, "username": {username}, "password": {pw}}
		req, _ = http.NewRequest("POST", base+"/signin", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Origin", origin)
		req.Header.Set("X-Forwarded-For", xff)
		for k, v := range jar {
			req.AddCookie(&http.Cookie{Name: k, Value: v})
		}
		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		r, err = noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		readAll(t, r)
		return r
	}
	if r := pages(attacker, "karin", password); r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") != wait {
		t.Fatalf("the attacker on the pages: %d, Retry-After %q, want 429 and %s", r.StatusCode, r.Header.Get("Retry-After"), wait)
	}
	// A client locked out on the pages alone.
	for i := range max {
		if r := pages(third, fmt.Sprintf("page-nobody-%d", i), "a wrong but long password"); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("page failure %d: %d", i+1, r.StatusCode)
		}
	}
	if r := pages(third, "nobody", "a wrong but long password"); r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") != wait {
		t.Fatalf("after %d failures on the pages: %d, Retry-After %q, want 429 and %s", max, r.StatusCode, r.Header.Get("Retry-After"), wait)
	}
	if r := api(third, "nobody", "a wrong but long password"); r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") != wait {
		t.Fatalf("locked on the pages, on the API: %d, Retry-After %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
	if r := pages(other, "karin", password); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/signin/factor" {
		t.Fatalf("another client on the pages: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	// No address reaches the log.
	for _, a := range []string{attacker, other, third, "192.0.2.77"} {
		if strings.Contains(f.logs.String(), a) {
			t.Fatalf("the log holds the address %s", a)
		}
	}
}

// nginxBinary finds nginx, or skips; with HAVEN_PROXY_TEST set it fails.
func nginxBinary(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if bin, err := exec.LookPath(p); err == nil {
			return bin
		}
	}
	if os.Getenv("HAVEN_PROXY_TEST") != "" {
		t.Fatal("HAVEN_PROXY_TEST is set and nginx is not installed (apt-get install nginx)")
	}
	t.Skip("nginx is not installed; set HAVEN_PROXY_TEST=1 to require it")
	return ""
}

// startNginx runs nginx in the foreground, a child of the test, with its
// own prefix and configuration in a temporary directory, proxying a
// loopback port to upstream. It returns the proxy's base URL.
func startNginx(t *testing.T, bin, upstream string) string {
	t.Helper()
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nginx binds it next; nothing else on this machine races for an ephemeral port in practice
	conf := fmt.Sprintf(`daemon off;
master_process off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    server {
        listen %[2]s;
        location / {
            proxy_pass http://%[3]s;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }
    }
}
`, dir, addr, upstream)
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd := exec.Command(bin, "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", filepath.Join(dir, "nginx.conf"))
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
	})
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-done:
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx exited: %v\n%s\n%s", err, out.String(), log)
		default:
		}
		if r, err := http.Get("http://" + addr + "/healthz"); err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return "http://" + addr
			}
		}
	}
	t.Fatal("nginx did not answer within 10 seconds")
	return ""
}
