package app

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
)

// cursor is what a list's cursor holds: its order, and the values of the
// page's last case that this order compares, no other. A cursor is read
// by whoever holds the list, so it holds nothing the list did not show
// (the rank only where the priority shows: 3 elsewhere).
type cursor struct {
	Sort      haven.CaseSort `json:"s,omitempty"`
	Desc      bool           `json:"d,omitempty"`
	Rank      int            `json:"r,omitempty"`
	Due       string         `json:"u,omitempty"`
	Referred  *time.Time     `json:"t,omitempty"`
	Reference string         `json:"f,omitempty"`
	State     int            `json:"a,omitempty"`
	ID        haven.ID       `json:"i"`
}

// encodeCursor returns the cursor of k in the order of f.
func encodeCursor(f store.CaseFilter, k store.CaseKey) string {
	c := cursor{Sort: f.Sort, Desc: f.Desc, ID: k.ID}
	switch f.Sort {
	case haven.SortQueue:
		c.Rank, c.Due, c.Referred = k.Rank, k.Due.String(), &k.ReferredAt
	case haven.SortDue:
		c.Due, c.Referred = k.Due.String(), &k.ReferredAt
	case haven.SortReferred:
		c.Referred = &k.ReferredAt
	case haven.SortReference:
		c.Reference = k.Reference
	case haven.SortState:
		c.State, c.Referred = k.State, &k.ReferredAt
	}
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // a struct of strings, numbers and a time
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor returns the key f.After names; nil without one. It fails
// when the cursor is not one of f's order.
func decodeCursor(f haven.CaseFilter) (*store.CaseKey, error) {
	if f.After == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(f.After)
	if err != nil || len(b) > 512 {
		return nil, errors.New("not a cursor")
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.Sort != f.Sort || c.Desc != f.Desc || c.ID == "" || c.Rank < 0 || c.Rank > 3 {
		return nil, errors.New("not a cursor of this order")
	}
	k := &store.CaseKey{Rank: c.Rank, Reference: c.Reference, State: c.State, ID: c.ID}
	if c.Referred != nil {
		k.ReferredAt = c.Referred.UTC()
	}
	if c.Due != "" {
		if k.Due, err = haven.ParseDate(c.Due); err != nil {
			return nil, err
		}
	}
	needs := map[haven.CaseSort]bool{haven.SortQueue: true, haven.SortDue: true}
	if needs[f.Sort] && k.Due.IsZero() || f.Sort != haven.SortReference && c.Referred == nil {
		return nil, errors.New("a cursor lacks its values")
	}
	return k, nil
}
