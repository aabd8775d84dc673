// Package app is where Haven's parts meet: the workflow and the policy
// decide, the vault seals and opens, the store keeps, and the audit outbox
// records. Every mutation is one store transaction that checks the actor,
// applies the workflow, updates the cap ledger, writes the sealed records
// and appends its audit event, so a failure anywhere leaves nothing written.
//
// The actor is always explicit and resolved from the store inside the
// transaction; the clock is injected.
//
// The package is in rooms, one type per area, each the service its callers
// use: Accounts (sign-in, sessions, enrolment, factors, tokens, purges),
// Cases (referrals, case reads and acts, checks, the integration plan),
// Nominations, Programme (rules, organisations, users, keys, the cap) and
// AuditLog (verify, prove, scope). The rooms share one unexported core (the
// store, the vault, the signer, the clock, the transaction runner with its
// audit outbox, actor resolution, policy decisions and sealing) and reach
// one another only through it. A room's methods live in the files named
// for it: accounts_*.go, cases*.go, nominations.go, programme*.go,
// auditlog.go; the core's in core*.go.
package app

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/auth"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/vault"
	"golang.org/x/mod/sumdb/note"
)

// App is Haven's application layer: its rooms, which share one core.
type App struct {
	Accounts    *Accounts
	Cases       *Cases
	Nominations *Nominations
	Programme   *Programme
	AuditLog    *AuditLog
	Notices     *Notices
	core        *core
}

// Accounts is sign-in and what it rests on: sessions, enrolment, the
// user's own factors, an organisation's accounts and their factors, API
// tokens, the disabling of a user and the purge of spent sign-in records.
type Accounts struct{ *core }

// Cases is the case file: referrals and their import, case reads, the
// workflow's acts, checks, the integration plan, the offer of what the
// actor may do next, and the shredding of a case.
type Cases struct{ *core }

// Nominations is the partners' nominations: their creation, reads, review,
// decline, withdrawal and shredding.
type Nominations struct{ *core }

// Programme is the programme's administration: the rules, organisations,
// users, the data keys and the cap ledger's figures.
type Programme struct{ *core }

// AuditLog reads the audit log: it verifies, proves and scopes it. Every
// other room appends to it, through the core.
type AuditLog struct{ *core }

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
	a := &core{store: c.Store, vault: c.Vault, signer: c.AuditSigner, clock: c.Clock, rand: c.Rand, log: c.Logger}
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
	return &App{Accounts: &Accounts{a}, Cases: &Cases{a}, Nominations: &Nominations{a}, Programme: &Programme{a}, AuditLog: &AuditLog{a}, Notices: &Notices{a}, core: a}
}

// Now is the app's clock: what the pages take as today, so that their
// defaults and checks agree with the app's.
func (a *App) Now() time.Time { return a.core.now() }

// Ready reports whether the store is reachable and its schema current.
func (a *App) Ready(ctx context.Context) error { return a.core.store.Ready(ctx) }
