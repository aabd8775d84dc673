package app

import (
	"context"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/policy"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/vault"
)

// RewrapDataKeys re-wraps every data key not yet under the vault's current
// key-encryption key, in batches of batch keys per transaction, and returns
// how many it re-wrapped. No sealed field is touched. Run it after rotating
// the key file; the old key can be retired once it returns 0.
func (a *Programme) RewrapDataKeys(ctx context.Context, actor haven.Actor, batch int) (int, error) {
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
