package referral_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/referral"
)

const header = "referral,unhcr_number,submission_priority,processing_priority,primary_category,nationality_countries,asylum_country," +
	"persecution_account,work_areas,declared_size,relationship,accompanying,family_name,given_names,date_of_birth,sex,nationalities,languages\n"

func kinds(ps []referral.Problem) []referral.Kind {
	var out []referral.Kind
	for _, p := range ps {
		out = append(out, p.Kind)
	}
	return out
}

// TestColumns: every CSV column names a field of the JSON format once, and
// every field of a referral and of a member (but the threat events, which
// are JSON only) has its column.
func TestColumns(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range referral.Columns {
		if seen[c.Name] || c.Name == referral.KeyColumn {
			t.Errorf("column %q twice, or the key column", c.Name)
		}
		seen[c.Name] = true
	}
	fields := func(t reflect.Type, prefix string) []string {
		var out []string
		for f := range t.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" || name == "members" || name == "profile" || name == "threat_events" {
				continue
			}
			out = append(out, prefix+name)
		}
		return out
	}
	want := append(fields(reflect.TypeFor[referral.Referral](), ""), fields(reflect.TypeFor[referral.Profile](), "")...)
	want = append(want, fields(reflect.TypeFor[referral.Member](), "")...)
	for _, f := range want {
		if !seen[f] {
			t.Errorf("the field %q has no CSV column", f)
		}
	}
}

// TestCSV: a family over two rows is one referral of two members; a bad
// enum is named at its row and column's field; a family whose rows
// disagree is refused.
func TestCSV(t *testing.T) {
	good := header +
		"A,UNH-1,urgent,urgent,legal_physical_protection,IR,TR,Account,journalism;womens_rights,2,principal,yes,Rahimi,Leila,1980-01-02,female,IR,fa;en\n" +
		"A,UNH-1,urgent,urgent,legal_physical_protection,IR,TR,Account,journalism;womens_rights,2,spouse,no,Rahimi,Omid,1979-03-04,male,ir,FA\n"
	d := referral.DecodeCSV([]byte(good))
	if len(d.Problems) != 0 || len(d.Cases) != 1 {
		t.Fatalf("good CSV: %d cases, problems %+v", len(d.Cases), d.Problems)
	}
	c := d.Cases[0]
	if len(c.Members) != 2 || c.Members[1].Accompanying || c.Members[1].Nationalities[0] != "IR" || c.Members[1].Languages[0] != "fa" ||
		len(c.Profile.WorkAreas) != 2 || c.ProcessingPriority != haven.PriorityUrgent || d.Refs[0].Line != 2 || !slices.Equal(d.Refs[0].Members, []int{2, 3}) {
		t.Fatalf("good CSV read as %+v %+v", c, d.Refs)
	}
	bad := strings.Replace(good, ",male,", ",unknown,", 1)
	d = referral.DecodeCSV([]byte(bad))
	if len(d.Problems) != 1 || d.Problems[0].Kind != referral.BadValue || d.Problems[0].Line != 3 || d.Problems[0].Field != "members[1].sex" || d.Cases != nil {
		t.Fatalf("bad sex: %+v", d.Problems)
	}
	differs := strings.Replace(good, "UNH-1,urgent,urgent,legal_physical_protection,IR,TR,Account,journalism;womens_rights,2,spouse",
		"UNH-2,urgent,urgent,legal_physical_protection,IR,TR,Account,journalism;womens_rights,2,spouse", 1)
	if d := referral.DecodeCSV([]byte(differs)); !slices.Contains(kinds(d.Problems), referral.Differs) {
		t.Fatalf("rows that disagree: %+v", d.Problems)
	}
	if d := referral.DecodeCSV([]byte(header + "A,UNH-1\n")); !slices.Contains(kinds(d.Problems), referral.CellCount) {
		t.Fatalf("a short row: %+v", d.Problems)
	}
	if d := referral.DecodeCSV(nil); len(d.Problems) != 1 || d.Problems[0].Kind != referral.Empty {
		t.Fatalf("an empty file: %+v", d.Problems)
	}
}

// TestJSON: a field given twice, in any case, is refused at the line where
// its referral starts; an unknown field and a bad enum are named; a list
// entry that is null is refused.
func TestJSON(t *testing.T) {
	file := `[
  {"unhcr_number": "UNH-1", "declared_size": 1, "members": [{"family_name": "A", "sex": "female"}]},
  {"unhcr_number": "UNH-2",
   "declared_size": 1, "Declared_Size": 2,
   "nickname": "x",
   "members": [{"family_name": "B", "sex": "unknown"}, null]}
]`
	d := referral.DecodeJSON([]byte(file))
	got := map[string][]referral.Kind{}
	for _, p := range d.Problems {
		if p.Referral != 1 || p.Line != 3 {
			t.Errorf("problem %+v is not on the second referral's line", p)
		}
		got[p.Field] = append(got[p.Field], p.Kind)
	}
	// A key that differs from a field's name only in case is given twice,
	// and (named otherwise than exactly) not a field of the format either.
	want := map[string]referral.Kind{"Declared_Size": referral.Twice, "nickname": referral.Unknown,
		"members[0].sex": referral.BadValue, "members[1]": referral.WantObject}
	for f, k := range want {
		if !slices.Contains(got[f], k) {
			t.Errorf("%s: %q, want %q (all: %+v)", f, got[f], k, d.Problems)
		}
	}
	if d.Cases != nil {
		t.Error("a file with problems gave cases")
	}
	if d := referral.DecodeJSON([]byte(`{"referrals": [{"unhcr_number": "UNH-3", "declared_size": 1}]}`)); len(d.Problems) != 0 || len(d.Cases) != 1 {
		t.Fatalf("the API's shape: %+v", d.Problems)
	}
}
