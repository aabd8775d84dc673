package app_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/app"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/testdb"
	"github.com/havenhrd/haven/internal/vault"
)

// canaries are distinctive strings, in several scripts, that must never
// appear in the database files in the clear.
var canaries = []string{"Qwyzzelbaum", "زينب‌القمرية", "Ярославна", "黎明月", "Xochiquetzal-Oyelaran", "+90 555 7391", "Safehouse Kadikoy 77", "UNH-CANARY-4242"}

func canaryCase() *haven.Case {
	c := referral("Canary", 3, haven.PriorityUrgent)
	c.UNHCRNumber = canaries[7]
	c.Members[0].FamilyName, c.Members[0].GivenNames = canaries[0], canaries[1]
	c.Members[1].FamilyName, c.Members[1].GivenNames = canaries[2], canaries[3]
	c.Members[2].FamilyName = canaries[4]
	c.Members[0].Contact, c.Members[0].Whereabouts = canaries[5], canaries[6]
	c.PersecutionAccount = "Beaten by " + canaries[4]
	c.Members[1].ConfidentialNotes = "Confidential: " + canaries[2]
	return c
}

// TestCanaryNoPlaintextOnDisk writes cases and a nomination full of
// distinctive personal data and scans what each engine keeps for any of it:
// SQLite's database, WAL and shared-memory files; PostgreSQL's rows (every
// column's raw bytes), its relation files and its WAL records of the
// store's own schema. There must be none. A plaintext written on purpose
// into a sealed column, as a broken vault would leave it, must be found in
// every kind of place scanned, or the scan cannot be trusted.
func TestCanaryNoPlaintextOnDisk(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		c := e.refer(t, canaryCase())
		c = e.admissible(t, c)
		must[*haven.Case](t)(e.app.Cases.Approve(e.ctx, e.visa, c.ID, app.ApproveInput{}))
		must[*haven.Case](t)(e.app.Cases.Hold(e.ctx, e.visa, c.ID, "Family moved to "+canaries[6]))
		n := &haven.Nomination{
			ReferralOrgID: e.orgs[haven.OrgReferralPartner].ID, DefenderName: canaries[0] + " " + canaries[1], Contact: canaries[5],
			Whereabouts: canaries[6], RiskAssessment: "Hunted by " + canaries[2], RecommendedPriority: haven.PriorityEmergency,
			NationalityCountries: []string{"SY"}, AsylumCountry: "LB", FamilySize: 1,
		}
		noErr(t, e.app.Nominations.CreateNomination(e.ctx, e.fld, n))
		// The positive control: a plaintext in a sealed (bytea) column.
		const control = "CONTROL-plaintext-in-a-sealed-column-7731"
		testdb.Exec(t, e.store, `UPDATE nominations SET decline_reason_enc = $1 WHERE id = $2`, []byte(control), n.ID)
		all := testdb.PlaintextHits(t, e.store, append([]string{control}, canaries...))
		var hits []testdb.Hit
		for _, h := range all {
			if h.Needle != control {
				hits = append(hits, h)
			}
		}
		want := map[string][]string{"sqlite": {"file"}, "postgres": {"row", "wal", "file"}}[e.store.Engine()]
		found := testdb.Kinds(all)
		for _, k := range want {
			if !found[k] {
				t.Fatalf("the scan of %s kinds %v does not find the control in the %s: it cannot be trusted (found %v)", e.store.Engine(), want, k, all)
			}
		}
		t.Logf("%s: the control found in %d places; canaries: %d hits", e.store.Engine(), len(all)-len(hits), len(hits))
		if len(hits) != 0 {
			t.Fatalf("plaintext personal data at rest: %v", hits)
		}
		if db, ok := e.store.(interface{ Checkpoint(context.Context) error }); ok {
			noErr(t, db.Checkpoint(e.ctx))
			if hits := testdb.PlaintextHits(t, e.store, canaries); len(hits) != 0 {
				t.Fatalf("plaintext personal data on disk after checkpoint: %v", hits)
			}
		}
		// And yet the data is all there for those allowed to read it.
		got := must[*haven.Case](t)(e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID))
		if got.Members[0].FamilyName != canaries[0] || got.Members[1].GivenNames != canaries[3] || got.UNHCRNumber != canaries[7] {
			t.Fatalf("round trip lost data: %+v", got.Members[0])
		}
	})
}

