package app_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/testdb"
)

// otherReferrer returns a caseworker of a second referral partner.
func (e *env) otherReferrer(t testing.TB) haven.Actor {
	t.Helper()
	o := &haven.Organisation{Kind: haven.OrgReferralPartner, Name: "Another referral partner", Country: "CH"}
	noErr(t, e.app.Programme.CreateOrganisation(e.ctx, e.admin, o))
	u := &haven.User{OrgID: o.ID, Role: haven.RoleCaseworker, Username: "other-referrer", DisplayName: "Other referrer"}
	if _, err := e.app.Programme.CreateUser(e.ctx, e.admin, u); err != nil {
		t.Fatal(err)
	}
	return haven.Actor{UserID: u.ID}
}

// fixed returns a referral whose every field is the same each time it is
// called with tag: no serial number in it.
func fixed(tag string) *haven.Case {
	c := referral(tag, 3, haven.PriorityUrgent)
	c.UNHCRNumber = "UNH-" + strings.ToUpper(tag)
	for i, m := range c.Members {
		m.GivenNames = tag + " member " + string(rune('A'+i))
	}
	return c
}

// anonymous returns a copy of c without what differs between two equal
// referrals by two organisations stored apart: the IDs Haven draws at
// random, and the reference it draws.
func anonymous(c *haven.Case) *haven.Case {
	d := *c
	d.ID, d.Reference, d.ReferringOrgID, d.Members = "", "", "", nil
	for _, m := range c.Members {
		n := *m
		n.ID, n.CaseID = "", ""
		d.Members = append(d.Members, &n)
	}
	if c.Timeline != nil {
		tl := &haven.Timeline{Earlier: c.Timeline.Earlier}
		for _, en := range c.Timeline.Entries {
			x := *en
			x.OrgID = ""
			tl.Entries = append(tl.Entries, &x)
		}
		d.Timeline = tl
	}
	return &d
}

func duplicatesOf(t testing.TB, e *env, actor haven.Actor, id haven.ID) []*haven.PossibleDuplicate {
	t.Helper()
	c, err := e.app.Cases.FindCaseByID(e.ctx, actor, id)
	noErr(t, err)
	return c.PossibleDuplicates
}

