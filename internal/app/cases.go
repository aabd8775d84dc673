package app

import (
	"context"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/havenhrd/haven"
	"github.com/havenhrd/haven/internal/policy"
	"github.com/havenhrd/haven/internal/store"
	"github.com/havenhrd/haven/internal/vault"
	"github.com/havenhrd/haven/internal/workflow"
)

// Blind-index purposes. Changing one orphans every index written under it.
const (
	indexUNHCR    = "unhcr_case_number"
	indexIdentity = "member_name_dob"
)

func (a *Cases) unhcrIndex(n string) []byte {
	return a.vault.BlindIndex(indexUNHCR, strings.ToUpper(strings.TrimSpace(n)))
}

func (a *Cases) identityIndex(m *haven.Member) []byte {
	return a.vault.BlindIndex(indexIdentity, m.FamilyName, m.GivenNames, m.DateOfBirth.String())
}

// sealedGrounds is how grounds and social groups are sealed together.
type sealedGrounds struct {
	Grounds      []haven.Ground      `json:"grounds"`
	SocialGroups []haven.SocialGroup `json:"social_groups"`
}

// sealedWork is the work part of a defender's profile.
type sealedWork struct {
	WorkAreas     []haven.WorkArea `json:"work_areas"`
	Organisations []string         `json:"organisations"`
}

// CreateReferral opens a case: a referral to Canada of one family. The
// actor's organisation must be allowed to refer by the year's programme
// rules; when c.NominationID is set, the nomination must be addressed to
// the actor's organisation and under review, and it becomes referred in the
// same transaction. On success c carries its new IDs and state.
//
// A referral whose UNHCR case number, or one of whose persons (by name and
// date of birth), is already on another organisation's case is taken like
// any other and flagged for the visa office alone as a possible duplicate
// (case.view.duplicates): the referrer is told nothing, so a referral is
// no way to learn that another organisation's case exists.
//
// Errors: EINVALID with field problems for bad input; ECONFLICT when the
// year has no rules, the organisation may not refer, the UNHCR case number
// is already on a case the organisation referred, or a person on the
// referral is already on an open case it referred; ENOTFOUND for a
// nomination the actor cannot see.
func (a *Cases) CreateReferral(ctx context.Context, actor haven.Actor, c *haven.Case) error {
	return a.update(ctx, func(tx store.Tx) error {
		w, rules, err := a.referrer(ctx, tx, actor)
		if err != nil {
			return err
		}
		nom, dups, err := a.checkReferral(ctx, tx, w, rules, c)
		if err != nil {
			return err
		}
		return a.writeReferral(ctx, tx, w, rules, c, nom, dups)
	})
}

// duplicate is a possible duplicate found by checkReferral, before the new
// case and its members have IDs: member is the index of the matching
// member on the referral, or -1 for the UNHCR case number.
type duplicate struct {
	other       haven.ID
	match       haven.DuplicateMatch
	member      int
	otherMember haven.ID
}

// referrer resolves an actor who refers, with the rules of the year the
// referral is made (nil when the year has none).
func (a *Cases) referrer(ctx context.Context, tx store.Tx, actor haven.Actor) (who, *haven.ProgrammeRules, error) {
	w, err := a.resolve(ctx, tx, actor)
	if err != nil {
		return w, nil, err
	}
	if err := a.coarse(ctx, tx, w, policy.CaseRefer, "case", "", ""); err != nil {
		return w, nil, err
	}
	rules, err := tx.FindRules(ctx, a.now().Year())
	if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
		return w, nil, nil
	}
	return w, rules, err
}

// MayRefer reports whether the actor's organisation may refer a case
// today: its kind and role may, and this year's programme rules let it
// (from 2023 some protection partners refer directly). It writes nothing;
// the pages ask it to offer referral and import, so that they keep no
// copy of who may refer.
func (a *Cases) MayRefer(ctx context.Context, actor haven.Actor) (bool, error) {
	may := false
	err := a.view(ctx, func(tx store.Tx) error {
		w, err := a.resolve(ctx, tx, actor)
		if err != nil {
			return err
		}
		if !policy.Allowed(w.org.Kind, w.user.Role, policy.CaseRefer) {
			return nil
		}
		rules, err := tx.FindRules(ctx, a.now().Year())
		if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		may = policy.Decide(w.actor(), policy.CaseRefer, policy.Relation{Kind: policy.KindProgramme, MayRefer: rules.MayRefer(w.org)}).Allowed
		return nil
	})
	return may, err
}

// checkReferral applies every rule a referral must meet and writes
// nothing. It returns the nomination the referral comes from, if any,
// moved to its next state in memory, and the possible duplicates on other
// organisations' cases.
func (a *Cases) checkReferral(ctx context.Context, tx store.Tx, w who, rules *haven.ProgrammeRules, c *haven.Case) (*store.NominationRow, []duplicate, error) {
	const op = "app.CreateReferral"
	now := a.now()
	mayRefer := rules != nil && rules.MayRefer(w.org)
	c.UNHCRNumber = strings.ToUpper(strings.TrimSpace(c.UNHCRNumber))
	if c.ReferringOrgID == "" {
		c.ReferringOrgID = w.org.ID
	}
	if err := workflow.CheckReferral(rules, w.org, c, now); err != nil {
		return nil, nil, err
	}
	if !a.decide(ctx, tx, w, policy.CaseRefer, policy.Relation{Kind: policy.KindProgramme, MayRefer: mayRefer}, "case", "", "").Allowed {
		return nil, nil, a.forbidden(ctx, w, policy.CaseRefer)
	}
	var nom *store.NominationRow
	if c.NominationID != "" {
		var err error
		nom, err = tx.FindNominationByID(ctx, c.NominationID)
		if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			return nil, nil, a.nominationNotFound(ctx, tx, w, c.NominationID)
		} else if err != nil {
			return nil, nil, err
		}
		rel := nominationRel(w, nom)
		if !policy.Decide(w.actor(), policy.NominationRead, rel).Allowed {
			return nil, nil, a.nominationNotFound(ctx, tx, w, c.NominationID)
		}
		rel.MayRefer = mayRefer
		if !a.decide(ctx, tx, w, policy.NominationRefer, rel, "nomination", nom.ID, "").Allowed {
			return nil, nil, a.forbidden(ctx, w, policy.NominationRefer)
		}
		next, err := workflow.StepNomination(nom.State, haven.NominationEventRefer, "")
		if err != nil {
			return nil, nil, err
		}
		if _, err := tx.FindDataKey(ctx, nom.ID); haven.ErrorCodeOf(err) == haven.ENOTFOUND {
			return nil, nil, haven.Errorf(haven.ECONFLICT, op, "the nomination has been shredded and cannot be referred")
		} else if err != nil {
			return nil, nil, err
		}
		nom.State = next
	}
	dups, err := a.findDuplicates(ctx, tx, w, c)
	return nom, dups, err
}

// findDuplicates looks for the referral c among the cases already there:
// its UNHCR case number on any case, and each of its persons (by name and
// date of birth) on an open case. A match within the referrer's own
// caseload (the cases its organisation referred) is ECONFLICT, as it tells
// the referrer only of its own cases. A match on another organisation's
// case is returned, to be flagged for the visa office; refusing it would
// tell the referrer that the other organisation's case exists.
func (a *Cases) findDuplicates(ctx context.Context, tx store.Tx, w who, c *haven.Case) ([]duplicate, error) {
	const op = "app.CreateReferral"
	var dups []duplicate
	same, err := tx.FindCasesByUNHCRIndex(ctx, a.unhcrIndex(c.UNHCRNumber))
	if err != nil {
		return nil, err
	}
	for _, other := range same {
		if other.ReferringOrgID == w.org.ID {
			return nil, &haven.Error{Code: haven.ECONFLICT, Op: op, Message: "a case with this UNHCR case number already exists",
				Fields: []haven.FieldProblem{{Field: "unhcr_number", Message: "this UNHCR case number is already on a case"}}}
		}
		dups = append(dups, duplicate{other: other.ID, match: haven.MatchUNHCRNumber, member: -1})
	}
	var p haven.Problems
	for i, m := range c.Members {
		found, err := tx.FindMembersByIdentityIndex(ctx, a.identityIndex(m))
		if err != nil {
			return nil, err
		}
		for _, d := range found {
			other, err := tx.FindCaseByID(ctx, d.CaseID, false)
			if err != nil {
				return nil, err
			}
			if workflow.Terminal(other.State) {
				continue
			}
			if other.ReferringOrgID == w.org.ID {
				p.Add("members["+itoa(i)+"]", "a person with this name and date of birth is already on an open case; ask the visa office")
				break
			}
			dups = append(dups, duplicate{other: other.ID, match: haven.MatchMemberIdentity, member: i, otherMember: d.ID})
		}
	}
	if err := p.Err(op); err != nil {
		return nil, err
	}
	return dups, nil
}

// writeReferral writes a checked referral: the case sealed under a new
// data key, its members, the nomination's new state, its possible
// duplicates, and the audit events. rules are the year's, the referral's:
// its clock starts from them.
func (a *Cases) writeReferral(ctx context.Context, tx store.Tx, w who, rules *haven.ProgrammeRules, c *haven.Case, nom *store.NominationRow, dups []duplicate) error {
	now := a.now()
	var err error
	if c.ID, err = a.newID("case"); err != nil {
		return err
	}
	for _, m := range c.Members {
		if m.ID, err = a.newID("mem"); err != nil {
			return err
		}
		m.CaseID, m.Excluded = c.ID, false
	}
	c.State, c.ResumeState, c.ReferredAt, c.UpdatedAt, c.Version = haven.StateReferred, "", now, now, 1
	c.VisaKind, c.AdmissionYear, c.SettlementOrgID = "", 0, ""
	if c.Reference, err = a.newReference(ctx, tx, now.Year()); err != nil {
		return err
	}
	c.CaseClock = workflow.NextClock(haven.CaseClock{}, c, rules, now)
	dk, err := a.newKey(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	row, err := a.caseRow(dk, c)
	if err != nil {
		return err
	}
	row.Open = !workflow.Terminal(row.State)
	if err := tx.CreateCase(ctx, row); err != nil {
		return err
	}
	for i, m := range c.Members {
		mr, err := a.memberRow(dk, m, i)
		if err != nil {
			return err
		}
		if err := tx.CreateMember(ctx, mr); err != nil {
			return err
		}
		if err := tx.PutNameTokens(ctx, m.ID, c.ID, a.nameTokens(nameWords(m.FamilyName, m.GivenNames))); err != nil {
			return err
		}
	}
	if nom != nil {
		nom.CaseID, nom.UpdatedAt = c.ID, now
		if err := tx.UpdateNomination(ctx, nom); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, w.actor(), "nomination.refer", "nomination", nom.ID, c.ID, map[string]any{"state": nom.State}); err != nil {
			return err
		}
	}
	// The case as the referrer now holds it says what is next, as a read does.
	c.Next = workflow.Next(c, haven.DateOf(now))
	if err := a.audit(ctx, tx, w.actor(), "case.refer", "case", c.ID, c.ID, map[string]any{
		"state": c.State, "members": memberIDs(c), "priority": c.ProcessingPriority, "nomination_id": c.NominationID}); err != nil {
		return err
	}
	for _, d := range dups {
		r := &store.CaseDuplicateRow{CaseID: c.ID, OtherCaseID: d.other, Kind: d.match, OtherMemberID: d.otherMember, FoundAt: now}
		if d.member >= 0 {
			r.MemberID = c.Members[d.member].ID
		}
		if err := tx.CreateCaseDuplicate(ctx, r); err != nil {
			return err
		}
		// IDs only. other_member_id is not "member_id": breach scoping
		// must not count the other case's member as seen by the referrer.
		detail := map[string]any{"other_case_id": r.OtherCaseID, "match": r.Kind}
		if r.MemberID != "" {
			detail["member_id"], detail["other_member_id"] = r.MemberID, r.OtherMemberID
		}
		if err := a.audit(ctx, tx, w.actor(), "case.possible_duplicate", "case", c.ID, c.ID, detail); err != nil {
			return err
		}
	}
	return nil
}