// TestMovedCiphertextFailsToOpen swaps two members' sealed names in the
// database, behind Haven's back: the case no longer opens, rather than show
// one person's name as another's. So does a sealed value moved to another
// column of the same row, or to another case.
func TestMovedCiphertextFailsToOpen(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		c := e.refer(t, referral("Moved", 2, haven.PriorityNormal))
		other := e.refer(t, referral("Elsewhere", 1, haven.PriorityNormal))
		members := func(id haven.ID) (ms []*store.MemberRow) {
			noErr(t, e.store.View(e.ctx, func(tx store.Tx) (err error) {
				ms, err = tx.FindMembers(e.ctx, id)
				return err
			}))
			return ms
		}
		ms, elsewhere := members(c.ID), members(other.ID)
		a, b := []byte(ms[0].FamilyName), []byte(ms[1].FamilyName)
		opens := func() error {
			_, err := e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID)
			return err
		}
		noErr(t, opens())
		// Another row of the same table and case.
		testdb.Exec(t, e.store, `UPDATE members SET family_name_enc = $1 WHERE id = $2`, b, ms[0].ID)
		wantCode(t, opens(), haven.EINTERNAL)
		// Another column of the same row.
		testdb.Exec(t, e.store, `UPDATE members SET family_name_enc = $1, given_names_enc = $1 WHERE id = $2`, a, ms[0].ID)
		wantCode(t, opens(), haven.EINTERNAL)
		// The same column of another case's member.
		testdb.Exec(t, e.store, `UPDATE members SET family_name_enc = $1, given_names_enc = $2 WHERE id = $3`, []byte(elsewhere[0].FamilyName), []byte(ms[0].GivenNames), ms[0].ID)
		wantCode(t, opens(), haven.EINTERNAL)
		// Put back, it opens again: the failures were the moves.
		testdb.Exec(t, e.store, `UPDATE members SET family_name_enc = $1 WHERE id = $2`, a, ms[0].ID)
		noErr(t, opens())
	})
}

// TestShredding destroys a case's data key: its sealed fields are gone for
// good, its states, ledger and audit trail stay, and it takes no more events.
func TestShredding(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		c := e.admissible(t, e.refer(t, referral("Shred", 2, haven.PriorityNormal)))
		c = must[*haven.Case](t)(e.app.Cases.Approve(e.ctx, e.visa, c.ID, app.ApproveInput{}))
		other := e.refer(t, referral("Kept", 1, haven.PriorityNormal))
		wantCode(t, e.app.Cases.ShredCase(e.ctx, e.visa, c.ID), haven.EFORBIDDEN)
		noErr(t, e.app.Cases.ShredCase(e.ctx, e.admin, c.ID))
		got := must[*haven.Case](t)(e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID))
		if !got.Shredded || got.Members[0].FamilyName != "" || got.PersecutionAccount != "" || got.UNHCRNumber != "" || got.Checks[0].Details != "" {
			t.Fatalf("shredded case still readable: %+v", got.Members[0])
		}
		if got.State != haven.StateApproved || len(got.Members) != 2 || len(got.Checks) != 6 || got.Members[0].Relationship != haven.RelPrincipal {
			t.Fatalf("shredding lost the case's structure: %s, %d members", got.State, len(got.Members))
		}
		if f := e.figures(t, 2026); f.Reserved != 2 {
			t.Fatalf("shredding changed the ledger: %+v", f)
		}
		_, err := e.app.Cases.BookTravel(e.ctx, e.visa, c.ID, &haven.Travel{Date: haven.DateOf(e.clock.Now().AddDate(0, 0, 7))})
		wantCode(t, err, haven.ECONFLICT)
		wantCode(t, e.app.Cases.ShredCase(e.ctx, e.admin, c.ID), haven.ECONFLICT)
		if o := must[*haven.Case](t)(e.app.Cases.FindCaseByID(e.ctx, e.visa, other.ID)); o.Members[0].FamilyName != "FamilyKept" {
			t.Fatalf("shredding one case touched another: %+v", o.Members[0])
		}
		shredded := false
		for _, ev := range e.auditEvents(t) {
			shredded = shredded || ev.Action == "case.shred" && ev.CaseID == c.ID && ev.ActorID == e.admin.UserID
		}
		if !shredded {
			t.Fatal("no case.shred event by the admin")
		}
	})
}