// TestDuplicateAcrossOrganisationsTellsTheReferrerNothing: a referral that
// lists a person already on another organisation's open case is taken; the
// referrer's answer and its view of the case are those of a referral that
// matched nothing; the visa office sees the flag on both cases, with the
// members that matched; the audit log has the match, IDs only; the queue
// filter is the visa office's alone.
func TestDuplicateAcrossOrganisationsTellsTheReferrerNothing(t *testing.T) {
	for _, eng := range testdb.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			// The same referral by B, once where A's case holds one of its
			// persons and once where it does not.
			refer := func(overlap bool) (*env, haven.Actor, *haven.Case, *haven.Case, error) {
				e := newEnv(t, eng.Open(t))
				b := e.otherReferrer(t)
				a := fixed("Alpha")
				if overlap {
					theirs := fixed("Beta").Members[2]
					a.Members[2].FamilyName, a.Members[2].GivenNames, a.Members[2].DateOfBirth = theirs.FamilyName, theirs.GivenNames, theirs.DateOfBirth
				}
				e.refer(t, a)
				c := fixed("Beta")
				err := e.app.Cases.CreateReferral(e.ctx, b, c)
				return e, b, a, c, err
			}
			e, b, a, dup, err := refer(true)
			noErr(t, err)
			e0, b0, _, clean, err0 := refer(false)
			noErr(t, err0)

			seen, err := e.app.Cases.FindCaseByID(e.ctx, b, dup.ID)
			noErr(t, err)
			seen0, err := e0.app.Cases.FindCaseByID(e0.ctx, b0, clean.ID)
			noErr(t, err)
			if seen.PossibleDuplicates != nil {
				t.Errorf("the referrer sees %d possible duplicates", len(seen.PossibleDuplicates))
			}
			if got, want := anonymous(seen), anonymous(seen0); !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				t.Errorf("the referrer's view differs from a referral that matched nothing:\n%s\n%s", g, w)
			}
			if got, want := anonymous(dup), anonymous(clean); !reflect.DeepEqual(got, want) {
				t.Errorf("the referral as returned differs from one that matched nothing")
			}
			list, n, err := e.app.Cases.FindCases(e.ctx, b, haven.CaseFilter{})
			noErr(t, err)
			list0, n0, err := e0.app.Cases.FindCases(e0.ctx, b0, haven.CaseFilter{})
			noErr(t, err)
			if n != n0 || len(list) != 1 || len(list0) != 1 || !reflect.DeepEqual(anonymous(list[0]), anonymous(list0[0])) {
				t.Errorf("the referrer's list differs from one that matched nothing: %d %d", n, n0)
			}

			// The visa office sees the link, from either side.
			want := []*haven.PossibleDuplicate{{OtherCaseID: a.ID, Match: haven.MatchMemberIdentity,
				MemberID: dup.Members[2].ID, OtherMemberID: a.Members[2].ID, FoundAt: dup.ReferredAt}}
			if got := duplicatesOf(t, e, e.visa, dup.ID); !reflect.DeepEqual(got, want) {
				t.Errorf("visa office, new case: %+v, want %+v", got, want[0])
			}
			back := []*haven.PossibleDuplicate{{OtherCaseID: dup.ID, Match: haven.MatchMemberIdentity,
				MemberID: a.Members[2].ID, OtherMemberID: dup.Members[2].ID, FoundAt: dup.ReferredAt}}
			if got := duplicatesOf(t, e, e.visa, a.ID); !reflect.DeepEqual(got, back) {
				t.Errorf("visa office, earlier case: %+v, want %+v", got, back[0])
			}
			if got := duplicatesOf(t, e, e.unhcr, a.ID); got != nil {
				t.Errorf("the earlier case's referrer sees %+v", got)
			}
			if got := duplicatesOf(t, e0, e0.visa, clean.ID); got != nil {
				t.Errorf("a referral that matched nothing is flagged: %+v", got)
			}

			// The audit log: the match, IDs only.
			var found int
			for _, ev := range e.auditEvents(t) {
				if ev.Action != "case.possible_duplicate" {
					continue
				}
				found++
				var d map[string]string
				noErr(t, json.Unmarshal([]byte(ev.Detail), &d))
				if ev.ObjectID != dup.ID || ev.CaseID != dup.ID || d["other_case_id"] != string(a.ID) || d["match"] != "member_identity" ||
					d["member_id"] != string(dup.Members[2].ID) || d["other_member_id"] != string(a.Members[2].ID) {
					t.Errorf("audit event = %+v", ev)
				}
				for _, secret := range []string{dup.Members[2].FamilyName, dup.Members[2].GivenNames, dup.Members[2].DateOfBirth.String(), dup.UNHCRNumber} {
					if strings.Contains(ev.Detail, secret) {
						t.Errorf("the audit event quotes %q", secret)
					}
				}
			}
			if found != 1 {
				t.Errorf("%d case.possible_duplicate events, want 1", found)
			}

			// The visa office's queue finds both; nobody else may ask.
			flagged, total, err := e.app.Cases.FindCases(e.ctx, e.visa, haven.CaseFilter{PossibleDuplicate: true})
			noErr(t, err)
			var ids []haven.ID
			for _, c := range flagged {
				ids = append(ids, c.ID)
			}
			if total != 2 || !slices.Contains(ids, a.ID) || !slices.Contains(ids, dup.ID) {
				t.Errorf("visa office's possible duplicates = %v (total %d)", ids, total)
			}
			for _, who := range []haven.Actor{b, e.unhcr, e.fld, e.settlement} {
				_, _, err := e.app.Cases.FindCases(e.ctx, who, haven.CaseFilter{PossibleDuplicate: true})
				wantCode(t, err, haven.EFORBIDDEN)
			}
		})
	}
}

