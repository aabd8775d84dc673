package auth

// Hooks for the external tests (package auth_test) in this directory.

// HoldSlot takes one of h's hashing slots until release is called, so that
// a test can fill the cap deterministically.
func HoldSlot(h *Hasher) (release func()) {
	h.slots <- struct{}{}
	return func() { <-h.slots }
}

// SlotsInUse returns how many of h's slots are taken.
func SlotsInUse(h *Hasher) int { return len(h.slots) }

// SortedContains exposes the blocklist search for a test on small lists.
var SortedContains = sortedContains
