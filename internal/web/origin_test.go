package web_test

import (
	"net/http"
	"net/url"
	"testing"
)

// Under Referrer-Policy: no-referrer a browser sends "Origin: null" on a
// form POST, with Sec-Fetch-Site telling the truth: that passes, while
// "Origin: null" without fetch metadata (which anyone can send) does not.
func TestOriginNullWithFetchMetadata(t *testing.T) {
	f := newFixture(t, false)
	for _, tc := range []struct {
		site, origin string
		want         int
	}{
		{"same-origin", "null", http.StatusOK},
		{"", "null", http.StatusForbidden},
		{"cross-site", "null", http.StatusForbidden},
		{"same-origin", "https://evil.example", http.StatusForbidden},
	} {
		b := f.browser(t)
		b.get("/signin")
		b.headers = map[string]string{"Sec-Fetch-Site": tc.site, "Origin": tc.origin}
		r, body := b.post("/signin", url.Values{"username": {""}, "password": {""}})
		got := r.StatusCode
		if got == http.StatusBadRequest { // the form was read: its fields are empty
			got = http.StatusOK
		}
		if got != tc.want {
			t.Errorf("Sec-Fetch-Site %q, Origin %q: %d, want %d\n%s", tc.site, tc.origin, r.StatusCode, tc.want, body)
		}
	}
}