// TestDuplicateUNHCRNumberAcrossOrganisations: another organisation's
// UNHCR case number is taken and flagged for the visa office.
func TestDuplicateUNHCRNumberAcrossOrganisations(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		b := e.otherReferrer(t)
		a := e.refer(t, referral("Alpha", 2, haven.PriorityNormal))
		c := referral("Beta", 2, haven.PriorityNormal)
		c.UNHCRNumber = strings.ToLower(a.UNHCRNumber)
		noErr(t, e.app.Cases.CreateReferral(e.ctx, b, c))
		want := []*haven.PossibleDuplicate{{OtherCaseID: a.ID, Match: haven.MatchUNHCRNumber, FoundAt: c.ReferredAt}}
		if got := duplicatesOf(t, e, e.visa, c.ID); !reflect.DeepEqual(got, want) {
			t.Errorf("possible duplicates = %+v, want %+v", got, want[0])
		}
		if got := duplicatesOf(t, e, b, c.ID); got != nil {
			t.Errorf("the referrer sees %+v", got)
		}
	})
}

// TestDuplicateWithinOwnCaseloadIsRefused: a referrer is still told of a
// duplicate among the cases it referred itself.
func TestDuplicateWithinOwnCaseloadIsRefused(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		a := e.refer(t, referral("Alpha", 3, haven.PriorityNormal))
		again := referral("Again", 3, haven.PriorityNormal)
		again.UNHCRNumber = a.UNHCRNumber
		err := e.app.Cases.CreateReferral(e.ctx, e.unhcr, again)
		wantCode(t, err, haven.ECONFLICT)
		if f := haven.FieldsOf(err); len(f) != 1 || f[0].Field != "unhcr_number" {
			t.Errorf("fields = %+v", f)
		}
		person := referral("Person", 3, haven.PriorityNormal)
		person.Members[2].FamilyName, person.Members[2].GivenNames, person.Members[2].DateOfBirth = a.Members[2].FamilyName, a.Members[2].GivenNames, a.Members[2].DateOfBirth
		err = e.app.Cases.CreateReferral(e.ctx, e.unhcr, person)
		if f := haven.FieldsOf(err); err == nil || len(f) != 1 || f[0].Field != "members[2]" {
			t.Errorf("a person on the referrer's own open case: %v", err)
		}
	})
}

// TestImportDuplicates: a bulk import takes a line that matches another
// organisation's case and flags it; a duplicate within the file, or within
// the importer's own caseload, is refused as before.
func TestImportDuplicates(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		b := e.otherReferrer(t)
		a := e.refer(t, referral("Alpha", 3, haven.PriorityNormal))
		theirs := referral("Theirs", 3, haven.PriorityNormal)
		theirs.UNHCRNumber = a.UNHCRNumber
		mine := e.refer(t, referral("Mine", 2, haven.PriorityNormal)) // UNHCR's own
		_ = mine
		noErr(t, e.app.Cases.ImportReferrals(e.ctx, b, []*haven.Case{theirs, referral("Other", 2, haven.PriorityNormal)}))
		if got := duplicatesOf(t, e, e.visa, theirs.ID); len(got) != 1 || got[0].OtherCaseID != a.ID || got[0].Match != haven.MatchUNHCRNumber {
			t.Errorf("imported possible duplicate = %+v", got)
		}

		one, two := referral("One", 2, haven.PriorityNormal), referral("Two", 2, haven.PriorityNormal)
		two.UNHCRNumber = one.UNHCRNumber
		err := e.app.Cases.ImportReferrals(e.ctx, b, []*haven.Case{one, two})
		if f := haven.FieldsOf(err); len(f) != 1 || f[0].Field != "line 2: unhcr_number" {
			t.Errorf("a UNHCR number twice in the file: %v", err)
		}
		own := referral("Own", 2, haven.PriorityNormal)
		own.UNHCRNumber = theirs.UNHCRNumber // now on B's own case too
		err = e.app.Cases.ImportReferrals(e.ctx, b, []*haven.Case{own})
		if f := haven.FieldsOf(err); len(f) != 1 || f[0].Field != "line 1: unhcr_number" {
			t.Errorf("a UNHCR number on the importer's own case: %v", err)
		}
	})
}