// TestShreddingForgetsTheIndexes: once a case is shredded, nothing derived
// from its plaintext is left to match. Its UNHCR number and its members'
// name-and-birth-date indexes find nothing, and the same family referred
// again by the same partner is not refused as a duplicate.
func TestShreddingForgetsTheIndexes(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		first := e.refer(t, referral("Forgotten", 2, haven.PriorityNormal))
		again := func() *haven.Case {
			c := referral("Forgotten", 2, haven.PriorityNormal)
			c.UNHCRNumber = first.UNHCRNumber
			for i, m := range c.Members {
				m.FamilyName, m.GivenNames, m.DateOfBirth = first.Members[i].FamilyName, first.Members[i].GivenNames, first.Members[i].DateOfBirth
			}
			return c
		}
		// Before: the same partner referring the same family is refused.
		err := e.app.Cases.CreateReferral(e.ctx, e.unhcr, again())
		wantCode(t, err, haven.ECONFLICT)
		v := e.vault(t)
		unhcrIdx := v.BlindIndex("unhcr_case_number", first.UNHCRNumber)
		idIdx := func(m *haven.Member) []byte {
			return v.BlindIndex("member_name_dob", m.FamilyName, m.GivenNames, m.DateOfBirth.String())
		}
		lookups := func() (cases int, members int) {
			noErr(t, e.store.View(e.ctx, func(tx store.Tx) error {
				cs, err := tx.FindCasesByUNHCRIndex(e.ctx, unhcrIdx)
				if err != nil {
					return err
				}
				cases = len(cs)
				for _, m := range first.Members {
					ms, err := tx.FindMembersByIdentityIndex(e.ctx, idIdx(m))
					if err != nil {
						return err
					}
					members += len(ms)
				}
				return nil
			}))
			return cases, members
		}
		if c, m := lookups(); c != 1 || m != 2 {
			t.Fatalf("before shredding the indexes find %d cases and %d members, want 1 and 2", c, m)
		}
		noErr(t, e.app.Cases.ShredCase(e.ctx, e.admin, first.ID))
		if c, m := lookups(); c != 0 || m != 0 {
			t.Fatalf("after shredding the indexes still find %d cases and %d members", c, m)
		}
		// The shredded case keeps its structure.
		got := must[*haven.Case](t)(e.app.Cases.FindCaseByID(e.ctx, e.visa, first.ID))
		if !got.Shredded || len(got.Members) != 2 || got.State != haven.StateReferred {
			t.Fatalf("shredded case = %+v", got)
		}
		// After: the same family and number go through, with no problem raised.
		c := again()
		if err := e.app.Cases.CreateReferral(e.ctx, e.unhcr, c); err != nil {
			t.Fatalf("referral of a shredded family refused: %v (%+v)", err, haven.FieldsOf(err))
		}
		if c, m := lookups(); c != 1 || m != 2 {
			t.Fatalf("the new referral's indexes find %d cases and %d members, want 1 and 2", c, m)
		}
	})
}

