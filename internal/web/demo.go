package web

import (
	"net/http"
	"slices"

	"github.com/havenhrd/haven"
)

// A demonstration database holds invented people alone, and shows the
// second factor of the user signing in on the second-factor page (the code
// and a QR code of the setup key), so that anyone can enter it with a
// browser alone. The app answers only on a database `haven demo` marked;
// the pages ask only when they were started on one (Config.Demo).

// demoCode returns the code of the user signing in with step, on a
// demonstration alone; nil otherwise or when there is none to show.
func (s *server) demoCode(r *http.Request, step string, factors []string) *haven.DemoCode {
	if !s.demo || !slices.Contains(factors, "totp") {
		return nil
	}
	d, err := s.accounts.DemoCode(r.Context(), step)
	if err != nil {
		if c := haven.ErrorCodeOf(err); c != haven.ENOTFOUND && c != haven.ECONFLICT {
			s.logRefused(r, http.StatusInternalServerError, c, err)
		}
		return nil
	}
	return d
}

// handleDemoQR serves the QR code of the setup key of the user signing in,
// on a demonstration alone: the content security policy takes images from
// Haven itself, not data: URLs. Anywhere else, there is no such page.
func (s *server) handleDemoQR() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		step, factors, ok := readStep(r)
		var d *haven.DemoCode
		if ok {
			d = s.demoCode(r, step, factors)
		}
		if d == nil || len(d.QR) == 0 {
			s.handleNotFound().ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(d.QR)
	})
}
