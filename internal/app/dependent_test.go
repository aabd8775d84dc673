package app_test

import (
	"testing"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/store"
)

// TestAdultDependentChild: a child aged 22 or over on the referral date
// (the app's clock) is refused unless the dependent adult child exception
// is recorded, with the member's field named; with it the referral is
// taken, and the exception is sealed (every member has a ciphertext of one
// length, set or not) and read back by the referrer and the visa office,
// never by the settlement organisation.
func TestAdultDependentChild(t *testing.T) {
	forEngine(t, func(t *testing.T, e *env) {
		today := haven.DateOf(e.clock.Now())
		c := referral("Adult", 4, haven.PriorityNormal)
		c.Members[3].DateOfBirth = haven.Date{Year: today.Year - 45, Month: today.Month, Day: today.Day}
		err := e.app.Cases.CreateReferral(e.ctx, e.unhcr, c)
		wantCode(t, err, haven.EINVALID)
		if f := haven.FieldsOf(err); len(f) != 1 || f[0].Field != "members[3].adult_dependent" {
			t.Fatalf("fields = %+v", f)
		}

		young := referral("Young", 3, haven.PriorityNormal)
		turns22 := haven.Date{Year: today.Year - 22, Month: today.Month, Day: today.Day}
		young.Members[2].DateOfBirth = haven.DateOf(turns22.Time().AddDate(0, 0, 1)) // 22 tomorrow
		e.refer(t, young)

		c.Members[3].AdultDependent = true
		e.refer(t, c)
		for _, who := range []haven.Actor{e.unhcr, e.visa} {
			got := must[*haven.Case](t)(e.app.Cases.FindCaseByID(e.ctx, who, c.ID))
			if !got.Members[3].AdultDependent || got.Members[2].AdultDependent {
				t.Errorf("read back: %v %v", got.Members[2].AdultDependent, got.Members[3].AdultDependent)
			}
		}
		var rows []*store.MemberRow
		noErr(t, e.store.View(e.ctx, func(tx store.Tx) (err error) {
			rows, err = tx.FindMembers(e.ctx, c.ID)
			return err
		}))
		for _, r := range rows {
			if len(r.AdultDependent) == 0 || len(r.AdultDependent) != len(rows[3].AdultDependent) || string(r.AdultDependent) == "1" {
				t.Errorf("member %d: sealed exception of %d bytes, the adult's %d", r.Ordinal, len(r.AdultDependent), len(rows[3].AdultDependent))
			}
		}

		// The settlement organisation, once the case is placed with it.
		e.admissible(t, c)
		m := must[*haven.Case](t)
		m(e.app.Cases.Approve(e.ctx, e.visa, c.ID, haven.ApproveInput{}))
		m(e.app.Cases.AssignSettlement(e.ctx, e.visa, c.ID, e.orgs[haven.OrgSettlementOrganisation].ID))
		got := m(e.app.Cases.FindCaseByID(e.ctx, e.settlement, c.ID))
		if len(got.Members) != 4 || got.Members[3].Relationship != haven.RelChild || got.Members[3].AdultDependent {
			t.Errorf("settlement organisation's view of the adult child: %+v", got.Members[3])
		}
	})
}