// TestShredNomination: a nomination's sealed fields go with its key; a
// shredded nomination cannot be declined with a new sealed reason either.
func TestShredNomination(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		n := &haven.Nomination{ReferralOrgID: e.orgs[haven.OrgReferralPartner].ID, DefenderName: "Shredded Defender", Whereabouts: "Somewhere",
			RiskAssessment: "High", RecommendedPriority: haven.PriorityUrgent, NationalityCountries: []string{"SD"}, AsylumCountry: "EG", FamilySize: 2}
		noErr(t, e.app.Nominations.CreateNomination(e.ctx, e.fld, n))
		wantCode(t, e.app.Nominations.ShredNomination(e.ctx, e.fld, n.ID), haven.EFORBIDDEN)
		noErr(t, e.app.Nominations.ShredNomination(e.ctx, e.admin, n.ID))
		got := must[*haven.Nomination](t)(e.app.Nominations.FindNominationByID(e.ctx, e.fld, n.ID))
		if !got.Shredded || got.DefenderName != "" || got.Whereabouts != "" || got.RiskAssessment != "" || got.State != haven.NominationSubmitted || got.FamilySize != 2 {
			t.Fatalf("shredded nomination = %+v", got)
		}
		wantCode(t, e.app.Nominations.ShredNomination(e.ctx, e.admin, n.ID), haven.ECONFLICT)
		_, err := e.app.Nominations.DeclineNomination(e.ctx, e.unhcr, n.ID, "Outside mandate")
		wantCode(t, err, haven.ECONFLICT)
	})
}

// TestKeyRotation rotates the key-encryption key: data keys are re-wrapped
// without touching any sealed field, and afterwards a key file holding only
// the new key reads everything.
func TestKeyRotation(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		c := e.refer(t, referral("Rotate", 2, haven.PriorityNormal))
		noErr(t, e.app.Nominations.CreateNomination(e.ctx, e.fld, &haven.Nomination{ReferralOrgID: e.orgs[haven.OrgReferralPartner].ID,
			DefenderName: "Rotated Defender", RiskAssessment: "High", RecommendedPriority: haven.PriorityNormal,
			NationalityCountries: []string{"NI"}, AsylumCountry: "CR", FamilySize: 1}))
		var sealedBefore []byte
		noErr(t, e.store.View(e.ctx, func(tx store.Tx) error {
			ms, err := tx.FindMembers(e.ctx, c.ID)
			sealedBefore = ms[0].FamilyName
			return err
		}))
		rotated := must[*vault.Keyring](t)(e.keys.Rotate(nil))
		v2 := must[*vault.Vault](t)(vault.New(rotated))
		a2 := app.New(app.Config{Store: e.store, Vault: v2, Clock: e.clock, AuditSigner: signer(t, rotated)})
		n := must[int](t)(a2.Programme.RewrapDataKeys(e.ctx, e.admin, 1))
		if n != 2 {
			t.Fatalf("re-wrapped %d data keys, want 2 (one case, one nomination)", n)
		}
		if n := must[int](t)(a2.Programme.RewrapDataKeys(e.ctx, e.admin, 10)); n != 0 {
			t.Fatalf("second pass re-wrapped %d", n)
		}
		noErr(t, e.store.View(e.ctx, func(tx store.Tx) error {
			ms, err := tx.FindMembers(e.ctx, c.ID)
			if !bytes.Equal(ms[0].FamilyName, sealedBefore) {
				t.Error("rotation rewrote a sealed field")
			}
			k, err2 := tx.FindDataKey(e.ctx, c.ID)
			if err2 == nil && k.KEKID != rotated.Current.ID {
				t.Errorf("data key under %s, want %s", k.KEKID, rotated.Current.ID)
			}
			return err
		}))
		onlyNew := &vault.Keyring{Current: rotated.Current, IndexKey: rotated.IndexKey}
		a3 := app.New(app.Config{Store: e.store, Vault: must[*vault.Vault](t)(vault.New(onlyNew)), Clock: e.clock, AuditSigner: signer(t, rotated)})
		if got := must[*haven.Case](t)(a3.Cases.FindCaseByID(e.ctx, e.visa, c.ID)); got.Members[0].FamilyName != "FamilyRotate" {
			t.Fatalf("after rotation: %+v", got.Members[0])
		}
		// The old key alone no longer opens anything.
		_, err := e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID)
		wantCode(t, err, haven.EUNAVAILABLE)
		// Blind indexes survive rotation: a duplicate UNHCR number is still caught.
		dup := referral("Rotate2", 1, haven.PriorityNormal)
		dup.UNHCRNumber = c.UNHCRNumber
		wantCode(t, a3.Cases.CreateReferral(e.ctx, e.unhcr, dup), haven.ECONFLICT)
	})
}

