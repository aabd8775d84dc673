package sqlstore

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/havenhrd/haven"
)

// TestCodeArray: the code lists read without the JSON decoder read as the
// decoder reads them, and whatever the fast way does not take (escapes,
// other spacing, other values, broken text) is left to the decoder.
func TestCodeArray(t *testing.T) {
	for _, in := range []string{`[]`, `["AF"]`, `["AF","IR"]`, `["AF", "IR", "SY"]`, `["fa-AF","ps"]`, `[""]`, `["é"]`} {
		got, ok := codeArray([]byte(in))
		var want []string
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatal(err)
		}
		if !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %q %v, want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{``, `[`, `null`, `["A\"F"]`, `["AF",]`, `["AF" ,"IR"]`, `[ "AF"]`, `["AF"`, `["AF""IR"]`, `[1]`, `{"a":"b"}`, "[\"A\tF\"]", `["AF",  "IR"]`} {
		if got, ok := codeArray([]byte(in)); ok {
			t.Errorf("%s: taken as %q", in, got)
		}
	}
	// Through the decoder: an escape the fast way leaves is still read.
	var d decoder
	var v []string
	d.strings([]byte(`["A\u0046"]`), &v)
	if d.err != nil || !reflect.DeepEqual(v, []string{"AF"}) {
		t.Errorf("an escaped code: %q %v", v, d.err)
	}
	d.strings([]byte(`[1]`), &v)
	if d.err == nil {
		t.Error("a list of numbers read as codes")
	}
}

// TestFixedDate: a stored date read directly reads as haven.ParseDate
// reads it, and what is not a calendar date is left to it.
func TestFixedDate(t *testing.T) {
	for _, s := range []string{"2026-12-07", "2024-02-29", "0001-01-01", "9999-12-31", "2026-04-30"} {
		want, err := haven.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := fixedDate(s); !ok || got != want {
			t.Errorf("%s: %v %v, want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "2026-12-7", "2026-13-01", "2026-00-10", "2026-04-31", "2025-02-29", "2026-12-00", "2026/12/07", "2026-1a-07", "+026-12-07", "2026-12-07T"} {
		if got, ok := fixedDate(s); ok {
			t.Errorf("%q read as %v", s, got)
		}
	}
}

// FuzzFixedDate: wherever the direct reading reads, haven.ParseDate reads
// the same date.
func FuzzFixedDate(f *testing.F) {
	f.Add("2026-12-07")
	f.Add("2024-02-29")
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := fixedDate(s)
		want, err := haven.ParseDate(s)
		if ok && (err != nil || got != want) {
			t.Fatalf("%q: %v, ParseDate %v %v", s, got, want, err)
		}
	})
}
