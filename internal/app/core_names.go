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

// indexNamePair is the blind-index purpose of two words of one name, and
// indexNameLong marks a name with more words than pairs are kept for.
// Changing either orphans every token written under it.
const (
	indexNamePair = "member_name_pair"
	indexNameLong = "member_name_long"
)

// pairWords is how many of a name's words are paired: a name of n words
// holds n(n-1)/2 pairs, so a name of more (rare, and at most 200
// characters a name) keeps the pairs of its first pairWords words and a
// marker, under which search falls back to its words one by one.
const pairWords = 12

// nameTokens are the blind indexes a member's name is found by: each word,
// and each pair of words (unordered), so that a search for several common
// words reads the few members who hold two of them together rather than
// every member who holds one.
func (a *core) nameTokens(words []string) [][]byte {
	out := make([][]byte, 0, len(words)*(len(words)+1)/2)
	for _, w := range words {
		out = append(out, a.vault.BlindIndex(indexNameWord, w))
	}
	paired := words[:min(len(words), pairWords)]
	for i, x := range paired {
		for _, y := range paired[i+1:] {
			out = append(out, a.namePair(x, y))
		}
	}
	if len(words) > pairWords {
		out = append(out, a.vault.BlindIndex(indexNameLong, "1"))
	}
	return out
}

// namePair is the blind index of two words of a name, in either order.
func (a *core) namePair(x, y string) []byte {
	if y < x {
		x, y = y, x
	}
	// Two parts, each length-prefixed in what is hashed: unambiguous.
	return a.vault.BlindIndex(indexNamePair, x, y)
}

// nameQuery is what a search for words asks of the name tokens: every
// word's token and, for two words or more, pairs covering every word (the
// first with the second, the third with the fourth, the last with the one
// before it), held by one member; or, for a member whose name is too long
// to pair in full, the long-name marker and every word.
func (a *core) nameQuery(words []string) (singles, pairs [][]byte, long []byte) {
	for _, w := range words {
		singles = append(singles, a.vault.BlindIndex(indexNameWord, w))
	}
	if len(words) < 2 {
		return singles, nil, nil
	}
	for i := 0; i+1 < len(words); i += 2 {
		pairs = append(pairs, a.namePair(words[i], words[i+1]))
	}
	if len(words)%2 == 1 {
		pairs = append(pairs, a.namePair(words[len(words)-2], words[len(words)-1]))
	}
	return singles, pairs, a.vault.BlindIndex(indexNameLong, "1")
}

// metaNamesIndexed marks a database whose members all have name tokens of
// version namesIndexed: "1", words; "2", words and pairs of words.
const (
	metaNamesIndexed = "member_name_tokens"
	namesIndexed     = "2"
)

// indexNames writes the name tokens of every member written before names
// were indexed, once per database: it opens each case's names under its
// key (a shredded case has none to index). It runs at start, in the
// transaction of Bootstrap.
func (a *core) indexNames(ctx context.Context, tx store.Tx) error {
	if v, err := tx.Meta(ctx, metaNamesIndexed); err == nil && v == namesIndexed {
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
	return tx.SetMeta(ctx, metaNamesIndexed, namesIndexed)
}