// ImportReferrals opens a case for each referral of a bulk import, all in
// one transaction: either every line is valid and all are imported, or
// none is. A line's problems are named "line N: field" (N counting from
// 1), for every line that has any, including a UNHCR number or a person
// that appears twice in the file or on a case the organisation referred.
// A match on another organisation's case is taken and flagged for the
// visa office alone, as in CreateReferral. The cases carry their new IDs
// after.
func (a *Cases) ImportReferrals(ctx context.Context, actor haven.Actor, cases []*haven.Case) error {
	return a.importReferrals(ctx, actor, cases, true)
}

// CheckReferrals applies to the referrals of a bulk import every rule
// ImportReferrals applies, and writes nothing: its problems are those
// ImportReferrals would answer, named alike ("line N: field", N counting
// cases from 1). A file whose reading found problems is checked so, and
// every problem of it said at once. Nil when the referrals meet every
// rule; errors as ImportReferrals's.
func (a *Cases) CheckReferrals(ctx context.Context, actor haven.Actor, cases []*haven.Case) error {
	err := a.importReferrals(ctx, actor, cases, false)
	if errors.Is(err, errChecked) {
		return nil
	}
	return err
}

// errChecked ends a check's transaction, rolled back: it wrote nothing.
var errChecked = errors.New("checked")