func countRows(t *testing.T, e *env) (cases, events int) {
	t.Helper()
	noErr(t, e.store.View(e.ctx, func(tx store.Tx) error {
		_, n, err := tx.FindCases(e.ctx, store.CaseFilter{Reach: store.Reach{All: true}})
		cases = n
		return err
	}))
	return cases, len(e.auditEvents(t))
}

// TestBadInputWritesNothing: every kind of bad input gets a clear error
// naming the field, and neither a record nor an audit event is written.
func TestBadInputWritesNothing(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		ok := e.refer(t, referral("Good", 2, haven.PriorityNormal))
		other := e.refer(t, referral("Other", 1, haven.PriorityNormal))
		cases0, events0 := countRows(t, e)
		bad := []struct {
			name   string
			mutate func(c *haven.Case)
			field  string
		}{
			{"size does not match", func(c *haven.Case) { c.DeclaredSize = 5 }, "declared_size"},
			{"two principals", func(c *haven.Case) { c.Members[1].Relationship = haven.RelPrincipal }, "members"},
			{"no principal", func(c *haven.Case) { c.Members[0].Relationship = haven.RelSpouse }, "members"},
			{"birth date in the future", func(c *haven.Case) { c.Members[1].DateOfBirth = haven.Date{Year: 2030, Month: 1, Day: 1} }, "members[1].date_of_birth"},
			{"empty family name", func(c *haven.Case) { c.Members[0].FamilyName = "  " }, "members[0].family_name"},
			{"unknown priority", func(c *haven.Case) { c.ProcessingPriority = "very_urgent" }, "processing_priority"},
			{"unknown ground", func(c *haven.Case) { c.Grounds = []haven.Ground{"caste"} }, "grounds"},
			{"unknown country", func(c *haven.Case) { c.NationalityCountries = []string{"XX"} }, "nationality_countries"},
			{"no persecution account", func(c *haven.Case) { c.PersecutionAccount = "" }, "persecution_account"},
			{"duplicate UNHCR number", func(c *haven.Case) { c.UNHCRNumber = ok.UNHCRNumber }, "unhcr_number"},
		}
		for _, b := range bad {
			c := referral("Bad", 2, haven.PriorityNormal)
			b.mutate(c)
			err := e.app.Cases.CreateReferral(e.ctx, e.unhcr, c)
			if code := haven.ErrorCodeOf(err); code != haven.EINVALID && code != haven.ECONFLICT {
				t.Errorf("%s: error %v", b.name, err)
				continue
			}
			found := false
			for _, f := range haven.FieldsOf(err) {
				found = found || f.Field == b.field
			}
			if !found {
				t.Errorf("%s: fields %+v do not name %q", b.name, haven.FieldsOf(err), b.field)
			}
		}
		if cases1, events1 := countRows(t, e); cases1 != cases0 || events1 != events0 {
			t.Fatalf("bad referrals wrote %d cases and %d audit events", cases1-cases0, events1-events0)
		}
		// Each refused act below must leave the case and the audit trail as they were.
		ok = e.admissible(t, ok)
		other = e.admissible(t, other)
		refused := func(name string, want haven.ErrorCode, act func() error) {
			t.Helper()
			before := must[*haven.Case](t)(e.app.Cases.FindCaseByID(e.ctx, e.visa, ok.ID))
			_, ev0 := countRows(t, e)
			err := act()
			if haven.ErrorCodeOf(err) != want {
				t.Errorf("%s: error %v, want %s", name, err, want)
			}
			// A refusal by policy is itself recorded, as a denial; any
			// other refusal writes nothing at all.
			wantEvents := 0
			if want == haven.EFORBIDDEN {
				wantEvents = 1
			}
			evs := e.auditEvents(t)
			if len(evs) != ev0+wantEvents || wantEvents == 1 && evs[len(evs)-1].Decision != "deny" {
				t.Errorf("%s: %d audit events written, want %d", name, len(evs)-ev0, wantEvents)
			}
			after := must[*haven.Case](t)(e.app.Cases.FindCaseByID(e.ctx, e.visa, ok.ID))
			if after.Version != before.Version || len(after.Checks) != len(before.Checks) || after.State != before.State {
				t.Errorf("%s: the refused act changed the case (version %d to %d)", name, before.Version, after.Version)
			}
		}
		refused("check for a member of another case", haven.EINVALID, func() error {
			_, err := e.app.Cases.RecordCheck(e.ctx, e.visa, ok.ID, &haven.Check{MemberID: other.Members[0].ID, Kind: haven.CheckMedical,
				Result: haven.ResultPassed, ValidUntil: haven.Date{Year: 2027, Month: 1, Day: 1}})
			return err
		})
		refused("medical partner records a security check", haven.EFORBIDDEN, func() error {
			_, err := e.app.Cases.RecordCheck(e.ctx, e.medical, ok.ID, &haven.Check{MemberID: ok.Members[0].ID, Kind: haven.CheckSecurity, Result: haven.ResultPassed})
			return err
		})
		refused("medical without expiry", haven.EINVALID, func() error {
			_, err := e.app.Cases.RecordCheck(e.ctx, e.medical, ok.ID, &haven.Check{MemberID: ok.Members[0].ID, Kind: haven.CheckMedical, Result: haven.ResultPassed})
			return err
		})
		refused("transition not allowed from the current state", haven.ECONFLICT, func() error {
			_, err := e.app.Cases.BookTravel(e.ctx, e.visa, ok.ID, &haven.Travel{Date: haven.DateOf(e.clock.Now().AddDate(0, 0, 9))})
			return err
		})
		refused("approval for an admission year two years ahead", haven.EINVALID, func() error {
			_, err := e.app.Cases.Approve(e.ctx, e.visa, ok.ID, app.ApproveInput{AdmissionYear: 2028})
			return err
		})
		refused("no actor", haven.EUNAUTHORIZED, func() error {
			_, err := e.app.Cases.Hold(e.ctx, haven.Actor{}, ok.ID, "x")
			return err
		})
		refused("unknown actor", haven.EUNAUTHORIZED, func() error {
			_, err := e.app.Cases.Hold(e.ctx, haven.Actor{UserID: "usr_nobody"}, ok.ID, "x")
			return err
		})
		refused("actor claiming another organisation", haven.EUNAUTHORIZED, func() error {
			a := e.visa
			a.OrgID = e.orgs[haven.OrgReferralPartner].ID
			_, err := e.app.Cases.Hold(e.ctx, a, ok.ID, "x")
			return err
		})
	})
}

