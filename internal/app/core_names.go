package app

import (
	"context"
	"strings"
	"unicode"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/vault"
)

// indexNameWord is the blind-index purpose of one word of a name.
// Changing it orphans every name token written under it.
const indexNameWord = "member_name_word"

// nameWords are the words of a name as search matches them: normalised as
// every blind index is (case folded, NFKC, format characters removed),
// split at white space and punctuation, each once. A name in a script
// written without spaces is one word.
func nameWords(names ...string) []string {
	var out []string
	for _, n := range names {
		for _, w := range strings.FieldsFunc(vault.Normalize(n), func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }) {
			if !contains(out, w) {
				out = append(out, w)
			}
		}
	}
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// nameTokens are the blind indexes of the words of a member's names.
func (a *core) nameTokens(words []string) [][]byte {
	out := make([][]byte, 0, len(words))
	for _, w := range words {
		out = append(out, a.vault.BlindIndex(indexNameWord, w))
	}
	return out
}

// metaNamesIndexed marks a database whose members all have name tokens.
const metaNamesIndexed = "member_name_tokens"

// indexNames writes the name tokens of every member written before names
// were indexed, once per database: it opens each case's names under its
// key (a shredded case has none to index). It runs at start, in the
// transaction of Bootstrap.
func (a *core) indexNames(ctx context.Context, tx store.Tx) error {
	if v, err := tx.Meta(ctx, metaNamesIndexed); err == nil && v == "1" {
		return nil
	} else if err != nil && haven.ErrorCodeOf(err) != haven.ENOTFOUND {
		return err
	}
	rows, _, err := tx.FindCases(ctx, store.CaseFilter{Reach: store.Reach{All: true}, CaseFilter: haven.CaseFilter{Limit: 1 << 30}})
	if err != nil {
		return err
	}
	for _, row := range rows {
		dk, err := a.key(ctx, tx, row.ID)
		if err != nil {
			return err
		}
		if dk == nil {
			continue
		}
		ms, err := tx.FindMembers(ctx, row.ID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			o := a.opener(dk, "members", m.ID)
			words := nameWords(o.str("family_name", m.FamilyName), o.str("given_names", m.GivenNames))
			if o.err != nil {
				return o.err
			}
			if err := tx.PutNameTokens(ctx, m.ID, row.ID, a.nameTokens(words)); err != nil {
				return err
			}
		}
	}
	return tx.SetMeta(ctx, metaNamesIndexed, "1")
}
