package haven_test

import (
	"errors"
	"testing"

	"github.com/havenhrd/haven"
)

// TestParseDate: a date that is not one says what is wrong with it: the
// format, a month that does not exist, or a day its month does not have,
// leap years counted.
func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in     string
		want   haven.Date
		reason haven.DateReason
		msg    string
	}{
		{in: "2026-12-31", want: haven.Date{Year: 2026, Month: 12, Day: 31}},
		{in: "2028-02-29", want: haven.Date{Year: 2028, Month: 2, Day: 29}},
		{in: "2026-12-32", reason: haven.DateNoSuchDay, msg: "December has 31 days"},
		{in: "2026-04-31", reason: haven.DateNoSuchDay, msg: "April has 30 days"},
		{in: "2026-01-00", reason: haven.DateNoSuchDay, msg: "January has 31 days"},
		{in: "2026-13-01", reason: haven.DateNoSuchMonth, msg: "there is no month 13"},
		{in: "2026-00-10", reason: haven.DateNoSuchMonth, msg: "there is no month 0"},
		{in: "2026-02-30", reason: haven.DateNoSuchDay, msg: "February 2026 has 28 days"},
		{in: "2028-02-30", reason: haven.DateNoSuchDay, msg: "February 2028 has 29 days"},
		{in: "26-12-01", reason: haven.DateBadFormat},
		{in: "2026/12/01", reason: haven.DateBadFormat},
		{in: "2026-1-010", reason: haven.DateBadFormat},
		{in: "2026-+1-01", reason: haven.DateBadFormat},
		{in: "01-12-2026", reason: haven.DateBadFormat},
		{in: "", reason: haven.DateBadFormat},
	} {
		got, err := haven.ParseDate(tc.in)
		if tc.reason == 0 {
			if err != nil || got != tc.want {
				t.Errorf("ParseDate(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
			continue
		}
		var de *haven.DateError
		if !errors.As(err, &de) {
			t.Errorf("ParseDate(%q) error = %v, want a *DateError", tc.in, err)
			continue
		}
		if de.Reason != tc.reason {
			t.Errorf("ParseDate(%q) reason = %d, want %d", tc.in, de.Reason, tc.reason)
		}
		if tc.msg != "" && de.Error() != tc.msg {
			t.Errorf("ParseDate(%q) says %q, want %q", tc.in, de.Error(), tc.msg)
		}
	}
}