// TestCheckPartnersSeeOnlyTheirPart: a medical or screening partner gets
// back the identity fields their check needs and checks of their own kind,
// nothing of the narrative.
func TestCheckPartnersSeeOnlyTheirPart(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		m := must[*haven.Case](t)
		c := e.refer(t, referral("Partial", 2, haven.PriorityNormal))
		c = m(e.app.Cases.OpenFile(e.ctx, e.visa, c.ID))
		c = m(e.app.Cases.StartEligibility(e.ctx, e.visa, c.ID))
		c = m(e.app.Cases.RecordAssessment(e.ctx, e.visa, c.ID, &haven.EligibilityAssessment{OutsideCountry: true, WellFoundedFear: true,
			NoInternalFlight: true, NoDurableSolution: true, Grounds: []haven.Ground{haven.GroundReligion}, Notes: "Credible"}))
		c = m(e.app.Cases.StartAdmissibility(e.ctx, e.visa, c.ID))
		// Only the principal is assigned to the partners.
		_, err := e.app.Cases.RecordCheck(e.ctx, e.medical, c.ID, &haven.Check{MemberID: c.Members[0].ID, Kind: haven.CheckMedical,
			Result: haven.ResultPassed, ValidUntil: haven.Date{Year: 2027, Month: 3, Day: 1}})
		wantCode(t, err, haven.ENOTFOUND)
		for _, k := range []haven.OrgKind{haven.OrgScreeningPartner, haven.OrgMedicalPartner} {
			c = m(e.app.Cases.AssignChecks(e.ctx, e.visa, c.ID, e.orgs[k].ID, []haven.ID{c.Members[0].ID}))
		}
		_, err = e.app.Cases.AssignChecks(e.ctx, e.visa, c.ID, e.orgs[haven.OrgSettlementOrganisation].ID, []haven.ID{c.Members[0].ID})
		wantCode(t, err, haven.EINVALID)
		_, err = e.app.Cases.AssignChecks(e.ctx, e.medical, c.ID, e.orgs[haven.OrgMedicalPartner].ID, []haven.ID{c.Members[1].ID})
		wantCode(t, err, haven.EFORBIDDEN)
		_, err = e.app.Cases.RecordCheck(e.ctx, e.medical, c.ID, &haven.Check{MemberID: c.Members[1].ID, Kind: haven.CheckMedical,
			Result: haven.ResultPassed, ValidUntil: haven.Date{Year: 2027, Month: 3, Day: 1}})
		wantCode(t, err, haven.ENOTFOUND)
		c = m(e.app.Cases.RecordCheck(e.ctx, e.screening, c.ID, &haven.Check{MemberID: c.Members[0].ID, Kind: haven.CheckSecurity, Result: haven.ResultPassed, Details: "No match"}))
		mv := m(e.app.Cases.RecordCheck(e.ctx, e.medical, c.ID, &haven.Check{MemberID: c.Members[0].ID, Kind: haven.CheckMedical,
			Result: haven.ResultPassed, ValidUntil: haven.Date{Year: 2027, Month: 3, Day: 1}, Details: "Clear"}))
		if len(mv.Members) != 1 {
			t.Fatalf("the medical partner sees %d members, assigned 1", len(mv.Members))
		}
		if mv.Members[0].FamilyName != "FamilyPartial" || mv.Members[0].DateOfBirth.IsZero() {
			t.Fatalf("the medical partner lacks the identity its check needs: %+v", mv.Members[0])
		}
		if mv.PersecutionAccount != "" || len(mv.Profile.ThreatEvents) != 0 || len(mv.Profile.WorkAreas) != 0 || mv.Members[0].Whereabouts != "" ||
			mv.Members[0].ConfidentialNotes != "" || len(mv.Assessments) != 0 || mv.UNHCRNumber != "" {
			t.Fatalf("the medical partner sees the narrative: %+v", mv)
		}
		if len(mv.Checks) != 1 || mv.Checks[0].Kind != haven.CheckMedical || mv.Checks[0].Details != "" {
			t.Fatalf("the medical partner sees checks %+v", mv.Checks)
		}
		// The visa office still sees everything.
		full := m(e.app.Cases.FindCaseByID(e.ctx, e.visa, c.ID))
		sec := full.LatestCheck(c.Members[0].ID, haven.CheckSecurity)
		if len(full.Checks) != 2 || sec == nil || sec.Details != "No match" || full.Assessments[0].Notes != "Credible" {
			t.Fatalf("visa office view = %+v", full.Checks)
		}
	})
}

