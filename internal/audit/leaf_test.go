package audit_test

import (
	"bytes"
	"crypto/sha256"
	"strings"
	"testing"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/audit"
)

// sample is the event of the documented example.
func sample() *haven.AuditEvent {
	return &haven.AuditEvent{
		Seq:        12,
		At:         time.Date(2024, 5, 1, 9, 30, 0, 123456789, time.UTC),
		ActorID:    "user_1",
		ActorOrgID: "org_unhcr",
		Action:     "case.refer",
		ObjectType: "case",
		ObjectID:   "case_7",
		CaseID:     "case_7",
		Decision:   "allow",
		PolicyIDs:  []string{"role.caseworker", "org.referrer"},
		RequestID:  "req_42",
		Detail:     `{"state":"referred"}`,
	}
}

func TestLeafDataGolden(t *testing.T) {
	want := "haven audit event v1\n" +
		"seq 2:12\n" +
		"at 30:2024-05-01T09:30:00.123456789Z\n" +
		"actor_id 6:user_1\n" +
		"actor_org_id 9:org_unhcr\n" +
		"action 10:case.refer\n" +
		"object_type 4:case\n" +
		"object_id 6:case_7\n" +
		"case_id 6:case_7\n" +
		"decision 5:allow\n" +
		"policy_ids 1:2\n" +
		"policy_id 15:role.caseworker\n" +
		"policy_id 12:org.referrer\n" +
		"request_id 6:req_42\n" +
		"detail 20:{\"state\":\"referred\"}\n"
	got := audit.LeafData(sample())
	if string(got) != want {
		t.Fatalf("LeafData =\n%s\nwant\n%s", got, want)
	}
	// The leaf hash is what an outsider computes: SHA-256 of 0x00 || data.
	if h := audit.LeafHash(sample()); h != sha256.Sum256(append([]byte{0}, got...)) {
		t.Errorf("LeafHash is not SHA-256(0x00 || LeafData)")
	}
}

func TestLeafDataTime(t *testing.T) {
	e := sample()
	paris := time.FixedZone("CEST", 2*3600)
	for _, tt := range []struct {
		name string
		at   time.Time
		want string
	}{
		{"another zone, same instant", e.At.In(paris), "at 30:2024-05-01T09:30:00.123456789Z\n"},
		{"with a monotonic reading", time.Now(), ""},
		{"whole seconds", time.Date(2024, 5, 1, 9, 30, 0, 0, time.UTC), "at 20:2024-05-01T09:30:00Z\n"},
		{"trailing zeros trimmed", time.Date(2024, 5, 1, 9, 30, 0, 100_000_000, time.UTC), "at 22:2024-05-01T09:30:00.1Z\n"},
		{"zero time", time.Time{}, "at 20:0001-01-01T00:00:00Z\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := *e
			d.At = tt.at
			got := string(audit.LeafData(&d))
			if tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("LeafData holds no %q:\n%s", tt.want, got)
			}
			// Whatever the zone, the leaf round trips to the same instant.
			back, err := audit.ParseLeafData([]byte(got))
			if err != nil {
				t.Fatalf("ParseLeafData: %v", err)
			}
			if !back.At.Equal(tt.at) {
				t.Errorf("At = %v, want %v", back.At, tt.at)
			}
		})
	}
	now := time.Now()
	a, b := *e, *e
	a.At, b.At = now, now.Round(0).In(paris)
	if !bytes.Equal(audit.LeafData(&a), audit.LeafData(&b)) {
		t.Error("the monotonic reading or the zone changes the leaf data")
	}
}

