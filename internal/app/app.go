// Package app is where Haven's parts meet: the workflow and the policy
// decide, the vault seals and opens, the store keeps, and the audit outbox
// records. Every mutation is one store transaction that checks the actor,
// applies the workflow, updates the cap ledger, writes the sealed records
// and appends its audit event, so a failure anywhere leaves nothing written.
//
// The actor is always explicit and resolved from the store inside the
// transaction; the clock is injected.
package app

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"github.com/havenhrd/haven/internal/auth"
	"golang.org/x/mod/sumdb/note"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/vault"
)

// SystemActor is Haven itself, for the acts no person makes: seeding the
// default programme rules at first start. It cannot do case work.
var SystemActor = haven.Actor{UserID: "system", OrgID: "system"}

// App is Haven's application layer.
type App struct {
	hasher   *auth.Hasher
	passkeys *auth.Passkeys
	sessions auth.SessionPolicy
	issuer   string
	store    store.Store
	vault    *vault.Vault
	signer   note.Signer
	denials  denials
	clock    haven.Clock
	rand     io.Reader
	log      *slog.Logger
}

// Config holds what App needs. Store and Vault are required.
type Config struct {
	Store store.Store
	Vault *vault.Vault
	// AuditSigner signs the audit log's checkpoints (the key file's audit
	// key). Required.
	AuditSigner note.Signer
	// Hasher hashes passwords; sign-in is off without it.
	Hasher *auth.Hasher
	// Passkeys runs WebAuthn ceremonies; passkeys are off without it (TOTP
	// remains).
	Passkeys *auth.Passkeys
	// Sessions bounds sessions; the default is 30 minutes idle, 12 hours
	// in all.
	Sessions auth.SessionPolicy
	// Issuer names Haven in authenticator apps; the default is "Haven".
	Issuer string
	// Clock defaults to the system clock.
	Clock haven.Clock
	// Rand defaults to crypto/rand.
	Rand io.Reader
	// Logger defaults to one that discards. Haven logs no personal data:
	// IDs, codes and counts only.
	Logger *slog.Logger
}

// New returns an App.
func New(c Config) *App {
	a := &App{store: c.Store, vault: c.Vault, signer: c.AuditSigner, clock: c.Clock, rand: c.Rand, log: c.Logger}
	a.hasher, a.passkeys, a.sessions, a.issuer = c.Hasher, c.Passkeys, c.Sessions, c.Issuer
	if a.sessions == (auth.SessionPolicy{}) {
		a.sessions = auth.DefaultSessionPolicy()
	}
	if a.issuer == "" {
		a.issuer = "Haven"
	}
	if a.clock == nil {
		a.clock = haven.SystemClock{}
	}
	if a.rand == nil {
		a.rand = rand.Reader
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	return a
}

// Now is the app's clock: what the pages take as today, so that their
// defaults and checks agree with the app's.
func (a *App) Now() time.Time { return a.now() }

// Ready reports whether the store is reachable and its schema current.
func (a *App) Ready(ctx context.Context) error { return a.store.Ready(ctx) }

func (a *App) now() time.Time { return a.clock.Now().UTC() }

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newID returns a random 128-bit ID with prefix.
func (a *App) newID(prefix string) (haven.ID, error) {
	b := make([]byte, 16)
	if _, err := io.ReadFull(a.rand, b); err != nil {
		return "", haven.Internal("app.newID", err)
	}
	return haven.ID(prefix + "_" + idEncoding.EncodeToString(b)), nil
}

// who is a resolved actor: the user and organisation as the store has them.
type who struct {
	user *haven.User
	org  *haven.Organisation
}

func (w who) actor() haven.Actor {
	return haven.Actor{UserID: w.user.ID, OrgID: w.org.ID, OrgKind: w.org.Kind, Role: w.user.Role}
}

// resolve loads the actor's user and organisation. An unknown or disabled
// user, or one claimed for another organisation, is EUNAUTHORIZED.
func (a *App) resolve(ctx context.Context, tx store.Tx, actor haven.Actor) (who, error) {
	const op = "app.resolve"
	if actor.UserID == "" {
		return who{}, haven.Errorf(haven.EUNAUTHORIZED, op, "no actor: every act in Haven is done by a named user")
	}
	u, err := tx.FindUserByID(ctx, actor.UserID)
	if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
		return who{}, haven.Errorf(haven.EUNAUTHORIZED, op, "unknown user")
	} else if err != nil {
		return who{}, err
	}
	if !u.DisabledAt.IsZero() {
		return who{}, haven.Errorf(haven.EUNAUTHORIZED, op, "the user is disabled")
	}
	if actor.OrgID != "" && actor.OrgID != u.OrgID {
		return who{}, haven.Errorf(haven.EUNAUTHORIZED, op, "the user does not belong to that organisation")
	}
	o, err := tx.FindOrganisationByID(ctx, u.OrgID)
	if err != nil {
		return who{}, err
	}
	return who{user: u, org: o}, nil
}