// TestNeedToKnow: a partner cannot see another partner's case, and the
// answer does not tell whether it exists.
func TestNeedToKnow(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		c := e.refer(t, referral("Private", 1, haven.PriorityNormal))
		otherOrg := &haven.Organisation{Kind: haven.OrgReferralPartner, Name: "Other referral partner"}
		noErr(t, e.app.Programme.CreateOrganisation(e.ctx, e.admin, otherOrg))
		u := &haven.User{OrgID: otherOrg.ID, Role: haven.RoleCaseworker, Username: "other", DisplayName: "Other"}
		must[string](t)(e.app.Programme.CreateUser(e.ctx, e.admin, u))
		other := haven.Actor{UserID: u.ID}
		_, err1 := e.app.Cases.FindCaseByID(e.ctx, other, c.ID)
		_, err2 := e.app.Cases.FindCaseByID(e.ctx, other, "case_doesnotexist")
		wantCode(t, err1, haven.ENOTFOUND)
		if err1.Error() != err2.Error() {
			t.Fatalf("an unseen case and a missing one answer differently: %q vs %q", err1, err2)
		}
		cs, n, err := e.app.Cases.FindCases(context.Background(), other, haven.CaseFilter{})
		noErr(t, err)
		if n != 0 || len(cs) != 0 {
			t.Fatalf("another partner's queue shows %d cases", n)
		}
		if _, n, _ := e.app.Cases.FindCases(e.ctx, e.visa, haven.CaseFilter{}); n != 1 {
			t.Fatalf("the visa office sees %d cases", n)
		}
		_, err = e.app.Cases.Withdraw(e.ctx, other, c.ID, "Not mine")
		wantCode(t, err, haven.ENOTFOUND)
	})
}