// TestLeafDataUnambiguous checks pairs of events that a careless encoding
// (joined fields, a separator inside a value) would give the same bytes.
func TestLeafDataUnambiguous(t *testing.T) {
	with := func(f func(*haven.AuditEvent)) *haven.AuditEvent {
		e := sample()
		f(e)
		return e
	}
	for _, tt := range []struct {
		name string
		a, b *haven.AuditEvent
	}{
		{"a byte moved between actor and organisation",
			with(func(e *haven.AuditEvent) { e.ActorID, e.ActorOrgID = "ab", "c" }),
			with(func(e *haven.AuditEvent) { e.ActorID, e.ActorOrgID = "a", "bc" })},
		{"one policy with a comma, or two",
			with(func(e *haven.AuditEvent) { e.PolicyIDs = []string{"a,b"} }),
			with(func(e *haven.AuditEvent) { e.PolicyIDs = []string{"a", "b"} })},
		{"a policy that looks like the next field",
			with(func(e *haven.AuditEvent) { e.PolicyIDs = []string{"x\nrequest_id 6:req_42"}; e.RequestID = "" }),
			with(func(e *haven.AuditEvent) { e.PolicyIDs = []string{"x"} })},
		{"no policy or one empty policy",
			with(func(e *haven.AuditEvent) { e.PolicyIDs = nil }),
			with(func(e *haven.AuditEvent) { e.PolicyIDs = []string{""} })},
		{"detail with a forged field line",
			with(func(e *haven.AuditEvent) { e.Detail = "{}\ndetail 2:{}" }),
			with(func(e *haven.AuditEvent) { e.Detail = "{}" })},
		{"object and case swapped",
			with(func(e *haven.AuditEvent) { e.ObjectID, e.CaseID = "case_1", "" }),
			with(func(e *haven.AuditEvent) { e.ObjectID, e.CaseID = "", "case_1" })},
		{"seq", with(func(e *haven.AuditEvent) { e.Seq = 13 }), sample()},
		{"detail whitespace",
			with(func(e *haven.AuditEvent) { e.Detail = `{"state": "referred"}` }), sample()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if bytes.Equal(audit.LeafData(tt.a), audit.LeafData(tt.b)) {
				t.Fatalf("two different events have the same leaf data:\n%s", audit.LeafData(tt.a))
			}
			if audit.LeafHash(tt.a) == audit.LeafHash(tt.b) {
				t.Fatal("two different events have the same leaf hash")
			}
			for _, e := range []*haven.AuditEvent{tt.a, tt.b} {
				back, err := audit.ParseLeafData(audit.LeafData(e))
				if err != nil {
					t.Fatalf("ParseLeafData: %v", err)
				}
				if !bytes.Equal(audit.LeafData(back), audit.LeafData(e)) {
					t.Fatal("leaf data does not round trip")
				}
			}
		})
	}
}

func TestParseLeafData(t *testing.T) {
	good := string(audit.LeafData(sample()))
	e, err := audit.ParseLeafData([]byte(good))
	if err != nil {
		t.Fatalf("ParseLeafData: %v", err)
	}
	want := sample()
	if e.Seq != want.Seq || !e.At.Equal(want.At) || e.ActorID != want.ActorID || e.ActorOrgID != want.ActorOrgID ||
		e.Action != want.Action || e.ObjectType != want.ObjectType || e.ObjectID != want.ObjectID || e.CaseID != want.CaseID ||
		e.Decision != want.Decision || strings.Join(e.PolicyIDs, "|") != strings.Join(want.PolicyIDs, "|") ||
		e.RequestID != want.RequestID || e.Detail != want.Detail {
		t.Errorf("ParseLeafData = %+v, want %+v", e, want)
	}

	for _, tt := range []struct {
		name string
		data string
	}{
		{"empty", ""},
		{"another version", strings.Replace(good, " v1\n", " v2\n", 1)},
		{"a length with a leading zero", strings.Replace(good, "seq 2:12", "seq 02:12", 1)},
		{"a length too long", strings.Replace(good, "seq 2:12", "seq 3:12", 1)},
		{"a negative length", strings.Replace(good, "seq 2:12", "seq -2:12", 1)},
		{"a field renamed", strings.Replace(good, "actor_id", "actor_ID", 1)},
		{"fields reordered", strings.Replace(strings.Replace(good, "object_type 4:case\n", "", 1), "object_id 6:case_7\n", "object_id 6:case_7\nobject_type 4:case\n", 1)},
		{"a time not in UTC", strings.Replace(good, "at 30:2024-05-01T09:30:00.123456789Z", "at 35:2024-05-01T11:30:00.123456789+02:00", 1)},
		{"a time with trailing zeros", strings.Replace(good, "at 30:2024-05-01T09:30:00.123456789Z", "at 31:2024-05-01T09:30:00.1234567890Z", 1)},
		{"a seq with a plus", strings.Replace(good, "seq 2:12", "seq 3:+12", 1)},
		{"more policies than counted", strings.Replace(good, "policy_ids 1:2", "policy_ids 1:1", 1)},
		{"a huge policy count", strings.Replace(good, "policy_ids 1:2", "policy_ids 10:9999999999", 1)},
		{"trailing data", good + "x"},
		{"no final newline", strings.TrimSuffix(good, "\n")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if e, err := audit.ParseLeafData([]byte(tt.data)); haven.ErrorCodeOf(err) != haven.EINVALID {
				t.Errorf("ParseLeafData = %+v, %v; want EINVALID", e, err)
			}
		})
	}
}

// FuzzParseLeafData checks that whatever ParseLeafData accepts is canonical.
func FuzzParseLeafData(f *testing.F) {
	f.Add(audit.LeafData(sample()))
	f.Add(audit.LeafData(&haven.AuditEvent{}))
	f.Add(audit.LeafData(Event(7)))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := audit.ParseLeafData(data)
		if err != nil {
			return
		}
		if !bytes.Equal(audit.LeafData(e), data) {
			t.Fatalf("ParseLeafData accepted non-canonical data %q", data)
		}
	})
}
