package app

import (
	"context"
	"encoding/base32"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/havenhrd/haven/internal/auth"
	"golang.org/x/mod/sumdb/note"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/vault"
)

// SystemActor is Haven itself, for the acts no person makes: seeding the
// default programme rules at first start. It cannot do case work.
var SystemActor = haven.Actor{UserID: "system", OrgID: "system"}

// core is what the rooms share: the store, the vault, the audit signer,
// the clock, and through its methods the transaction runner with its audit
// outbox, actor resolution, policy decisions and sealing. It is unexported,
// so that nothing outside the package can write without its audit event or
// decide without the policies.
type core struct {
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

func (a *core) now() time.Time { return a.clock.Now().UTC() }

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newID returns a random 128-bit ID with prefix.
func (a *core) newID(prefix string) (haven.ID, error) {
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
func (a *core) resolve(ctx context.Context, tx store.Tx, actor haven.Actor) (who, error) {
	const op = "app.resolve"
	if actor.UserID == "" {
		return who{}, haven.Errorf(haven.EUNAUTHORIZED, op, "no actor: every act in Haven is done by a named user")
	}
	u, o, err := tx.FindActor(ctx, actor.UserID)
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
	return who{user: u, org: o}, nil
}

// --- sealing ---

// newKey makes and stores a fresh data key for subject.
func (a *core) newKey(ctx context.Context, tx store.Tx, subject haven.ID) (*vault.DataKey, error) {
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
func (a *core) key(ctx context.Context, tx store.Tx, subject haven.ID) (*vault.DataKey, error) {
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

func (a *core) sealer(dk *vault.DataKey, table string, row haven.ID) *sealer {
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

func (a *core) opener(dk *vault.DataKey, table string, row haven.ID) *opener {
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

func itoa(i int) string { return strconv.Itoa(i) }