// TestProtectionPartnerFollowsStatusOnly: the partner that nominated a
// defender follows the case that came of it, by its status alone; another
// partner does not learn it exists.
func TestProtectionPartnerFollowsStatusOnly(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		n := &haven.Nomination{ReferralOrgID: e.orgs[haven.OrgReferralPartner].ID, DefenderName: "Followed Defender",
			RiskAssessment: "High", RecommendedPriority: haven.PriorityUrgent, NationalityCountries: []string{"BY"}, AsylumCountry: "LT", FamilySize: 1}
		noErr(t, e.app.Nominations.CreateNomination(e.ctx, e.fld, n))
		must[*haven.Nomination](t)(e.app.Nominations.ReviewNomination(e.ctx, e.unhcr, n.ID))
		c := referral("Followed", 1, haven.PriorityUrgent)
		c.NominationID = n.ID
		e.refer(t, c)
		got := must[*haven.Case](t)(e.app.Cases.FindCaseByID(e.ctx, e.fld, c.ID))
		if got.State != haven.StateReferred || len(got.Members) != 0 || got.PersecutionAccount != "" || got.UNHCRNumber != "" ||
			len(got.Profile.WorkAreas) != 0 || got.PrimaryCategory != "" || len(got.Checks) != 0 {
			t.Fatalf("the nominating partner sees more than the status: %+v", got)
		}
		cs, n2, err := e.app.Cases.FindCases(e.ctx, e.fld, app.CaseFilter{})
		noErr(t, err)
		if n2 != 1 || len(cs) != 1 || cs[0].ID != c.ID || cs[0].State != haven.StateReferred || cs[0].NationalityCountries != nil {
			t.Fatalf("the nominating partner's list = %d %+v", n2, cs)
		}
		// Another protection partner: no such case.
		pd := &haven.Organisation{Kind: haven.OrgProtectionPartner, Name: "ProtectDefenders.eu"}
		noErr(t, e.app.Programme.CreateOrganisation(e.ctx, e.admin, pd))
		u := &haven.User{OrgID: pd.ID, Role: haven.RoleCaseworker, Username: "pd-worker", DisplayName: "PD"}
		must[string](t)(e.app.Programme.CreateUser(e.ctx, e.admin, u))
		_, err = e.app.Cases.FindCaseByID(e.ctx, haven.Actor{UserID: u.ID}, c.ID)
		wantCode(t, err, haven.ENOTFOUND)
		_, err = e.app.Nominations.FindNominationByID(e.ctx, haven.Actor{UserID: u.ID}, n.ID)
		wantCode(t, err, haven.ENOTFOUND)
		if _, k, _ := e.app.Cases.FindCases(e.ctx, haven.Actor{UserID: u.ID}, app.CaseFilter{}); k != 0 {
			t.Fatalf("another partner lists %d cases", k)
		}
		// The nominating partner cannot act on the case.
		_, err = e.app.Cases.Hold(e.ctx, e.fld, c.ID, "no")
		wantCode(t, err, haven.EFORBIDDEN)
	})
}
