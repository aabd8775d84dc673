package server

import (
	"net/http"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/api"
)

type stepJSON struct {
	Step      string    `json:"step"`
	Factors   []string  `json:"factors,omitempty"`
	ExpiresAt time.Time `json:"expires_at"`
}

// handleSignIn checks a username and password. Every wrong answer gets
// the same status and body, whether the user exists or not.
func (s *srv) handleSignIn() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Username string `json:"username"`
			Password string `json:"password"`
		}
		if err := api.Decode(w, r, &in); err != nil {
			s.fail(w, r, err)
			return
		}
		step, err := s.accounts.SignIn(r.Context(), in.Username, in.Password, s.source(r))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, stepJSON{step.ID, step.Factors, step.ExpiresAt})
	})
}

// setSession sets the session cookie: __Host- prefixed, Secure, HttpOnly,
// SameSite=Strict, Path=/, no Domain.
func setSession(w http.ResponseWriter, sess *haven.Session) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: sess.Token, Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Expires: sess.ExpiresAt})
}

// handleSecondFactor completes sign-in with a TOTP or recovery code. A
// wrong code that the attempt limits allow to be tried again is refused
// (401) with the step of the next try in the problem's "retry" member, so
// that the client asks for the code again, not the password; past the
// limits the refusal is 429 with no step, and the client starts again.
func (s *srv) handleSecondFactor(recovery bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Step string `json:"step"`
			Code string `json:"code"`
		}
		if err := api.Decode(w, r, &in); err != nil {
			s.fail(w, r, err)
			return
		}
		var sess *haven.Session
		var err error
		if recovery {
			sess, err = s.accounts.SignInRecovery(r.Context(), in.Step, in.Code, s.source(r))
		} else {
			sess, err = s.accounts.SignInTOTP(r.Context(), in.Step, in.Code, s.source(r))
		}
		if next, ok := haven.RetryStepOf(err); ok {
			api.FailRetry(s.log, w, r, err, stepJSON{next.ID, next.Factors, next.ExpiresAt})
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		setSession(w, sess)
		writeJSON(w, http.StatusOK, map[string]any{"user_id": sess.UserID, "expires_at": sess.ExpiresAt})
	})
}

// handlePasskeyBegin returns the WebAuthn options for a second-factor step.
func (s *srv) handlePasskeyBegin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Step string `json:"step"`
		}
		if err := api.Decode(w, r, &in); err != nil {
			s.fail(w, r, err)
			return
		}
		opts, next, err := s.accounts.SignInPasskeyBegin(r.Context(), in.Step)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Haven-Step", next.ID)
		w.WriteHeader(http.StatusOK)
		w.Write(opts)
	})
}

// handlePasskeyFinish checks the assertion (the body, as the browser made
// it) for the step named in X-Haven-Step.
func (s *srv) handlePasskeyFinish() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := api.Bound(w, r, api.MaxBody); err != nil {
			s.fail(w, r, err)
			return
		}
		sess, err := s.accounts.SignInPasskeyFinish(r.Context(), r.Header.Get("X-Haven-Step"), r.Body, s.source(r))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		setSession(w, sess)
		writeJSON(w, http.StatusOK, map[string]any{"user_id": sess.UserID, "expires_at": sess.ExpiresAt})
	})
}

// handleSignOut ends the session. It is a POST behind the same-origin
// check: a foreign page cannot sign a user out.
func (s *srv) handleSignOut() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// It reads no body, and takes none larger than the API's bound.
		if err := api.Bound(w, r, api.MaxBody); err != nil {
			s.fail(w, r, err)
			return
		}
		if c, err := r.Cookie(SessionCookie); err == nil {
			if err := s.accounts.SignOut(r.Context(), c.Value); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", Secure: true, HttpOnly: true,
			SameSite: http.SameSiteStrictMode, MaxAge: -1})
		w.WriteHeader(http.StatusNoContent)
	})
}

// handleMe returns who is signed in.
func (s *srv) handleMe() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := s.actor(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"user_id": a.UserID, "org_id": a.OrgID})
	})
}
