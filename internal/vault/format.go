package vault

import (
	"fmt"
	"strings"
)

// The Format methods below keep key material out of logs: without them,
// fmt.Printf("%v", keyring) or "%x" would print the keys. Every verb prints
// the same redacted summary.

// Format writes the KEK's id and "redacted" in place of its key, whatever
// the verb.
func (k KEK) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "vault.KEK{ID:%q Key:redacted}", k.ID)
}

// Format writes the keyring's KEK ids and "redacted" in place of its keys,
// whatever the verb.
func (k Keyring) Format(f fmt.State, verb rune) {
	prev := make([]string, len(k.Previous))
	for i, p := range k.Previous {
		prev[i] = fmt.Sprintf("%q", p.ID)
	}
	fmt.Fprintf(f, "vault.Keyring{Current:%q Previous:[%s] Keys:redacted}", k.Current.ID, strings.Join(prev, " "))
}

// Format writes the vault's current KEK id and "redacted" in place of its
// keys, whatever the verb.
func (v Vault) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "vault.Vault{Current:%q KEKs:%d Keys:redacted}", v.current, len(v.keks))
}

// Format writes the data key's subject and "redacted" in place of the key,
// whatever the verb.
func (k DataKey) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "vault.DataKey{Subject:%q Key:redacted}", k.subject)
}
