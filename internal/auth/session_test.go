package auth_test

import (
	"errors"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/auth"
)

func TestSessionPolicy(t *testing.T) {
	p := auth.DefaultSessionPolicy()
	if p.Idle != 30*time.Minute || p.Absolute != 12*time.Hour {
		t.Fatalf("default policy %+v, want 30 min idle, 12 h absolute", p)
	}
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name              string
		created, lastSeen time.Time
		now               time.Time
		want              error
	}{
		{"just signed in", t0, t0, t0, nil},
		{"idle 29 minutes", t0, t0, t0.Add(29 * time.Minute), nil},
		{"idle 30 minutes", t0, t0, t0.Add(30 * time.Minute), auth.ErrSessionIdle},
		{"active all day", t0, t0.Add(11*time.Hour + 50*time.Minute), t0.Add(11*time.Hour + 59*time.Minute), nil},
		{"active past 12 hours", t0, t0.Add(11*time.Hour + 59*time.Minute), t0.Add(12 * time.Hour), auth.ErrSessionExpired},
		{"idle and old", t0, t0, t0.Add(13 * time.Hour), auth.ErrSessionExpired},
		{"last seen before created", t0, t0.Add(-time.Second), t0, auth.ErrSessionInvalid},
		{"zero created", time.Time{}, t0, t0, auth.ErrSessionInvalid},
		{"created slightly in the future", t0.Add(30 * time.Second), t0.Add(30 * time.Second), t0, nil},
		{"created far in the future", t0.Add(time.Hour), t0.Add(time.Hour), t0, auth.ErrSessionInvalid},
		{"last seen far in the future", t0, t0.Add(2 * time.Minute), t0, auth.ErrSessionInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.Valid(tt.created, tt.lastSeen, tt.now)
			if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("Valid: %v, want %v", err, tt.want)
			}
			if err != nil && haven.ErrorCodeOf(err) != haven.EUNAUTHORIZED {
				t.Errorf("code %q, want unauthorized", haven.ErrorCodeOf(err))
			}
		})
	}
	for _, bad := range []auth.SessionPolicy{{}, {Idle: time.Minute}, {Absolute: time.Hour}, {Idle: -1, Absolute: time.Hour}} {
		if err := bad.Valid(t0, t0, t0); haven.ErrorCodeOf(err) != haven.EINTERNAL {
			t.Errorf("policy %+v: %v, want EINTERNAL (fail closed)", bad, err)
		}
	}
}

func TestSessionExpiresAt(t *testing.T) {
	p := auth.DefaultSessionPolicy()
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	if got := p.ExpiresAt(t0, t0.Add(time.Hour)); !got.Equal(t0.Add(90 * time.Minute)) {
		t.Errorf("ExpiresAt early in the day = %v, want idle limit", got)
	}
	if got := p.ExpiresAt(t0, t0.Add(11*time.Hour+45*time.Minute)); !got.Equal(t0.Add(12 * time.Hour)) {
		t.Errorf("ExpiresAt late in the day = %v, want absolute limit", got)
	}
}
