package app

import (
	"context"
	"strconv"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/policy"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/vault"
)

func itoa(i int) string { return strconv.Itoa(i) }

// RewrapDataKeys re-wraps every data key not yet under the vault's current
// key-encryption key, in batches of batch keys per transaction, and returns
// how many it re-wrapped. No sealed field is touched. Run it after rotating
// the key file; the old key can be retired once it returns 0.
func (a *App) RewrapDataKeys(ctx context.Context, actor haven.Actor, batch int) (int, error) {
	if batch <= 0 {
		batch = 500
	}
	total := 0
	for {
		n := 0
		err := a.update(ctx, func(tx store.Tx) error {
			w, err := a.allow(ctx, tx, actor, policy.KeysManage)
			if err != nil {
				return err
			}
			ks, err := tx.FindDataKeysNotUnder(ctx, a.vault.CurrentKEKID(), batch)
			if err != nil {
				return err
			}
			for _, k := range ks {
				nw, err := a.vault.Rewrap(string(k.Subject), vault.WrappedKey{KEKID: k.KEKID, Ciphertext: k.Wrapped})
				if err != nil {
					return &haven.Error{Code: haven.EUNAVAILABLE, Op: "app.RewrapDataKeys", Message: "a data key cannot be unwrapped by any key in the key file", Err: err}
				}
				k.KEKID, k.Wrapped = nw.KEKID, nw.Ciphertext
				if err := tx.PutDataKey(ctx, k); err != nil {
					return err
				}
			}
			n = len(ks)
			if n == 0 {
				return nil
			}
			return a.audit(ctx, tx, w.actor(), "keys.rewrap", "keys", haven.ID(a.vault.CurrentKEKID()), "", map[string]any{"count": n})
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < batch {
			return total, nil
		}
	}
}

// ShredCase destroys a case's data key (crypto-shredding): every sealed
// field of the case, its members and its records becomes unreadable for
// good, and the blind indexes of its UNHCR number and its members' names
// and dates of birth are deleted with it, so the case no longer matches a
// duplicate check; states, dates, the ledger and the audit trail stay whole. Only
// the programme's administration may; the act is itself audited.
func (a *App) ShredCase(ctx context.Context, actor haven.Actor, id haven.ID) error {
	return a.update(ctx, func(tx store.Tx) error {
		w, err := a.allow(ctx, tx, actor, policy.KeysManage)
		if err != nil {
			return err
		}
		if _, err := tx.FindCaseByID(ctx, id, true); err != nil {
			return err
		}
		if err := tx.DeleteDataKey(ctx, id); err != nil {
			if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
				return haven.Errorf(haven.ECONFLICT, "app.ShredCase", "the case is already shredded")
			}
			return err
		}
		// The blind indexes go in the same transaction: left behind, they
		// would still answer whether a given person or UNHCR number was here.
		if err := tx.DeleteCaseIndexes(ctx, id); err != nil {
			return err
		}
		return a.audit(ctx, tx, w.actor(), "case.shred", "case", id, id, nil)
	})
}
