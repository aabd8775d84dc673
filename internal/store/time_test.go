package store

import (
	"testing"
	"time"
)

// TestParseTime: the direct reading of TimeLayout reads what time.Parse
// reads, the same instant, and refuses what it refuses.
func TestParseTime(t *testing.T) {
	for _, s := range []string{
		"2025-12-08T01:30:09.674840494Z", "2024-02-29T23:59:59.999999999Z", "0001-01-01T00:00:00.000000000Z",
		"2026-12-31T00:00:00.000000000Z", "9999-12-31T23:59:59.000000001Z",
	} {
		want, err := time.Parse(TimeLayout, s)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := parseFixedTime(s)
		if !ok || got != want {
			t.Errorf("%s: %v %v, want %v", s, got, ok, want)
		}
		if got, err := ParseTime(s); err != nil || got != want || FormatTime(got) != s {
			t.Errorf("ParseTime(%s): %v %v", s, got, err)
		}
	}
	for _, s := range []string{
		"", "2025-12-08", "2025-12-08T01:30:09.674840494", "2025-12-08T01:30:09.674840494+", "2025-13-08T01:30:09.674840494Z",
		"2025-00-08T01:30:09.674840494Z", "2025-04-31T01:30:09.674840494Z", "2025-02-29T01:30:09.674840494Z", "2025-12-00T01:30:09.674840494Z",
		"2025-12-08T24:00:00.000000000Z", "2025-12-08T01:60:09.674840494Z", "2025-12-08T01:30:60.674840494Z", "2025-12-08T01:30:09.67484049xZ",
		"2025-12-08 01:30:09.674840494Z", "+025-12-08T01:30:09.674840494Z", "2025-1a-08T01:30:09.674840494Z",
	} {
		if got, ok := parseFixedTime(s); ok {
			t.Errorf("%q read as %v", s, got)
		}
		if _, err := ParseTime(s); err == nil {
			t.Errorf("ParseTime(%q) took it", s)
		}
	}
}

// FuzzParseTime: whatever the text, the direct reading agrees with
// time.Parse wherever it reads at all.
func FuzzParseTime(f *testing.F) {
	f.Add("2025-12-08T01:30:09.674840494Z")
	f.Add("2024-02-29T23:59:59.999999999Z")
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseFixedTime(s)
		want, err := time.Parse(TimeLayout, s)
		if ok && (err != nil || got != want) {
			t.Fatalf("%q: %v, time.Parse %v %v", s, got, want, err)
		}
	})
}
