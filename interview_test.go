package haven_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
)

// TestLoadZone: an IANA name, UTC, or a UTC offset; never the server's own
// zone, nor a name the zone database does not know.
func TestLoadZone(t *testing.T) {
	at := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		zone   string
		offset int // seconds east of UTC on 1 July 2026
	}{
		{"Africa/Nairobi", 3 * 3600},
		{"America/Toronto", -4 * 3600},
		{"Asia/Kathmandu", 5*3600 + 45*60},
		{"UTC", 0},
		{"+03:00", 3 * 3600},
		{"-05:30", -(5*3600 + 30*60)},
		{"+0545", 5*3600 + 45*60},
	} {
		loc, err := haven.LoadZone(tc.zone)
		if err != nil {
			t.Errorf("LoadZone(%q): %v", tc.zone, err)
			continue
		}
		if _, off := at.In(loc).Zone(); off != tc.offset {
			t.Errorf("LoadZone(%q): offset %d, want %d", tc.zone, off, tc.offset)
		}
	}
	for _, z := range []string{"", "Local", "Mars/Olympus", "+24:00", "+3", "03:00", "../../etc/passwd"} {
		if _, err := haven.LoadZone(z); haven.ErrorCodeOf(err) != haven.EINVALID {
			t.Errorf("LoadZone(%q) = %v, want EINVALID", z, err)
		}
	}
}

// TestInterviewValidate: each bad input is a problem of its own field; a
// good one gets its instant, worked out in the place's zone.
func TestInterviewValidate(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // 12:00 in Nairobi
	good := func() *haven.Interview {
		return &haven.Interview{Date: haven.Date{Year: 2026, Month: 3, Day: 10}, Time: "09:30", Zone: "Africa/Nairobi",
			Place: "UNHCR office, Nairobi", Language: "fa", Interpreter: true, InterpreterLanguage: "en",
			Attending: []haven.ID{"mem_1", "mem_2"}}
	}
	iv := good()
	if p := iv.Validate(now); len(p) != 0 {
		t.Fatalf("a good interview: %v", p)
	}
	if want := time.Date(2026, 3, 10, 6, 30, 0, 0, time.UTC); !iv.At.Equal(want) || iv.At.Location() != time.UTC {
		t.Errorf("At = %v, want %v (UTC)", iv.At, want)
	}
	if got := iv.Local().Format("2006-01-02 15:04 -07:00"); got != "2026-03-10 09:30 +03:00" {
		t.Errorf("Local = %s", got)
	}
	for _, tc := range []struct {
		name   string
		change func(iv *haven.Interview)
		fields []string
	}{
		{"remote only", func(iv *haven.Interview) { iv.Place, iv.Link = "", "https://meet.example.org/r/abc?pw=1" }, nil},
		{"a room some join remotely", func(iv *haven.Interview) { iv.Link = "https://meet.example.org/r/abc" }, nil},
		{"later today", func(iv *haven.Interview) { iv.Date, iv.Time = haven.Date{Year: 2026, Month: 3, Day: 2}, "12:01" }, nil},
		{"an offset", func(iv *haven.Interview) { iv.Zone = "+0300" }, nil},
		{"no interpreter", func(iv *haven.Interview) { iv.Interpreter, iv.InterpreterLanguage = false, "" }, nil},
		{"a date passed", func(iv *haven.Interview) { iv.Date = haven.Date{Year: 2026, Month: 3, Day: 1} }, []string{"date"}},
		{"a time passed today", func(iv *haven.Interview) { iv.Date, iv.Time = haven.Date{Year: 2026, Month: 3, Day: 2}, "11:59" }, []string{"time"}},
		// 23:30 on the 1st in Honolulu (-10:00) is 09:30 UTC on the 2nd:
		// still to come, though the 1st has passed in UTC.
		{"a day passed in UTC, not at the place", func(iv *haven.Interview) {
			iv.Date, iv.Time, iv.Zone = haven.Date{Year: 2026, Month: 3, Day: 1}, "23:30", "Pacific/Honolulu"
		}, nil},
		{"no date", func(iv *haven.Interview) { iv.Date = haven.Date{} }, []string{"date"}},
		{"a malformed time", func(iv *haven.Interview) { iv.Time = "9h30" }, []string{"time"}},
		{"a time the clocks skip", func(iv *haven.Interview) {
			iv.Date, iv.Time, iv.Zone = haven.Date{Year: 2026, Month: 3, Day: 8}, "02:30", "America/Toronto"
		}, []string{"time"}},
		{"an unknown zone", func(iv *haven.Interview) { iv.Zone = "Atlantis/Capital" }, []string{"zone"}},
		{"neither place nor link", func(iv *haven.Interview) { iv.Place, iv.Link = "  ", "" }, []string{"place"}},
		{"a link that is not https", func(iv *haven.Interview) { iv.Link = "http://meet.example.org/r/abc" }, []string{"link"}},
		{"a link with no host", func(iv *haven.Interview) { iv.Link = "https:///r/abc" }, []string{"link"}},
		{"a link with a password", func(iv *haven.Interview) { iv.Link = "https://user:pw@meet.example.org/" }, []string{"link"}},
		{"a link with a space", func(iv *haven.Interview) { iv.Link = "https://meet.example.org/a b" }, []string{"link"}},
		{"a relative link", func(iv *haven.Interview) { iv.Link = "meet.example.org/r/abc" }, []string{"link"}},
		{"a place too long", func(iv *haven.Interview) { iv.Place = strings.Repeat("x", 1001) }, []string{"place"}},
		{"no language", func(iv *haven.Interview) { iv.Language = "" }, []string{"language"}},
		{"an interpreter of no language", func(iv *haven.Interview) { iv.InterpreterLanguage = "" }, []string{"interpreter_language"}},
		{"an interpreter of an unknown language", func(iv *haven.Interview) { iv.InterpreterLanguage = "xx-unknown" }, []string{"interpreter_language"}},
		{"an interpreter's language without one", func(iv *haven.Interview) { iv.Interpreter = false }, []string{"interpreter_language"}},
		{"a member twice", func(iv *haven.Interview) { iv.Attending = []haven.ID{"mem_1", "mem_1"} }, []string{"attending"}},
		{"everything wrong", func(iv *haven.Interview) {
			*iv = haven.Interview{Time: "25:00", Zone: "Nowhere", Link: "ftp://x", Interpreter: true}
		}, []string{"zone", "time", "date", "link", "language", "interpreter_language"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			iv := good()
			tc.change(iv)
			var fields []string
			for _, f := range iv.Validate(now) {
				fields = append(fields, f.Field)
			}
			if !slices.Equal(fields, tc.fields) {
				t.Errorf("problems with %v, want %v", fields, tc.fields)
			}
			if tc.fields == nil && iv.At.IsZero() {
				t.Error("a good interview has no instant")
			}
		})
	}
	iv = good()
	iv.Zone = "+0300"
	iv.Validate(now)
	if iv.Zone != "+03:00" {
		t.Errorf("an offset is kept as %q, want +03:00", iv.Zone)
	}
}
