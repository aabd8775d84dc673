package sqlstore

import (
	"encoding/json"
	"reflect"
	"testing"
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