// --- sealing ---

// newKey makes and stores a fresh data key for subject.
func (a *App) newKey(ctx context.Context, tx store.Tx, subject haven.ID) (*vault.DataKey, error) {
	dk, w, err := a.vault.NewDataKey(a.rand, string(subject))
	if err != nil {
		return nil, haven.Internal("app.newKey", err)
	}
	if err := tx.PutDataKey(ctx, &store.DataKey{Subject: subject, KEKID: w.KEKID, Wrapped: w.Ciphertext, CreatedAt: a.now()}); err != nil {
		return nil, err
	}
	return dk, nil
}

// key loads and unwraps subject's data key; nil, nil when it was shredded.
func (a *App) key(ctx context.Context, tx store.Tx, subject haven.ID) (*vault.DataKey, error) {
	k, err := tx.FindDataKey(ctx, subject)
	if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	dk, err := a.vault.Unwrap(string(subject), vault.WrappedKey{KEKID: k.KEKID, Ciphertext: k.Wrapped})
	if err != nil {
		return nil, &haven.Error{Code: haven.EUNAVAILABLE, Op: "app.key", Message: "a data key cannot be unwrapped: is the right key file loaded?", Err: err}
	}
	return dk, nil
}

// sealer seals the fields of one record under its subject's data key.
type sealer struct {
	dk    *vault.DataKey
	table string
	row   haven.ID
	err   error
}

func (a *App) sealer(dk *vault.DataKey, table string, row haven.ID) *sealer {
	return &sealer{dk: dk, table: table, row: row}
}

func (s *sealer) str(column, v string) store.Sealed {
	if s.err != nil || v == "" {
		return nil
	}
	c, err := s.dk.SealString(v, vault.Binding{Subject: s.dk.Subject(), Table: s.table, Column: column, Row: string(s.row)})
	if err != nil {
		s.err = haven.Internal("app.seal", err)
	}
	return c
}

func (s *sealer) json(column string, v any) store.Sealed {
	if s.err != nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		s.err = haven.Internal("app.seal", err)
		return nil
	}
	return s.str(column, string(b))
}

// opener opens the fields of one record; with a nil key (shredded) every
// field opens empty.
type opener struct {
	dk    *vault.DataKey
	table string
	row   haven.ID
	err   error
}

func (a *App) opener(dk *vault.DataKey, table string, row haven.ID) *opener {
	return &opener{dk: dk, table: table, row: row}
}

func (o *opener) str(column string, c store.Sealed) string {
	if o.err != nil || o.dk == nil || c == nil {
		return ""
	}
	v, err := o.dk.OpenString(c, vault.Binding{Subject: o.dk.Subject(), Table: o.table, Column: column, Row: string(o.row)})
	if err != nil {
		// A value that fails to open was moved or tampered with: stop,
		// rather than show a partial record.
		o.err = &haven.Error{Code: haven.EINTERNAL, Op: "app.open", Message: "a protected field failed its integrity check",
			Err: errors.Join(err, errors.New(o.table+"."+column+" of "+string(o.row)))}
	}
	return v
}

func (o *opener) json(column string, c store.Sealed, v any) {
	s := o.str(column, c)
	if s == "" || o.err != nil {
		return
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		o.err = haven.Internal("app.open", err)
	}
}

// trimmed returns s with surrounding white space removed.
func trimmed(s string) string { return strings.TrimSpace(s) }

func jsonMarshal(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", haven.Internal("app.json", err)
	}
	return string(b), nil
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
