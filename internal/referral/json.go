package referral

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"regexp"
	"strconv"

	"github.com/havenhrd/haven"
)

// Ref is where one referral is in a file.
type Ref struct {
	// Name is the referral's CSV key, or its number in a JSON list.
	Name string
	// Line is where it starts; Members, in CSV, the line of each member.
	Line    int
	Members []int
}

// Decoded is a file read: its referrals when it has no problem, where
// each is, and its problems.
type Decoded struct {
	Cases []*haven.Case
	// Read are the referrals as far as the file could be read, one for
	// each of Refs, whether or not it has problems: a value the file holds
	// wrongly is left out (zero), and a referral the file holds as no
	// object at all is nil. They are for checking the rules of every
	// referral while the file has problems, never for importing.
	Read     []*haven.Case
	Refs     []Ref
	Problems []Problem
}

// DecodeJSON reads a JSON file of referrals: an array of referrals, or an
// object {"referrals": [...]}, the body of POST /api/v1/cases/import. Each
// referral's problems are on the line where it starts.
func DecodeJSON(data []byte) *Decoded {
	d := &Decoded{}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		off := len(data)
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = int(se.Offset)
		}
		line, col := position(data, off)
		d.Problems = []Problem{{Referral: -1, Line: line, Column: col, Kind: Syntax, Message: "the file is not valid JSON"}}
		return d
	}
	var (
		t      reflect.Type
		prefix string
	)
	switch tree.(type) {
	case []any:
		t = reflect.TypeFor[[]Referral]()
	case map[string]any:
		t, prefix = reflect.TypeFor[List](), "referrals"
	default:
		d.Problems = []Problem{{Referral: -1, Line: 1, Kind: Shape, Message: "the file must hold a list of referrals"}}
		return d
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		line, _ := position(data, int(dec.InputOffset()))
		d.Problems = append(d.Problems, Problem{Referral: -1, Line: line, Kind: Shape, Message: "the file has data after the list of referrals"})
	}
	starts := entryLines(data, prefix != "")
	for i, line := range starts {
		d.Refs = append(d.Refs, Ref{Name: strconv.Itoa(i + 1), Line: line})
	}
	for _, p := range Strict(data, t) {
		if m := entryPath.FindStringSubmatch(p.Field); m != nil && m[1] == prefix {
			i, _ := strconv.Atoi(m[2])
			p.Referral, p.Field = i, m[3]
			if i < len(starts) {
				p.Line = starts[i]
			}
		} else {
			p.Line = 1
		}
		d.Problems = append(d.Problems, p)
	}
	if len(d.Problems) > 0 {
		d.Read = readEntries(tree, prefix, d.Problems, len(starts))
		return d
	}
	var list []Referral
	if prefix == "" {
		err := json.Unmarshal(data, &list)
		_ = err // the value fits its type: Strict found nothing
	} else {
		var l List
		_ = json.Unmarshal(data, &l)
		list = l.Referrals
	}
	d.Cases = Cases(list)
	d.Read = d.Cases
	return d
}

// readEntries reads the n entries of a file's list of referrals (tree, the
// list under prefix) that has problems: each entry an object, without the
// values its problems are about, which stay zero.
func readEntries(tree any, prefix string, probs []Problem, n int) []*haven.Case {
	list, ok := tree.([]any)
	if m, isMap := tree.(map[string]any); isMap {
		list, ok = m[prefix].([]any)
	}
	if !ok {
		return nil
	}
	out := make([]*haven.Case, min(n, len(list)))
	for i := range out {
		entry, ok := list[i].(map[string]any)
		if !ok {
			continue
		}
		for _, p := range probs {
			if p.Referral == i {
				prune(entry, p.Field)
			}
		}
		b, err := json.Marshal(entry)
		if err != nil {
			continue
		}
		var r Referral
		if json.Unmarshal(b, &r) != nil {
			continue // what is left fits its type: pruned of every problem
		}
		out[i] = r.Case()
	}
	return out
}

// pathStep splits a field's path: "members[0].sex" is members, 0, sex.
var pathStep = regexp.MustCompile(`^([^.\[]*)(?:\[(\d+)\])?\.?(.*)$`)

// prune removes the value at path (as a Problem names it) from v.
func prune(v any, path string) {
	m := pathStep.FindStringSubmatch(path)
	if m == nil || path == "" {
		return
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return
	}
	key, index, rest := m[1], m[2], m[3]
	if index == "" && rest == "" {
		delete(obj, key)
		return
	}
	next := obj[key]
	if index != "" {
		list, ok := next.([]any)
		k, _ := strconv.Atoi(index)
		if !ok || k >= len(list) {
			return
		}
		if rest == "" {
			list[k] = map[string]any{}
			return
		}
		next = list[k]
	}
	prune(next, rest)
}

// Cases are the domain's referrals of list.
func Cases(list []Referral) []*haven.Case {
	out := make([]*haven.Case, len(list))
	for i := range list {
		out[i] = list[i].Case()
	}
	return out
}

// entryPath splits a path of a file into the list, the entry and the
// field inside it: "referrals[2].members[0].sex".
var entryPath = regexp.MustCompile(`^(referrals|)\[(\d+)\](?:\.(.*))?$`)

// entryLines are the lines where the entries of the file's list of
// referrals start; the file is valid JSON.
func entryLines(data []byte, object bool) []int {
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil { // '[' or '{'
		return nil
	}
	if object {
		for {
			tok, err := dec.Token()
			if err != nil || tok == json.Delim('}') {
				return nil
			}
			if tok == "referrals" {
				break
			}
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil
			}
		}
		if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
			return nil
		}
	}
	var out []int
	for dec.More() {
		off := int(dec.InputOffset())
		for off < len(data) && bytes.IndexByte([]byte(" \t\r\n,:"), data[off]) >= 0 {
			off++
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return out
		}
		line, _ := position(data, off)
		out = append(out, line)
	}
	return out
}

// position is the line and column of byte offset off of data, both from 1.
func position(data []byte, off int) (line, col int) {
	off = max(0, min(off, len(data)))
	return 1 + bytes.Count(data[:off], []byte("\n")), off - bytes.LastIndexByte(data[:off], '\n')
}