// importReferrals checks cases and, when write is true and they meet
// every rule, imports them; when write is false it answers errChecked in
// their place, and its transaction rolls back.
func (a *Cases) importReferrals(ctx context.Context, actor haven.Actor, cases []*haven.Case, write bool) error {
	const op = "app.ImportReferrals"
	if len(cases) == 0 {
		return (&haven.Problems{{Field: "file", Message: "the file holds no referral"}}).Err(op)
	}
	if len(cases) > MaxImport {
		return (&haven.Problems{{Field: "file", Message: "import at most " + itoa(MaxImport) + " referrals at once"}}).Err(op)
	}
	return a.update(ctx, func(tx store.Tx) error {
		w, rules, err := a.referrer(ctx, tx, actor)
		if err != nil {
			return err
		}
		var p haven.Problems
		noms := make([]*store.NominationRow, len(cases))
		dups := make([][]duplicate, len(cases))
		numbers := map[string]int{}
		people := map[string]int{}
		for i, c := range cases {
			line := "line " + itoa(i+1) + ": "
			nom, found, err := a.checkReferral(ctx, tx, w, rules, c)
			switch haven.ErrorCodeOf(err) {
			case "":
			case haven.EINVALID, haven.ECONFLICT, haven.ENOTFOUND, haven.EFORBIDDEN:
				if fs := haven.FieldsOf(err); len(fs) > 0 {
					for _, f := range fs {
						p.Add(line+f.Field, f.Message)
					}
				} else {
					p.Add(line+"referral", haven.ErrorMessageOf(err))
				}
				continue
			default:
				return err
			}
			noms[i], dups[i] = nom, found
			if j, ok := numbers[c.UNHCRNumber]; ok {
				p.Addf(line+"unhcr_number", "the same UNHCR case number is on line %d", j+1)
			}
			numbers[c.UNHCRNumber] = i
			for k, m := range c.Members {
				id := string(a.identityIndex(m))
				if j, ok := people[id]; ok && j != i {
					p.Addf(line+"members["+itoa(k)+"]", "the same person is on line %d", j+1)
				}
				people[id] = i
			}
		}
		if err := p.Err(op); err != nil {
			return err
		}
		if !write {
			return errChecked
		}
		for i, c := range cases {
			if err := a.writeReferral(ctx, tx, w, rules, c, noms[i], dups[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// MaxImport bounds the referrals of one bulk import.
const MaxImport = 500

// caseReference is the shape of a case reference.
var caseReference = regexp.MustCompile(`^HRD-[0-9]{4}-[A-Z2-7]{6}$`)

// referenceEncoding writes references: upper-case base32, which has no 0,
// 1, 8 or 9 to take for O, I, B or g when read aloud.
var referenceEncoding = base32.NewEncoding("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567").WithPadding(base32.NoPadding)

// newReference draws a case reference of year not yet taken: "HRD-", the
// year, and six random characters (30 bits). Random, not sequential, so a
// partner that sees its own references learns nothing of how many cases
// others refer. The unique index is the last word between processes.
func (a *Cases) newReference(ctx context.Context, tx store.Tx, year int) (string, error) {
	for range 8 {
		b := make([]byte, 4)
		if _, err := io.ReadFull(a.rand, b); err != nil {
			return "", haven.Internal("app.newReference", err)
		}
		ref := fmt.Sprintf("HRD-%d-%s", year, referenceEncoding.EncodeToString(b)[:6])
		taken, err := tx.CaseReferenceTaken(ctx, ref)
		if err != nil || !taken {
			return ref, err
		}
	}
	return "", haven.Errorf(haven.EINTERNAL, "app.newReference", "no free case reference was drawn")
}

func (a *Cases) caseRow(dk *vault.DataKey, c *haven.Case) (*store.CaseRow, error) {
	s := a.sealer(dk, "cases", c.ID)
	row := &store.CaseRow{
		ID: c.ID, Reference: c.Reference, UNHCRIndex: a.unhcrIndex(c.UNHCRNumber), UNHCRNumber: s.str("unhcr_number", c.UNHCRNumber),
		ReferringOrgID: c.ReferringOrgID, NominationID: c.NominationID, State: c.State, ResumeState: c.ResumeState,
		SubmissionPriority: c.SubmissionPriority, ProcessingPriority: c.ProcessingPriority,
		PrimaryCategory: c.PrimaryCategory, SecondaryCategory: c.SecondaryCategory,
		CategoryJustification: s.str("justification", c.CategoryJustification),
		Grounds:               s.json("grounds", sealedGrounds{c.Grounds, c.SocialGroups}),
		Work:                  s.json("work", sealedWork{c.Profile.WorkAreas, c.Profile.Organisations}),
		Threats:               s.json("threats", c.Profile.ThreatEvents),
		PersecutionAccount:    s.str("persecution_account", c.PersecutionAccount),
		NationalityCountries:  c.NationalityCountries, AsylumCountry: c.AsylumCountry, DeclaredSize: c.DeclaredSize,
		VisaKind: c.VisaKind, AdmissionYear: c.AdmissionYear, SettlementOrgID: c.SettlementOrgID,
		ReferredAt: c.ReferredAt, UpdatedAt: c.UpdatedAt, Version: c.Version, CaseClock: c.CaseClock,
	}
	return row, s.err
}

func (a *Cases) memberRow(dk *vault.DataKey, m *haven.Member, ordinal int) (*store.MemberRow, error) {
	s := a.sealer(dk, "members", m.ID)
	r := &store.MemberRow{
		ID: m.ID, CaseID: m.CaseID, Ordinal: ordinal, Relationship: m.Relationship, Accompanying: m.Accompanying,
		Excluded: m.Excluded, Sex: m.Sex, Nationalities: m.Nationalities, Languages: m.Languages,
		IdentityIndex: a.identityIndex(m),
		FamilyName:    s.str("family_name", strings.TrimSpace(m.FamilyName)),
		GivenNames:    s.str("given_names", strings.TrimSpace(m.GivenNames)),
		DateOfBirth:   s.str("date_of_birth", m.DateOfBirth.String()),
		Contact:       s.str("contact", m.Contact), Whereabouts: s.str("whereabouts", m.Whereabouts),
		ConfidentialNotes: s.str("confidential_notes", m.ConfidentialNotes),
		// Sealed whether set or not, and "0" and "1" seal to ciphertexts of
		// one length: the row tells nothing of the condition.
		AdultDependent: s.str("adult_dependent", map[bool]string{false: "0", true: "1"}[m.AdultDependent]),
	}
	return r, s.err
}

// facts is the view the workflow decides on: every record, no sealed field.
// Guards read states, results, dates and IDs only, so nothing is decrypted
// to decide.
var facts = policy.View{Assessments: true, Decisions: true, CheckKinds: haven.CheckKinds}

// loadCase reads a case and its records, opening only the sealed fields
// that view includes; every other sealed field stays empty and is never
// decrypted. With members nil, the members are those view includes (those
// who stay behind only with view.StayingBehind); otherwise only the
// members in it, each opened under its own view, with the checks of its
// own kinds. A member left out is not even loaded, nor its checks.
func (a *Cases) loadCase(ctx context.Context, tx store.Tx, row *store.CaseRow, view policy.View, members map[haven.ID]policy.View) (*haven.Case, error) {
	dk, err := a.key(ctx, tx, row.ID)
	if err != nil {
		return nil, err
	}
	// when returns the sealed value if the view includes it, else nil.
	when := func(ok bool, v store.Sealed) store.Sealed {
		if ok {
			return v
		}
		return nil
	}
	o := a.opener(dk, "cases", row.ID)
	c := &haven.Case{
		ID: row.ID, Reference: row.Reference, UNHCRNumber: o.str("unhcr_number", when(view.Narrative, row.UNHCRNumber)), ReferringOrgID: row.ReferringOrgID,
		NominationID: row.NominationID, State: row.State, ResumeState: row.ResumeState,
		SubmissionPriority: row.SubmissionPriority, ProcessingPriority: row.ProcessingPriority,
		PrimaryCategory: row.PrimaryCategory, SecondaryCategory: row.SecondaryCategory,
		CategoryJustification: o.str("justification", when(view.Narrative, row.CategoryJustification)),
		PersecutionAccount:    o.str("persecution_account", when(view.Narrative, row.PersecutionAccount)),
		NationalityCountries:  row.NationalityCountries, AsylumCountry: row.AsylumCountry, DeclaredSize: row.DeclaredSize,
		VisaKind: row.VisaKind, AdmissionYear: row.AdmissionYear, SettlementOrgID: row.SettlementOrgID,
		ReferredAt: row.ReferredAt, UpdatedAt: row.UpdatedAt, Version: row.Version, Shredded: dk == nil,
		CaseClock: row.CaseClock,
	}
	var g sealedGrounds
	o.json("grounds", when(view.Narrative, row.Grounds), &g)
	c.Grounds, c.SocialGroups = g.Grounds, g.SocialGroups
	var wk sealedWork
	o.json("work", when(view.Work, row.Work), &wk)
	c.Profile.WorkAreas, c.Profile.Organisations = wk.WorkAreas, wk.Organisations
	o.json("threats", when(view.Narrative, row.Threats), &c.Profile.ThreatEvents)
	if o.err != nil {
		return nil, o.err
	}
	mrs, err := tx.FindMembers(ctx, row.ID)
	if err != nil {
		return nil, err
	}
	// memberView is the view of one member, and whether it is loaded at all.
	memberView := func(m *haven.Member) (policy.View, bool) {
		if members != nil {
			mv, ok := members[m.ID]
			return mv, ok
		}
		// A view without member records (the facts the workflow decides
		// on) still loads every member, no field opened; a view with them
		// loads the members it includes.
		return view, !view.Identity && !view.Family && !view.Contact && !view.ConfidentialNotes || view.Includes(m)
	}
	for _, mr := range mrs {
		view, ok := memberView(&haven.Member{ID: mr.ID, Accompanying: mr.Accompanying, Excluded: mr.Excluded})
		if !ok {
			continue
		}
		mo := a.opener(dk, "members", mr.ID)
		m := &haven.Member{
			ID: mr.ID, CaseID: mr.CaseID, Relationship: mr.Relationship, Accompanying: mr.Accompanying, Excluded: mr.Excluded,
			Sex: mr.Sex, Nationalities: mr.Nationalities, Languages: mr.Languages,
			FamilyName:        mo.str("family_name", when(view.Identity, mr.FamilyName)),
			GivenNames:        mo.str("given_names", when(view.Identity, mr.GivenNames)),
			Contact:           mo.str("contact", when(view.Contact, mr.Contact)),
			Whereabouts:       mo.str("whereabouts", when(view.Contact, mr.Whereabouts)),
			ConfidentialNotes: mo.str("confidential_notes", when(view.ConfidentialNotes, mr.ConfidentialNotes)),
			// The exception discloses a physical or mental condition: with
			// the family's composition, to those who read the narrative.
			AdultDependent: mo.str("adult_dependent", when(view.Family && view.Narrative, mr.AdultDependent)) == "1",
		}
		if dob := mo.str("date_of_birth", when(view.Identity, mr.DateOfBirth)); dob != "" {
			if m.DateOfBirth, err = haven.ParseDate(dob); err != nil {
				return nil, haven.Internal("app.loadCase", err)
			}
		}
		if mo.err != nil {
			return nil, mo.err
		}
		c.Members = append(c.Members, m)
	}
	if view.Assessments {
		ars, err := tx.FindAssessments(ctx, row.ID)
		if err != nil {
			return nil, err
		}
		for _, ar := range ars {
			ao := a.opener(dk, "assessments", ar.ID)
			c.Assessments = append(c.Assessments, &haven.EligibilityAssessment{
				ID: ar.ID, CaseID: ar.CaseID, OutsideCountry: ar.OutsideCountry, WellFoundedFear: ar.WellFoundedFear,
				NoInternalFlight: ar.NoInternalFlight, NoDurableSolution: ar.NoDurableSolution, Grounds: ar.Grounds,
				Interviewed: ar.Interviewed, Notes: ao.str("notes", when(view.Narrative, ar.Notes)), AssessedBy: ar.AssessedBy, AssessedAt: ar.AssessedAt,
			})
			if ao.err != nil {
				return nil, ao.err
			}
		}
	}
	if len(view.CheckKinds) > 0 {
		crs, err := tx.FindChecks(ctx, row.ID)
		if err != nil {
			return nil, err
		}
		for _, cr := range crs {
			m := c.Member(cr.MemberID)
			if m == nil {
				continue // a member outside the view: none of its checks
			}
			if mv, _ := memberView(m); !slices.Contains(mv.CheckKinds, cr.Kind) {
				continue
			}
			co := a.opener(dk, "checks", cr.ID)
			c.Checks = append(c.Checks, &haven.Check{
				ID: cr.ID, CaseID: cr.CaseID, MemberID: cr.MemberID, Kind: cr.Kind, Result: cr.Result, ValidUntil: cr.ValidUntil,
				Details: co.str("details", when(view.CheckDetails, cr.Details)), ConvictionPoliticallyMotivated: cr.ConvictionPoliticallyMotivated,
				PoliticalMotivationReasons: co.str("political_motivation_reasons", when(view.CheckDetails, cr.PoliticalMotivationReasons)),
				RecordedBy:                 cr.RecordedBy, RecordedByOrg: cr.RecordedByOrg, RecordedAt: cr.RecordedAt,
			})
			if co.err != nil {
				return nil, co.err
			}
		}
	}
	if view.Decisions {
		drs, err := tx.FindDecisions(ctx, row.ID)
		if err != nil {
			return nil, err
		}
		for _, dr := range drs {
			do := a.opener(dk, "decisions", dr.ID)
			c.Decisions = append(c.Decisions, &haven.Decision{
				ID: dr.ID, CaseID: dr.CaseID, Kind: dr.Kind, VisaKind: dr.VisaKind, AdmissionYear: dr.AdmissionYear,
				ExcludedMembers: dr.ExcludedMembers, Reasons: do.str("reasons", when(view.DecisionReasons, dr.Reasons)), NoticeOrgID: dr.NoticeOrgID,
				NoticeAt: dr.NoticeAt, DecidedBy: dr.DecidedBy, DecidedAt: dr.DecidedAt,
			})
			if do.err != nil {
				return nil, do.err
			}
		}
	}
	// Notes carry the same kind of written reasons as decisions; their
	// times also order later notes. A case waiting for information has
	// them whatever the view, texts unopened: whether its request is
	// answered (workflow.Answered) decides its next step and the offer,
	// and Redact then drops them outside the view.
	if view.Decisions || row.State == haven.StateInfoRequested {
		nrs, err := tx.FindCaseNotes(ctx, row.ID)
		if err != nil {
			return nil, err
		}
		for _, nr := range nrs {
			no := a.opener(dk, "case_notes", nr.ID)
			c.Notes = append(c.Notes, &haven.CaseNote{ID: nr.ID, CaseID: nr.CaseID, Event: nr.Event,
				Text:     no.str("text", when(view.Decisions && view.DecisionReasons, nr.Text)),
				AuthorID: nr.AuthorID, OrgID: nr.OrgID, At: nr.At})
			if no.err != nil {
				return nil, no.err
			}
		}
	}
	if tr, err := tx.FindTravel(ctx, row.ID); err == nil {
		to := a.opener(dk, "travel", row.ID)
		c.Travel = &haven.Travel{CaseID: tr.CaseID, Date: tr.Date, Itinerary: to.str("itinerary", when(view.Itinerary, tr.Itinerary)),
			TransportationLoan: tr.TransportationLoan, BookedBy: tr.BookedBy, BookedAt: tr.BookedAt}
		if to.err != nil {
			return nil, to.err
		}
	} else if haven.ErrorCodeOf(err) != haven.ENOTFOUND {
		return nil, err
	}
	if ar, err := tx.FindArrival(ctx, row.ID); err == nil {
		c.Arrival = ar
	} else if haven.ErrorCodeOf(err) != haven.ENOTFOUND {
		return nil, err
	}
	// The interview's day and who attends are facts the clock and the
	// next step read, whatever the view; where it is opens with the view.
	if c.Interview, err = a.loadInterview(ctx, tx, row.ID, dk, view.Interview); err != nil {
		return nil, err
	}
	if view.IntegrationPlan {
		if c.Plan, err = a.loadPlan(ctx, tx, c, dk); err != nil {
			return nil, err
		}
	}
	if view.Duplicates {
		drs, err := tx.FindCaseDuplicates(ctx, row.ID)
		if err != nil {
			return nil, err
		}
		for _, d := range drs {
			pd := &haven.PossibleDuplicate{OtherCaseID: d.OtherCaseID, Match: d.Kind, MemberID: d.MemberID, OtherMemberID: d.OtherMemberID, FoundAt: d.FoundAt}
			if d.OtherCaseID == row.ID { // found when the other case was referred
				pd.OtherCaseID, pd.MemberID, pd.OtherMemberID = d.CaseID, d.OtherMemberID, d.MemberID
			}
			c.PossibleDuplicates = append(c.PossibleDuplicates, pd)
		}
	}
	return c, nil
}

// FindCaseByID returns the case with the records and fields of the actor's
// view (policy.ViewOf), and where that view holds the timeline, the latest
// page of it (FindCaseTimeline). ENOTFOUND when there is no such case or
// the actor may not see it.
func (a *Cases) FindCaseByID(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error) {
	var c *haven.Case
	// A read of a case's sensitive view is itself an act on the record:
	// it is audited, so breach scoping can tell who saw what.
	err := a.update(ctx, func(tx store.Tx) error {
		w, err := a.resolve(ctx, tx, actor)
		if err != nil {
			return err
		}
		row, _, err := a.reach(ctx, tx, w, id, false, policy.CaseRead, "")
		if err != nil {
			return err
		}
		if c, err = a.present(ctx, tx, w, row); err != nil {
			return err
		}
		// The latest acts on the case, where the view holds its timeline.
		rel, err := a.caseRel(ctx, tx, w, row)
		if err != nil {
			return err
		}
		if v, d := policy.ViewOf(w.actor(), rel); d.Allowed && v.Timeline {
			if c.Timeline, err = a.timeline(ctx, tx, row, v, 0); err != nil {
				return err
			}
		}
		return a.audit(ctx, tx, w.actor(), "case.read", "case", row.ID, row.ID, map[string]any{"members": memberIDs(c)})
	})
	return c, err
}

// CaseFilter selects cases for a work queue.
type CaseFilter = haven.CaseFilter

// FindCases returns one page of the cases the actor may see, in work-queue
// order (emergency first, then urgent, then normal; then the nearest stage
// deadline, cases without one last; then oldest referral first), and the
// total. Without f.States it holds the open cases alone: a final state
// (refused, withdrawn, closed) is listed only when asked for. The query selects, and the total counts, exactly the cases
// the policies let the actor read (policy.ReadScope), and a filter keeps
// only cases whose filtered field is inside the actor's view of them; the
// order ranks by priority only the cases whose priority the actor sees. The
// cases carry their plain fields and, where the actor's view of the case
// holds them, its UNHCR number and the principal applicant's name (in
// Members, the principal alone), and where it holds the arrival, the
// booked travel date (Travel holding the date alone: the expected
// arrival): no other sealed field is opened for a list, and a list writes
// nothing. Where the actor may process a case (as a read sets them), the
// rows waiting on the check partners carry CheckHolders, all read in one
// query for the page.
//
// Errors: EFORBIDDEN, naming the filter, when a filter is on a field that
// is in no case the actor may read (a settlement organisation filtering by
// priority, say): the answer depends on the actor's kind alone, never on a
// record. EINVALID (field "referring_org_id") when f.ReferringOrgID names no
// referral or protection partner, (field "checks_with") when f.ChecksWith
// names no screening or medical partner, (field "due_within") when
// f.DueWithin is negative or above haven.MaxDueWithin, (field "turn") for
// an unknown party.
func (a *Cases) FindCases(ctx context.Context, actor haven.Actor, f CaseFilter) ([]*haven.Case, int, error) {
	p, err := a.FindCasePage(ctx, actor, f)
	if err != nil {
		return nil, 0, err
	}
	return p.Cases, p.Total, nil
}

// MaxListTotal bounds a list's total: beyond it a page says "more than
// MaxListTotal" (haven.CasePage.More), so that counting costs what a page
// costs however many cases match.
const MaxListTotal = 1000

// FindCasePage is FindCases with the cursor of the next page: lists walk
// by keyset (f.After), so that a deep page costs what the first costs.
// f.Sort orders by one column instead of the work queue's order; a sort is
// on a part of the view like a filter (the deadline where the priority
// shows, the referral and the state where the status shows), and is
// refused or kept to where it shows alike, named "sort".
//
// Errors: those of FindCases; EINVALID (field "after") when f.After is not
// a cursor of this order, (field "sort") for an unknown sort.
func (a *Cases) FindCasePage(ctx context.Context, actor haven.Actor, f CaseFilter) (*haven.CasePage, error) {
	const op = "app.FindCases"
	var out []*haven.Case
	var total int
	var over bool
	var next string
	if f.Sort != haven.SortQueue && !slices.Contains(haven.CaseSorts, f.Sort) {
		return nil, (&haven.Problems{{Field: "sort", Message: "sort by due, referred, reference or state"}}).Err(op)
	}
	after, err := decodeCursor(f)
	if err != nil {
		return nil, (&haven.Problems{{Field: "after", Message: "this cursor is not of this list; start again from the first page"}}).Err(op)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	err = a.view(ctx, func(tx store.Tx) error {
		w, err := a.resolve(ctx, tx, actor)
		if err != nil {
			return err
		}
		if err := a.coarse(ctx, tx, w, policy.CaseRead, "case", "", ""); err != nil {
			return err
		}
		q, err := a.caseQuery(ctx, tx, w, f)
		if err != nil {
			return err
		}
		sf, reach, ranked := q.filter, q.reach, q.ranked
		// One more than the page tells whether there is a next.
		sf.After, sf.Limit, sf.CountUpTo, sf.Listed = after, limit+1, MaxListTotal, true
		rows, n, err := tx.FindCases(ctx, sf)
		if err != nil {
			return err
		}
		total, over = n, n > MaxListTotal
		if over {
			total = MaxListTotal
		}
		more := len(rows) > limit
		if more {
			rows = rows[:limit]
		}
		// The page's views, one decision per distinct relation (rows in
		// the same state and relation share one), then the sealed fields
		// the views hold, read for the whole page at once.
		type decided struct {
			v policy.View
			d policy.Decision
			// process: the reader processes the case, and sees whose
			// checks it waits on.
			process bool
		}
		views := map[policy.Relation]decided{}
		vs := make([]policy.View, len(rows))
		process := make([]bool, len(rows))
		held := map[haven.ID]*haven.Case{}
		for i, r := range rows {
			rel, err := a.caseRel(ctx, tx, w, r)
			if err != nil {
				return err
			}
			vd, ok := views[rel]
			if !ok {
				vd.v, vd.d = policy.ViewOf(w.actor(), rel)
				vd.process = policy.Decide(w.actor(), policy.CaseProcess, rel).Allowed
				views[rel] = vd
			}
			if !vd.d.Allowed || !reach.Contains(rel) {
				// The reach is derived from the same policies: a row
				// outside them is a bug, and the list must not be served.
				return haven.Errorf(haven.EINTERNAL, op, "a listed case is outside the reader's reach")
			}
			vs[i], process[i] = vd.v, vd.process
			if more && i == len(rows)-1 {
				next = encodeCursor(sf, store.KeyOf(sf, r, ranked.Contains(rel)))
			}
		}
		sealed, err := a.listSealed(rows, vs)
		if err != nil {
			return err
		}
		for i, r := range rows {
			c := &haven.Case{ID: r.ID, Reference: r.Reference, ReferringOrgID: r.ReferringOrgID, NominationID: r.NominationID, State: r.State,
				SubmissionPriority: r.SubmissionPriority, ProcessingPriority: r.ProcessingPriority, PrimaryCategory: r.PrimaryCategory,
				SecondaryCategory: r.SecondaryCategory, NationalityCountries: r.NationalityCountries, AsylumCountry: r.AsylumCountry,
				DeclaredSize: r.DeclaredSize, VisaKind: r.VisaKind, AdmissionYear: r.AdmissionYear, SettlementOrgID: r.SettlementOrgID,
				ReferredAt: r.ReferredAt, UpdatedAt: r.UpdatedAt, Version: r.Version, CaseClock: r.CaseClock}
			if err := a.listFields(sealed, r, vs[i], c); err != nil {
				return err
			}
			if d, ok := sealed.travel[r.ID]; ok {
				c.Travel = &haven.Travel{CaseID: r.ID, Date: d}
			}
			vs[i].Redact(c)
			c.ID, c.Reference = r.ID, r.Reference
			out = append(out, c)
			// Whose checks the case waits on, where the reader's view of it
			// shows the assignments and whose turn it is, as a read does.
			if r.Turn == haven.PartyCheckPartners && vs[i].Status && process[i] {
				held[r.ID] = c
			}
		}
		return a.listHolders(ctx, tx, held)
	})
	if err != nil {
		return nil, err
	}
	return &haven.CasePage{Cases: out, Total: total, More: over, Next: next}, nil
}

// listSealed is what a page of a list may open, of what its rows carry
// (store.ListedRow): the data keys of the cases whose view holds the UNHCR
// number or the identity, unwrapped; the principal applicants of those
// whose view holds the identity; and the booked travel dates (the expected
// arrivals) of those whose view holds the arrival. What a row carries
// beyond its view is dropped here, unopened.
type listSealed struct {
	keys       map[haven.ID]*vault.DataKey
	principals map[haven.ID]*store.MemberRow
	travel     map[haven.ID]haven.Date
}

func (a *Cases) listSealed(rows []*store.CaseRow, vs []policy.View) (*listSealed, error) {
	out := &listSealed{keys: map[haven.ID]*vault.DataKey{}, principals: map[haven.ID]*store.MemberRow{}, travel: map[haven.ID]haven.Date{}}
	for i, r := range rows {
		l := r.Listed
		if l == nil {
			return nil, haven.Errorf(haven.EINTERNAL, "app.listSealed", "a row of a list came without what it may open")
		}
		if (vs[i].Narrative || vs[i].Identity) && l.Key != nil {
			dk, err := a.vault.Unwrap(string(r.ID), vault.WrappedKey{KEKID: l.Key.KEKID, Ciphertext: l.Key.Wrapped})
			if err != nil {
				return nil, &haven.Error{Code: haven.EUNAVAILABLE, Op: "app.listSealed", Message: "a data key cannot be unwrapped: is the right key file loaded?", Err: err}
			}
			out.keys[r.ID] = dk
			if vs[i].Identity && l.Principal != nil {
				out.principals[r.ID] = l.Principal
			}
		}
		if vs[i].Arrival && !l.TravelDate.IsZero() {
			out.travel[r.ID] = l.TravelDate
		}
	}
	return out, nil
}

// listHolders sets CheckHolders on each case of held, by ID, as a read
// sets it (workflow.CheckHolders on the case's travellers, their latest
// checks and their assignments), from one query for them all: a list does
// not cost a query per row.
func (a *Cases) listHolders(ctx context.Context, tx store.Tx, held map[haven.ID]*haven.Case) error {
	if len(held) == 0 {
		return nil
	}
	ids := make([]haven.ID, 0, len(held))
	for id := range held {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	rows, err := tx.FindAssignedChecks(ctx, ids)
	if err != nil {
		return err
	}
	// The facts of each case that CheckHolders reads, and no more.
	facts := map[haven.ID]*haven.Case{}
	for _, r := range rows {
		f := facts[r.CaseID]
		if f == nil {
			f = &haven.Case{ID: r.CaseID}
			facts[r.CaseID] = f
		}
		if f.Member(r.MemberID) == nil {
			f.Members = append(f.Members, &haven.Member{ID: r.MemberID, CaseID: r.CaseID, Accompanying: r.Accompanying, Excluded: r.Excluded})
			for _, k := range haven.CheckKinds {
				if res, ok := r.Latest[k]; ok {
					f.Checks = append(f.Checks, &haven.Check{CaseID: r.CaseID, MemberID: r.MemberID, Kind: k, Result: res})
				}
			}
		}
		f.CheckAssignments = append(f.CheckAssignments, &haven.CheckAssignment{MemberID: r.MemberID, OrgID: r.OrgID, Kinds: checkKindsOf(r.OrgKind)})
	}
	for id, f := range facts {
		if c, ok := held[id]; ok {
			c.CheckHolders = workflow.CheckHolders(f)
		}
	}
	return nil
}

// listFields opens for a row of a list the sealed fields a list shows,
// each only where v holds it: the UNHCR number (the narrative) and the
// principal applicant's name (identity), as c.Members holding the principal
// alone. Nothing else is opened, and nothing is written: a list is not an
// audited read of the record.
func (a *Cases) listFields(s *listSealed, r *store.CaseRow, v policy.View, c *haven.Case) error {
	dk := s.keys[r.ID]
	if !v.Narrative && !v.Identity || dk == nil { // shredded: nothing to open
		return nil
	}
	if v.Narrative {
		o := a.opener(dk, "cases", r.ID)
		if c.UNHCRNumber = o.str("unhcr_number", r.UNHCRNumber); o.err != nil {
			return o.err
		}
	}
	mr := s.principals[r.ID]
	if !v.Identity || mr == nil {
		return nil
	}
	m := &haven.Member{ID: mr.ID, CaseID: mr.CaseID, Relationship: mr.Relationship, Accompanying: mr.Accompanying, Excluded: mr.Excluded}
	if !v.Includes(m) {
		return nil
	}
	o := a.opener(dk, "members", mr.ID)
	m.FamilyName, m.GivenNames = o.str("family_name", mr.FamilyName), o.str("given_names", mr.GivenNames)
	if o.err != nil {
		return o.err
	}
	c.Members = []*haven.Member{m}
	return nil
}

// storeReach is a policy scope as the store takes it, of the cases as they
// relate to org.
func storeReach(s policy.Scope, org haven.ID) store.Reach {
	r := store.Reach{OrgID: org, All: s.All}
	flag := func(t policy.Tri) store.Flag {
		switch t {
		case policy.Yes:
			return store.FlagTrue
		case policy.No:
			return store.FlagFalse
		}
		return store.AnyFlag
	}
	for _, c := range s.Clauses {
		r.Clauses = append(r.Clauses, store.ReachClause{Referring: flag(c.Referring), Nominating: flag(c.Nominating),
			Settlement: flag(c.Settlement), States: c.States})
	}
	return r
}

// onCase runs fn on the case id, loaded as facts and locked, for an actor
// who may take action on it, in one transaction, and returns the case as
// the actor then sees it. It is for acts on a case that are not workflow
// events (a placement, an assignment, a negative assessment).
func (a *Cases) onCase(ctx context.Context, actor haven.Actor, id haven.ID, action policy.Action,
	fn func(tx store.Tx, w who, row *store.CaseRow, c *haven.Case) error) (*haven.Case, error) {
	var out *haven.Case
	err := a.update(ctx, func(tx store.Tx) error {
		w, err := a.resolve(ctx, tx, actor)
		if err != nil {
			return err
		}
		row, _, err := a.reach(ctx, tx, w, id, true, action, "")
		if err != nil {
			return err
		}
		c, err := a.loadCase(ctx, tx, row, facts, nil)
		if err != nil {
			return err
		}
		if err := fn(tx, w, row, c); err != nil {
			return err
		}
		out, err = a.present(ctx, tx, w, row)
		return err
	})
	return out, err
}

// step is one event on one case: it resolves and checks the actor, loads
// and locks the case, asks the workflow, lets effect write what the event
// records (and change the row), stores the new state and appends the audit
// event, all in one transaction. It returns the case as it stands after.
func (a *Cases) step(ctx context.Context, actor haven.Actor, id haven.ID, in workflow.Input,
	effect func(ctx context.Context, tx store.Tx, w who, row *store.CaseRow, c *haven.Case, dk *vault.DataKey) (map[string]any, error)) (*haven.Case, error) {
	var out *haven.Case
	err := a.update(ctx, func(tx store.Tx) error {
		w, err := a.resolve(ctx, tx, actor)
		if err != nil {
			return err
		}
		row, err := a.stepIn(ctx, tx, w, id, in, effect)
		if err != nil {
			return err
		}
		out, err = a.present(ctx, tx, w, row)
		return err
	})
	return out, err
}

// stepChecked is step for an act whose input has problems of its own
// (input, found without the case): they are answered together with the
// workflow's input problems of the same act (a travel date in the past
// beside an itinerary too long), in one EINVALID, so that a form shows
// every problem at once. A problem the workflow finds that input already
// states (the same message: a date not given) is not said twice. While input has
// problems nothing is written: the effect never runs, and a conflict of
// the case (its state) waits until the input is right, as before; a case
// the actor may not reach is refused as step refuses it.
func (a *Cases) stepChecked(ctx context.Context, actor haven.Actor, id haven.ID, in workflow.Input, input haven.Problems, op string,
	effect func(ctx context.Context, tx store.Tx, w who, row *store.CaseRow, c *haven.Case, dk *vault.DataKey) (map[string]any, error)) (*haven.Case, error) {
	if len(input) == 0 {
		return a.step(ctx, actor, id, in, effect)
	}
	refused := input.Err(op)
	// The workflow's guards run before the effect: reaching the effect
	// means they found nothing, and its error rolls the transaction back.
	_, err := a.step(ctx, actor, id, in, func(context.Context, store.Tx, who, *store.CaseRow, *haven.Case, *vault.DataKey) (map[string]any, error) {
		return nil, refused
	})
	switch haven.ErrorCodeOf(err) {
	case haven.EINVALID:
		if errors.Is(err, refused) {
			return nil, refused
		}
		p := input
		for _, f := range haven.FieldsOf(err) {
			if !slices.ContainsFunc(p, func(q haven.FieldProblem) bool { return q.Message == f.Message }) {
				p = append(p, f)
			}
		}
		return nil, p.Err(op)
	case haven.ECONFLICT:
		return nil, refused
	}
	return nil, err
}

// stepIn is step's work inside a transaction the caller holds, for an
// actor already resolved: several events may share one transaction, and
// stand or fall together. It returns the case's row as it stands after.
func (a *Cases) stepIn(ctx context.Context, tx store.Tx, w who, id haven.ID, in workflow.Input,
	effect func(ctx context.Context, tx store.Tx, w who, row *store.CaseRow, c *haven.Case, dk *vault.DataKey) (map[string]any, error)) (*store.CaseRow, error) {
	var member haven.ID
	if in.Check != nil {
		member = in.Check.MemberID
	}
	row, _, err := a.reach(ctx, tx, w, id, true, actionOf(in), member)
	if err != nil {
		return nil, err
	}
	c, err := a.loadCase(ctx, tx, row, facts, nil)
	if err != nil {
		return nil, err
	}
	if c.Shredded {
		return nil, haven.Errorf(haven.ECONFLICT, "app.step", "the case has been shredded and cannot change")
	}
	now := a.now()
	next, err := workflow.Step(c, in, haven.DateOf(now))
	if err != nil {
		return nil, err
	}
	var dk *vault.DataKey
	if dk, err = a.key(ctx, tx, c.ID); err != nil {
		return nil, err
	}
	detail := map[string]any{}
	if effect != nil {
		d, err := effect(ctx, tx, w, row, c, dk)
		if err != nil {
			return nil, err
		}
		for k, v := range d {
			detail[k] = v
		}
	}
	switch waiting := func(s haven.CaseState) bool { return s == haven.StateOnHold || s == haven.StateInfoRequested }; {
	case next == c.State:
		// An event that stays (an answer to a request) keeps where the
		// case will resume.
	case waiting(next):
		row.ResumeState = c.State
	case waiting(c.State):
		row.ResumeState = ""
	}
	switch in.Event {
	case haven.EventHold, haven.EventRequestInfo, haven.EventWithdraw, haven.EventAnswerInfo:
		// The written reasons of these events, and the answer to a
		// request, are kept, sealed, on the case.
		nid, err := a.note(ctx, tx, w, c, dk, in.Event, in.Reasons)
		if err != nil {
			return nil, err
		}
		detail["note_id"] = nid
	}
	detail["from"], detail["to"], detail["members"] = c.State, next, memberIDs(c)
	row.State, row.UpdatedAt, row.Version = next, now, row.Version+1
	if err := a.retime(ctx, tx, row); err != nil {
		return nil, err
	}
	if err := tx.UpdateCase(ctx, row); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, tx, w.actor(), "case."+string(in.Event), "case", c.ID, c.ID, detail); err != nil {
		return nil, err
	}
	return row, nil
}

// retime sets row's clock for the case as it stands after an act (its
// records as written in this transaction, its new state on row), with the
// rules of its referral year. It runs before every UpdateCase of an act,
// in the act's transaction, so the stored dates never lag the case.
func (a *Cases) retime(ctx context.Context, tx store.Tx, row *store.CaseRow) error {
	c, err := a.loadCase(ctx, tx, row, facts, nil)
	if err != nil {
		return err
	}
	rules, err := tx.FindRules(ctx, row.ReferredAt.Year())
	if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
		rules, err = nil, nil
	}
	if err != nil {
		return err
	}
	row.CaseClock = workflow.NextClock(row.CaseClock, c, rules, a.now())
	row.Open = !workflow.Terminal(row.State)
	return nil
}

// event applies an event that records nothing but the state change.
func (a *Cases) event(ctx context.Context, actor haven.Actor, id haven.ID, in workflow.Input) (*haven.Case, error) {
	return a.step(ctx, actor, id, in, nil)
}

// OpenFile opens the visa office's file on a referred case.
func (a *Cases) OpenFile(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error) {
	return a.event(ctx, actor, id, workflow.Input{Event: haven.EventOpenFile})
}

// StartEligibility starts the Convention refugee assessment.
func (a *Cases) StartEligibility(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error) {
	return a.event(ctx, actor, id, workflow.Input{Event: haven.EventStartEligibility})
}

// RecordAssessment records the visa office's eligibility assessment. A
// positive one makes the case eligible; a negative one is kept on the case,
// which stays where it is until the officer refuses it with written reasons.
func (a *Cases) RecordAssessment(ctx context.Context, actor haven.Actor, id haven.ID, as *haven.EligibilityAssessment) (*haven.Case, error) {
	var p haven.Problems
	for i, g := range as.Grounds {
		if !g.Valid() {
			p.Addf("grounds", "entry %d is not a Convention ground", i+1)
		}
	}
	if err := p.Err("app.RecordAssessment"); err != nil {
		return nil, err
	}
	write := func(ctx context.Context, tx store.Tx, w who, row *store.CaseRow, c *haven.Case, dk *vault.DataKey) (map[string]any, error) {
		aid, err := a.newID("asm")
		if err != nil {
			return nil, err
		}
		as.ID, as.CaseID, as.AssessedBy, as.AssessedAt = aid, c.ID, w.user.ID, a.now()
		s := a.sealer(dk, "assessments", aid)
		r := &store.AssessmentRow{ID: aid, CaseID: c.ID, OutsideCountry: as.OutsideCountry, WellFoundedFear: as.WellFoundedFear,
			NoInternalFlight: as.NoInternalFlight, NoDurableSolution: as.NoDurableSolution, Grounds: as.Grounds,
			Interviewed: as.Interviewed, Notes: s.str("notes", as.Notes), AssessedBy: w.user.ID, AssessedAt: as.AssessedAt}
		if s.err != nil {
			return nil, s.err
		}
		return map[string]any{"eligible": as.Eligible(), "assessment_id": aid}, tx.CreateAssessment(ctx, r)
	}
	if as.Eligible() {
		return a.step(ctx, actor, id, workflow.Input{Event: haven.EventFindEligible, Assessment: as}, write)
	}
	// A negative assessment changes no state: record it in place.
	return a.onCase(ctx, actor, id, policy.CaseProcess, func(tx store.Tx, w who, row *store.CaseRow, c *haven.Case) error {
		if c.State != haven.StateEligibilityReview && c.State != haven.StateInterview {
			return haven.Errorf(haven.ECONFLICT, "app.RecordAssessment", "a case in state %s takes no eligibility assessment", c.State)
		}
		dk, err := a.key(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if dk == nil {
			return haven.Errorf(haven.ECONFLICT, "app.RecordAssessment", "the case has been shredded and cannot change")
		}
		d, err := write(ctx, tx, w, row, c, dk)
		if err != nil {
			return err
		}
		d["members"] = memberIDs(c)
		if err := a.audit(ctx, tx, w.actor(), "case.assess", "case", c.ID, c.ID, d); err != nil {
			return err
		}
		return nil
	})
}

// StartAdmissibility starts the admissibility checks of an eligible case.
func (a *Cases) StartAdmissibility(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error) {
	return a.event(ctx, actor, id, workflow.Input{Event: haven.EventStartAdmissibility})
}

// RecordCheck records one admissibility check of one member. A medical
// partner records medicals, a screening partner security and criminality,
// the visa office any. A check for a member of another case is EINVALID.
func (a *Cases) RecordCheck(ctx context.Context, actor haven.Actor, id haven.ID, ch *haven.Check) (*haven.Case, error) {
	if err := ch.Validate().Err("app.RecordCheck"); err != nil {
		return nil, err
	}
	return a.step(ctx, actor, id, workflow.Input{Event: haven.EventRecordCheck, Check: ch}, a.writeCheck(ch))
}

// MaxChecksAtOnce bounds the checks RecordChecks takes in one call: a
// family's three kinds for each of its members, and then some.
const MaxChecksAtOnce = 150

// RecordChecks records several checks of one case, a family's at once, as
// RecordCheck records each: all of them in one transaction, with an audit
// event for each, or none. Every check is validated before any is written,
// and the problems of all of them come back together, each field named
// after its check's place in checks ("checks[2].result"); a check the
// workflow refuses is reported at its place likewise, and nothing is
// recorded. Two checks of the same kind for the same member are EINVALID.
// A member the actor may not reach answers ENOTFOUND, as RecordCheck.
func (a *Cases) RecordChecks(ctx context.Context, actor haven.Actor, id haven.ID, checks []*haven.Check) (*haven.Case, error) {
	const op = "app.RecordChecks"
	var p haven.Problems
	switch {
	case len(checks) == 0:
		p.Add("checks", "record at least one result")
	case len(checks) > MaxChecksAtOnce:
		p.Addf("checks", "record at most %d results at once", MaxChecksAtOnce)
	}
	type pair struct {
		member haven.ID
		kind   haven.CheckKind
	}
	seen := map[pair]bool{}
	for i, ch := range checks {
		if ch == nil {
			p.Add(checkField(i, ""), "enter a value")
			continue
		}
		p.Merge(checkField(i, "."), ch.Validate())
		k := pair{ch.MemberID, ch.Kind}
		if seen[k] && ch.MemberID != "" && ch.Kind.Valid() {
			p.Add(checkField(i, ".member_id"), "this member's check of this kind is already in the list")
		}
		seen[k] = true
	}
	if err := p.Err(op); err != nil {
		return nil, err
	}
	var out *haven.Case
	err := a.update(ctx, func(tx store.Tx) error {
		w, err := a.resolve(ctx, tx, actor)
		if err != nil {
			return err
		}
		var row *store.CaseRow
		for i, ch := range checks {
			row, err = a.stepIn(ctx, tx, w, id, workflow.Input{Event: haven.EventRecordCheck, Check: ch}, a.writeCheck(ch))
			if err != nil {
				return atCheck(op, i, err)
			}
		}
		out, err = a.present(ctx, tx, w, row)
		return err
	})
	return out, err
}

// checkField names a field of the i-th check of a list.
func checkField(i int, field string) string {
	return fmt.Sprintf("checks[%d]%s", i, field)
}

// atCheck places the workflow's refusal of the i-th check at that check:
// its field problems under its name, a refusal of the act as a whole at
// its result. Other errors (not found, forbidden, internal) pass as they
// are, so that they say no more than RecordCheck's would.
func atCheck(op string, i int, err error) error {
	code := haven.ErrorCodeOf(err)
	if code != haven.EINVALID && code != haven.ECONFLICT {
		return err
	}
	var p haven.Problems
	if fs := haven.FieldsOf(err); len(fs) > 0 {
		p.Merge(checkField(i, "."), fs)
	} else {
		p.Add(checkField(i, ".result"), haven.ErrorMessageOf(err))
	}
	return &haven.Error{Code: code, Op: op, Message: haven.ErrorMessageOf(err), Fields: p, Err: err}
}

// writeCheck is the effect of a check's event: the check, its sensitive
// fields sealed under the case's key.
func (a *Cases) writeCheck(ch *haven.Check) func(ctx context.Context, tx store.Tx, w who, row *store.CaseRow, c *haven.Case, dk *vault.DataKey) (map[string]any, error) {
	return func(ctx context.Context, tx store.Tx, w who, row *store.CaseRow, c *haven.Case, dk *vault.DataKey) (map[string]any, error) {
		cid, err := a.newID("chk")
		if err != nil {
			return nil, err
		}
		ch.ID, ch.CaseID, ch.RecordedBy, ch.RecordedByOrg, ch.RecordedAt = cid, c.ID, w.user.ID, w.org.ID, a.now()
		// The latest check of a kind decides; keep "recorded later" strict
		// even when two checks share a clock tick (stores keep microseconds).
		if prev := c.LatestCheck(ch.MemberID, ch.Kind); prev != nil && !ch.RecordedAt.After(prev.RecordedAt) {
			ch.RecordedAt = prev.RecordedAt.Add(time.Microsecond)
		}
		s := a.sealer(dk, "checks", cid)
		r := &store.CheckRow{ID: cid, CaseID: c.ID, MemberID: ch.MemberID, Kind: ch.Kind, Result: ch.Result, ValidUntil: ch.ValidUntil,
			Details: s.str("details", ch.Details), ConvictionPoliticallyMotivated: ch.ConvictionPoliticallyMotivated,
			PoliticalMotivationReasons: s.str("political_motivation_reasons", ch.PoliticalMotivationReasons),
			RecordedBy:                 w.user.ID, RecordedByOrg: w.org.ID, RecordedAt: ch.RecordedAt}
		if s.err != nil {
			return nil, s.err
		}
		return map[string]any{"check_id": cid, "member_id": ch.MemberID, "kind": ch.Kind, "result": ch.Result,
			"politically_motivated": ch.ConvictionPoliticallyMotivated}, tx.CreateCheck(ctx, r)
	}
}

// FindAssignedWork returns the cases with members assigned to the actor's
// screening or medical organisation that take checks now, each as the
// actor may see it: the assigned members' identity and the checks of the
// organisation's kind, nothing else.
func (a *Cases) FindAssignedWork(ctx context.Context, actor haven.Actor) ([]*haven.Case, error) {
	var out []*haven.Case
	err := a.update(ctx, func(tx store.Tx) error {
		w, err := a.resolve(ctx, tx, actor)
		if err != nil {
			return err
		}
		action := policy.CheckScreening
		if w.org.Kind == haven.OrgMedicalPartner {
			action = policy.CheckMedical
		}
		if err := a.coarse(ctx, tx, w, action, "case", "", ""); err != nil {
			return err
		}
		ids, err := tx.FindAssignedCases(ctx, w.org.ID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			row, err := tx.FindCaseByID(ctx, id, false)
			if err != nil {
				return err
			}
			c, err := a.present(ctx, tx, w, row)
			if err != nil {
				return err
			}
			if len(c.Members) == 0 {
				continue // no assigned member takes checks in this state
			}
			out = append(out, c)
			if err := a.audit(ctx, tx, w.actor(), "case.read", "case", row.ID, row.ID, map[string]any{"members": memberIDs(c)}); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// FindCheckRequests returns the members the actor's screening or medical
// organisation is asked to examine and still reaches, by the cases'
// referral and the members' order: each with the kinds of check, the
// case's priority, when it was asked and the case's target date. It names
// no one: the members' identities are on the partial case (FindCaseByID).
// Any other organisation gets EFORBIDDEN, which depends on its kind alone.
func (a *Cases) FindCheckRequests(ctx context.Context, actor haven.Actor) ([]*haven.CheckRequest, error) {
	out := []*haven.CheckRequest{}
	err := a.update(ctx, func(tx store.Tx) error {
		w, err := a.resolve(ctx, tx, actor)
		if err != nil {
			return err
		}
		if err := a.coarse(ctx, tx, w, policy.MemberRead, "case", "", ""); err != nil {
			return err
		}
		if w.org.Kind != haven.OrgScreeningPartner && w.org.Kind != haven.OrgMedicalPartner {
			// The visa office reaches every member: it has no requests.
			return nil
		}
		all, err := tx.FindAssignments(ctx, w.org.ID, "")
		if err != nil {
			return err
		}
		var cases []haven.ID
		for _, as := range all {
			if !slices.Contains(cases, as.CaseID) {
				cases = append(cases, as.CaseID)
			}
		}
		for _, id := range cases {
			row, err := tx.FindCaseByID(ctx, id, false)
			if err != nil {
				return err
			}
			rels, err := a.memberRels(ctx, tx, w, row)
			if err != nil {
				return err
			}
			var due *haven.Date
			var members []haven.ID
			for _, as := range all {
				if as.CaseID != id {
					continue
				}
				rel := rels[as.MemberID]
				v, d := policy.ViewOf(w.actor(), rel)
				if !d.Allowed {
					continue
				}
				cr := &haven.CheckRequest{CaseID: id, CaseReference: row.Reference, MemberID: as.MemberID, Kinds: v.CheckKinds, AssignedAt: as.AssignedAt, Recorded: rel.CheckRecorded}
				if v.Priority {
					cr.Priority = row.ProcessingPriority
					if due == nil {
						if due, err = a.targetDate(ctx, tx, row); err != nil {
							return err
						}
					}
					cr.Due = due
				}
				out = append(out, cr)
				members = append(members, as.MemberID)
			}
			if len(members) > 0 {
				if err := a.audit(ctx, tx, w.actor(), "case.check_requests", "case", row.ID, row.ID, map[string]any{"members": members}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return out, err
}

// targetDate is the case's stored target date (its referral date plus the
// target time for its processing priority in the rules of its referral
// year), or nil when it has none.
func (a *Cases) targetDate(_ context.Context, _ store.Tx, row *store.CaseRow) (*haven.Date, error) {
	if row.TargetDate.IsZero() {
		return nil, nil
	}
	d := row.TargetDate
	return &d, nil
}

// AssignChecks assigns members of a case to a screening or medical
// partner, which then reaches those members (and only those) to record its
// checks. The visa office assigns, while the case takes checks.
func (a *Cases) AssignChecks(ctx context.Context, actor haven.Actor, id, orgID haven.ID, members []haven.ID) (*haven.Case, error) {
	const op = "app.AssignChecks"
	return a.onCase(ctx, actor, id, policy.CaseProcess, func(tx store.Tx, w who, row *store.CaseRow, c *haven.Case) error {
		if !slices.Contains(workflow.Allowed(c.State), haven.EventRecordCheck) {
			return haven.Errorf(haven.ECONFLICT, op, "a case in state %s takes no checks", c.State)
		}
		var p haven.Problems
		o, err := tx.FindOrganisationByID(ctx, orgID)
		if haven.ErrorCodeOf(err) == haven.ENOTFOUND || (err == nil && o.Kind != haven.OrgScreeningPartner && o.Kind != haven.OrgMedicalPartner) {
			p.Add("org_id", "choose a screening or medical partner")
		} else if err != nil {
			return err
		}
		if len(members) == 0 {
			p.Add("members", "choose the members to assign")
		}
		for i, m := range members {
			if c.Member(m) == nil {
				p.Addf("members", "entry %d is not a member of this case", i+1)
			}
		}
		if err := p.Err(op); err != nil {
			return err
		}
		// An assignment asks for new checks: it is strictly later than every
		// check already recorded, even within one clock tick (stores keep
		// microseconds), so none of them answers it.
		at := a.now()
		for _, ch := range c.Checks {
			if ch.RecordedByOrg == orgID && !ch.RecordedAt.Before(at) {
				at = ch.RecordedAt.Add(time.Microsecond)
			}
		}
		for _, m := range members {
			if err := tx.AssignMember(ctx, m, orgID, w.user.ID, at); err != nil {
				return err
			}
		}
		if err := a.audit(ctx, tx, w.actor(), "case.assign_checks", "case", c.ID, c.ID, map[string]any{"org_id": orgID, "members": members}); err != nil {
			return err
		}
		return nil
	})
}

// ConfirmAdmissible records that every traveller is admissible.
func (a *Cases) ConfirmAdmissible(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error) {
	return a.event(ctx, actor, id, workflow.Input{Event: haven.EventConfirmAdmissible})
}

// note writes a case note with the written reasons of an event.
func (a *Cases) note(ctx context.Context, tx store.Tx, w who, c *haven.Case, dk *vault.DataKey, ev haven.CaseEvent, text string) (haven.ID, error) {
	id, err := a.newID("note")
	if err != nil {
		return "", err
	}
	at := a.now()
	if k := len(c.Notes); k > 0 && !at.After(c.Notes[k-1].At) {
		at = c.Notes[k-1].At.Add(time.Microsecond) // notes read back in the order written
	}
	s := a.sealer(dk, "case_notes", id)
	r := &store.CaseNoteRow{ID: id, CaseID: c.ID, Event: ev, Text: s.str("text", strings.TrimSpace(text)), AuthorID: w.user.ID, OrgID: w.org.ID, At: at}
	if s.err != nil {
		return "", s.err
	}
	return id, tx.CreateCaseNote(ctx, r)
}

// decision writes a decision row.
func (a *Cases) decision(ctx context.Context, tx store.Tx, w who, c *haven.Case, dk *vault.DataKey, d *haven.Decision) error {
	did, err := a.newID("dec")
	if err != nil {
		return err
	}
	d.ID, d.CaseID, d.DecidedBy, d.DecidedAt = did, c.ID, w.user.ID, a.now()
	s := a.sealer(dk, "decisions", did)
	r := &store.DecisionRow{ID: did, CaseID: c.ID, Kind: d.Kind, VisaKind: d.VisaKind, AdmissionYear: d.AdmissionYear,
		ExcludedMembers: d.ExcludedMembers, Reasons: s.str("reasons", d.Reasons), NoticeOrgID: d.NoticeOrgID, NoticeAt: d.NoticeAt,
		DecidedBy: d.DecidedBy, DecidedAt: d.DecidedAt}
	if s.err != nil {
		return s.err
	}
	return tx.CreateDecision(ctx, r)
}

// SplitDecision removes members from the case with written reasons (some
// members accepted, others not). Their places in the cap, if any, are
// released.
func (a *Cases) SplitDecision(ctx context.Context, actor haven.Actor, id haven.ID, excluded []haven.ID, reasons string) (*haven.Case, error) {
	return a.step(ctx, actor, id, workflow.Input{Event: haven.EventSplit, Excluded: excluded, Reasons: reasons},
		func(ctx context.Context, tx store.Tx, w who, row *store.CaseRow, c *haven.Case, dk *vault.DataKey) (map[string]any, error) {
			for _, m := range excluded {
				if err := tx.UpdateMemberExcluded(ctx, m, true); err != nil {
					return nil, err
				}
			}
			if err := tx.Release(ctx, c.ID, excluded, a.now()); err != nil {
				return nil, err
			}
			d := &haven.Decision{Kind: haven.DecisionSplit, ExcludedMembers: excluded, Reasons: reasons}
			return map[string]any{"excluded": excluded}, a.decision(ctx, tx, w, c, dk, d)
		})
}

// ApproveInput says how a case is approved.
type ApproveInput = haven.ApproveInput

// ledgerPartner is the partner a case's persons count against: the
// protection partner whose nomination it came from, else the referring
// partner.
func ledgerPartner(ctx context.Context, tx store.Tx, row *store.CaseRow) (haven.ID, error) {
	if row.NominationID == "" {
		return row.ReferringOrgID, nil
	}
	n, err := tx.FindNominationByID(ctx, row.NominationID)
	if err != nil {
		return "", err
	}
	return n.ProtectionOrgID, nil
}

// Approve approves the case and reserves a place in the admission year's
// cap for every traveller, in the same transaction. When the cap or the
// partner's allocation has too few places left, it fails with ECONFLICT and
// nothing changes, however many approvals race for the last places.
func (a *Cases) Approve(ctx context.Context, actor haven.Actor, id haven.ID, in ApproveInput) (*haven.Case, error) {
	ev, visa := haven.EventApprove, haven.VisaPermanentResident
	if in.Emergency {
		ev, visa = haven.EventApproveEmergency, haven.VisaTemporaryPermit
	}
	return a.step(ctx, actor, id, workflow.Input{Event: ev},
		func(ctx context.Context, tx store.Tx, w who, row *store.CaseRow, c *haven.Case, dk *vault.DataKey) (map[string]any, error) {
			now := a.now()
			year := in.AdmissionYear
			if year == 0 {
				year = now.Year()
			}
			if year < now.Year() || year > now.Year()+1 {
				return nil, (&haven.Problems{{Field: "admission_year", Message: "choose this year or next"}}).Err("app.Approve")
			}
			partner, err := ledgerPartner(ctx, tx, row)
			if err != nil {
				return nil, err
			}
			held, err := tx.FindLedgerEntries(ctx, c.ID)
			if err != nil {
				return nil, err
			}
			var members []haven.ID
			for _, m := range c.Travellers() {
				if !slices.ContainsFunc(held, func(e *store.LedgerEntry) bool { return e.MemberID == m.ID && e.Status == store.SeatReserved }) {
					members = append(members, m.ID)
				}
			}
			if len(members) > 0 {
				err = tx.Reserve(ctx, store.Reservation{Year: year, OrgID: partner, CaseID: c.ID, Members: members, At: now})
				if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
					return nil, haven.Errorf(haven.ECONFLICT, "app.Approve", "no cap is set for %d: set that year's programme rules first", year)
				} else if err != nil {
					return nil, err
				}
			}
			row.VisaKind, row.AdmissionYear = visa, year
			d := &haven.Decision{Kind: haven.DecisionApproved, VisaKind: visa, AdmissionYear: year}
			return map[string]any{"persons": len(members), "year": year, "visa_kind": visa, "ledger_partner": partner},
				a.decision(ctx, tx, w, c, dk, d)
		})
}

// Refuse refuses the case with written reasons and records the notice to
// the referring partner, so that it can refer the family elsewhere. Any
// places held in the cap are released.
func (a *Cases) Refuse(ctx context.Context, actor haven.Actor, id haven.ID, reasons string) (*haven.Case, error) {
	return a.step(ctx, actor, id, workflow.Input{Event: haven.EventRefuse, Reasons: reasons},
		func(ctx context.Context, tx store.Tx, w who, row *store.CaseRow, c *haven.Case, dk *vault.DataKey) (map[string]any, error) {
			now := a.now()
			if err := tx.Release(ctx, c.ID, nil, now); err != nil {
				return nil, err
			}
			d := &haven.Decision{Kind: haven.DecisionRefused, Reasons: reasons, NoticeOrgID: c.ReferringOrgID, NoticeAt: now}
			return map[string]any{"notice_org_id": c.ReferringOrgID}, a.decision(ctx, tx, w, c, dk, d)
		})
}

// BookTravel books the approved family's journey. Every traveller's medical
// must still be valid on the travel date.
func (a *Cases) BookTravel(ctx context.Context, actor haven.Actor, id haven.ID, t *haven.Travel) (*haven.Case, error) {
	return a.stepChecked(ctx, actor, id, workflow.Input{Event: haven.EventBookTravel, TravelDate: t.Date}, t.Validate(), "app.BookTravel",
		func(ctx context.Context, tx store.Tx, w who, row *store.CaseRow, c *haven.Case, dk *vault.DataKey) (map[string]any, error) {
			t.CaseID, t.BookedBy, t.BookedAt = c.ID, w.user.ID, a.now()
			s := a.sealer(dk, "travel", c.ID)
			r := &store.TravelRow{CaseID: c.ID, Date: t.Date, Itinerary: s.str("itinerary", t.Itinerary),
				TransportationLoan: t.TransportationLoan, BookedBy: t.BookedBy, BookedAt: t.BookedAt}
			if s.err != nil {
				return nil, s.err
			}
			if err := tx.PutTravel(ctx, r); err != nil {
				return nil, err
			}
			return map[string]any{"travel_date": t.Date.String()},
				a.tellSettlement(ctx, tx, w, row, row.SettlementOrgID, haven.NoticeTravelBooked, t.Date)
		})
}

// ChangeTravel moves the booked journey of a travel_booked case to another
// date, checked as a booking is (the workflow's change_travel guards): the
// date given and not past, not the date already booked, no traveller's
// latest check failed and every traveller's medical valid on it. A
// non-empty t.Itinerary replaces the booked itinerary; an empty one keeps
// it, as the transportation loan is kept; the booking then stands as of
// the change (BookedBy and BookedAt name it). The settlement organisation
// the case is placed with is told, in the same transaction. The audit
// event holds the dates and IDs alone.
//
// Errors: EINVALID for bad input, field "date" when none is given,
// "travel_date" when it is past or the date booked, "itinerary" when too
// long; ECONFLICT when the case is not travel_booked, a traveller's latest
// check failed or a medical expires before the new date; EFORBIDDEN for
// an actor who reads the case but may not process it; ENOTFOUND when there
// is no such case or the actor may not read it.
func (a *Cases) ChangeTravel(ctx context.Context, actor haven.Actor, id haven.ID, t *haven.Travel) (*haven.Case, error) {
	return a.stepChecked(ctx, actor, id, workflow.Input{Event: haven.EventChangeTravel, TravelDate: t.Date}, t.Validate(), "app.ChangeTravel",
		func(ctx context.Context, tx store.Tx, w who, row *store.CaseRow, c *haven.Case, dk *vault.DataKey) (map[string]any, error) {
			r, err := tx.FindTravel(ctx, c.ID)
			if err != nil {
				return nil, err
			}
			before := r.Date
			r.Date, r.BookedBy, r.BookedAt = t.Date, w.user.ID, a.now()
			if strings.TrimSpace(t.Itinerary) != "" {
				s := a.sealer(dk, "travel", c.ID)
				if r.Itinerary = s.str("itinerary", t.Itinerary); s.err != nil {
					return nil, s.err
				}
			}
			if err := tx.PutTravel(ctx, r); err != nil {
				return nil, err
			}
			t.CaseID, t.BookedBy, t.BookedAt, t.TransportationLoan = c.ID, r.BookedBy, r.BookedAt, r.TransportationLoan
			return map[string]any{"travel_date": t.Date.String(), "previous_travel_date": before.String(),
					"itinerary_changed": strings.TrimSpace(t.Itinerary) != ""},
				a.tellSettlement(ctx, tx, w, row, row.SettlementOrgID, haven.NoticeTravelChanged, t.Date)
		})
}

// tellSettlement tells the settlement organisation org (none when empty)
// of the travel of the case row, placed with it, in the act's
// transaction: a notice of kind, dated the expected arrival, to every user
// of the organisation. Each act makes its own notice (the key names the
// organisation, the date and the case's version, which every act moves),
// and only the organisation the case is placed with sees it, while it is
// (noticeFilter).
func (a *Cases) tellSettlement(ctx context.Context, tx store.Tx, w who, row *store.CaseRow, org haven.ID, kind haven.NoticeKind, arrival haven.Date) error {
	if org == "" {
		return nil
	}
	_, err := a.notify(ctx, tx, w.actor(), notice{kind: kind, caseID: row.ID, due: arrival, to: []store.Recipient{{OrgID: org}},
		key: string(row.ID) + ":" + string(org) + ":" + arrival.String() + ":v" + itoa(row.Version)})
	return err
}

// RecordArrival records the family's arrival; their places in the cap turn
// from reserved to arrived.
func (a *Cases) RecordArrival(ctx context.Context, actor haven.Actor, id haven.ID, ar *haven.Arrival) (*haven.Case, error) {
	ar.PortOfEntry = strings.ToUpper(strings.TrimSpace(ar.PortOfEntry))
	return a.stepChecked(ctx, actor, id, workflow.Input{Event: haven.EventRecordArrival, ArrivalDate: ar.Date}, ar.Validate(), "app.RecordArrival",
		func(ctx context.Context, tx store.Tx, w who, row *store.CaseRow, c *haven.Case, dk *vault.DataKey) (map[string]any, error) {
			ar.CaseID, ar.RecordedBy, ar.RecordedAt = c.ID, w.user.ID, a.now()
			if err := tx.PutArrival(ctx, ar); err != nil {
				return nil, err
			}
			return map[string]any{"arrival_date": ar.Date.String(), "port_of_entry": ar.PortOfEntry}, tx.ConfirmArrival(ctx, c.ID, ar.RecordedAt)
		})
}

// AssignSettlement places an approved case with a settlement organisation.
// It changes no state: the placement is recorded and audited.
func (a *Cases) AssignSettlement(ctx context.Context, actor haven.Actor, id, orgID haven.ID) (*haven.Case, error) {
	const op = "app.AssignSettlement"
	return a.onCase(ctx, actor, id, policy.CaseProcess, func(tx store.Tx, w who, row *store.CaseRow, c *haven.Case) error {
		switch c.State {
		case haven.StateApproved, haven.StateTravelBooked, haven.StateArrived:
		default:
			return haven.Errorf(haven.ECONFLICT, op, "a case is placed with a settlement organisation between approval and settlement; this one is %s", c.State)
		}
		o, err := tx.FindOrganisationByID(ctx, orgID)
		if haven.ErrorCodeOf(err) == haven.ENOTFOUND || (err == nil && o.Kind != haven.OrgSettlementOrganisation) {
			return (&haven.Problems{{Field: "settlement_org_id", Message: "choose a settlement organisation"}}).Err(op)
		} else if err != nil {
			return err
		}
		before := row.SettlementOrgID
		row.SettlementOrgID, row.UpdatedAt, row.Version = orgID, a.now(), row.Version+1
		if err := a.retime(ctx, tx, row); err != nil {
			return err
		}
		if err := tx.UpdateCase(ctx, row); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, w.actor(), "case.assign_settlement", "case", c.ID, c.ID, map[string]any{"settlement_org_id": orgID, "members": memberIDs(c)}); err != nil {
			return err
		}
		// A family whose travel is booked is on its way: the organisation
		// it is newly placed with learns the expected arrival at once.
		if c.State == haven.StateTravelBooked && c.Travel != nil && orgID != before {
			return a.tellSettlement(ctx, tx, w, row, orgID, haven.NoticePlacedTravelBooked, c.Travel.Date)
		}
		return nil
	})
}

// BeginSettlement records that the settlement organisation has taken the
// family in.
func (a *Cases) BeginSettlement(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error) {
	return a.event(ctx, actor, id, workflow.Input{Event: haven.EventBeginSettlement})
}

// Close closes a case at the end of settlement.
func (a *Cases) Close(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error) {
	return a.event(ctx, actor, id, workflow.Input{Event: haven.EventClose})
}

// Hold puts the case on hold with reasons; Resume returns it where it was.
func (a *Cases) Hold(ctx context.Context, actor haven.Actor, id haven.ID, reasons string) (*haven.Case, error) {
	return a.event(ctx, actor, id, workflow.Input{Event: haven.EventHold, Reasons: reasons})
}

// RequestInfo asks the referring partner for more information (not a
// refusal); Resume returns the case where it was.
func (a *Cases) RequestInfo(ctx context.Context, actor haven.Actor, id haven.ID, what string) (*haven.Case, error) {
	return a.event(ctx, actor, id, workflow.Input{Event: haven.EventRequestInfo, Reasons: what})
}

// AnswerInfoRequest records the referring partner's answer to the visa
// office's open request for information on the case id: the text, sealed
// under the case's data key like every note, and the audit event, in one
// transaction. The case stays info_requested and the turn passes to the
// visa office, which reads the answer and resumes the case
// (workflow.Answered says why it does not resume by itself). Only the
// organisation that referred the case may answer (policy.CaseRespond).
//
// Errors: ENOTFOUND when there is no such case or the actor may not read
// it, alike; EFORBIDDEN when the actor reads the case but may not answer
// (the visa office, or a case not waiting for information); EINVALID
// (field "answer") for an empty answer or one longer than
// workflow.MaxAnswer characters; ECONFLICT when the request is already
// answered.
func (a *Cases) AnswerInfoRequest(ctx context.Context, actor haven.Actor, id haven.ID, text string) (*haven.Case, error) {
	return a.event(ctx, actor, id, workflow.Input{Event: haven.EventAnswerInfo, Reasons: text})
}

// Resume returns a held or information-requested case to where it was.
func (a *Cases) Resume(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error) {
	return a.event(ctx, actor, id, workflow.Input{Event: haven.EventResume})
}

// Withdraw withdraws the case with reasons, by the referring partner or the
// visa office. Any places held in the cap are released.
func (a *Cases) Withdraw(ctx context.Context, actor haven.Actor, id haven.ID, reasons string) (*haven.Case, error) {
	return a.step(ctx, actor, id, workflow.Input{Event: haven.EventWithdraw, Reasons: reasons},
		func(ctx context.Context, tx store.Tx, w who, row *store.CaseRow, c *haven.Case, dk *vault.DataKey) (map[string]any, error) {
			return nil, tx.Release(ctx, c.ID, nil, a.now())
		})
}

// memberIDs lists the IDs of c's members, for audit events: breach scoping
// reads from the log alone which persons an act exposed.
func memberIDs(c *haven.Case) []haven.ID {
	out := make([]haven.ID, len(c.Members))
	for i, m := range c.Members {
		out[i] = m.ID
	}
	return out
}

// ShredCase destroys a case's data key (crypto-shredding): every sealed
// field of the case, its members and its records becomes unreadable for
// good, and the blind indexes of its UNHCR number and its members' names
// and dates of birth are deleted with it, so the case no longer matches a
// duplicate check; states, dates, the ledger and the audit trail stay whole. Only
// the programme's administration may; the act is itself audited.
func (a *Cases) ShredCase(ctx context.Context, actor haven.Actor, id haven.ID) error {
	return a.update(ctx, func(tx store.Tx) error {
		w, err := a.allow(ctx, tx, actor, policy.KeysManage)
		if err != nil {
			return err
		}
		if _, err := tx.FindCaseByID(ctx, id, true); err != nil {
			return err
		}
		if err := tx.DeleteDataKey(ctx, id); err != nil {
			if haven.ErrorCodeOf(err) == haven.ENOTFOUND {
				return haven.Errorf(haven.ECONFLICT, "app.ShredCase", "the case is already shredded")
			}
			return err
		}
		// The blind indexes go in the same transaction: left behind, they
		// would still answer whether a given person or UNHCR number was here.
		if err := tx.DeleteCaseIndexes(ctx, id); err != nil {
			return err
		}
		return a.audit(ctx, tx, w.actor(), "case.shred", "case", id, id, nil)
	})
}
