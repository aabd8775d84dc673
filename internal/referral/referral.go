package referral

import "github.com/havenhrd/haven"

// Referral is one referral of a family as the API and the import page
// read it: the body of POST /api/v1/cases, an entry of the import's list.
// Its JSON names are the only names of its fields; a CSV column names one
// of them (see Columns).
type Referral struct {
	UNHCRNumber           string                   `json:"unhcr_number"`
	NominationID          haven.ID                 `json:"nomination_id"`
	SubmissionPriority    haven.Priority           `json:"submission_priority"`
	ProcessingPriority    haven.Priority           `json:"processing_priority"`
	PrimaryCategory       haven.SubmissionCategory `json:"primary_category"`
	SecondaryCategory     haven.SubmissionCategory `json:"secondary_category"`
	CategoryJustification string                   `json:"category_justification"`
	Grounds               []haven.Ground           `json:"grounds"`
	SocialGroups          []haven.SocialGroup      `json:"social_groups"`
	NationalityCountries  []string                 `json:"nationality_countries"`
	AsylumCountry         string                   `json:"asylum_country"`
	Profile               Profile                  `json:"profile"`
	PersecutionAccount    string                   `json:"persecution_account"`
	DeclaredSize          int                      `json:"declared_size"`
	Members               []Member                 `json:"members"`
}

// Profile is the defender's profile on a referral.
type Profile struct {
	WorkAreas     []haven.WorkArea `json:"work_areas"`
	Organisations []string         `json:"organisations"`
	ThreatEvents  []ThreatEvent    `json:"threat_events"`
}

// ThreatEvent is one act against the defender.
type ThreatEvent struct {
	Type        haven.ThreatType  `json:"type"`
	Perpetrator haven.Perpetrator `json:"perpetrator"`
	Date        haven.Date        `json:"date"`
	Place       string            `json:"place"`
	Description string            `json:"description"`
}

// Member is one person on a referral.
type Member struct {
	Relationship      haven.Relationship `json:"relationship"`
	Accompanying      bool               `json:"accompanying"`
	FamilyName        string             `json:"family_name"`
	GivenNames        string             `json:"given_names"`
	DateOfBirth       haven.Date         `json:"date_of_birth"`
	Sex               haven.Sex          `json:"sex"`
	Nationalities     []string           `json:"nationalities"`
	Languages         []string           `json:"languages"`
	Contact           string             `json:"contact"`
	Whereabouts       string             `json:"whereabouts"`
	ConfidentialNotes string             `json:"confidential_notes"`
	// AdultDependent records the dependent adult child exception.
	AdultDependent bool `json:"adult_dependent"`
}

// List is a list of referrals: the body of POST /api/v1/cases/import, and
// the object form of a JSON import file.
type List struct {
	Referrals []Referral `json:"referrals"`
}

// Case is the domain's referral of r, with the referring organisation,
// IDs and state left for the app to fill.
func (r *Referral) Case() *haven.Case {
	k := &haven.Case{UNHCRNumber: r.UNHCRNumber, NominationID: r.NominationID, SubmissionPriority: r.SubmissionPriority,
		ProcessingPriority: r.ProcessingPriority, PrimaryCategory: r.PrimaryCategory, SecondaryCategory: r.SecondaryCategory,
		CategoryJustification: r.CategoryJustification, Grounds: r.Grounds, SocialGroups: r.SocialGroups,
		NationalityCountries: r.NationalityCountries, AsylumCountry: r.AsylumCountry,
		Profile:            haven.DefenderProfile{WorkAreas: r.Profile.WorkAreas, Organisations: r.Profile.Organisations},
		PersecutionAccount: r.PersecutionAccount, DeclaredSize: r.DeclaredSize}
	for _, e := range r.Profile.ThreatEvents {
		k.Profile.ThreatEvents = append(k.Profile.ThreatEvents, haven.ThreatEvent{Type: e.Type, Perpetrator: e.Perpetrator,
			Date: e.Date, Place: e.Place, Description: e.Description})
	}
	for _, m := range r.Members {
		k.Members = append(k.Members, &haven.Member{Relationship: m.Relationship, Accompanying: m.Accompanying,
			FamilyName: m.FamilyName, GivenNames: m.GivenNames, DateOfBirth: m.DateOfBirth, Sex: m.Sex,
			Nationalities: m.Nationalities, Languages: m.Languages, Contact: m.Contact, Whereabouts: m.Whereabouts,
			ConfidentialNotes: m.ConfidentialNotes, AdultDependent: m.AdultDependent})
	}
	return k
}

// Kind is what is wrong with a file.
type Kind string

// The kinds of problem. A Problem's Message words each in English, as the
// API states it.
const (
	// JSON.
	Syntax     Kind = "syntax"      // not JSON (or CSV): Line and Column say where
	Shape      Kind = "shape"       // not a list of referrals, or data after it
	Unknown    Kind = "unknown"     // a field the format does not have
	Twice      Kind = "twice"       // a field given twice, exactly or in another case
	WantText   Kind = "want_text"   // a field that takes text
	WantBool   Kind = "want_bool"   // a field that takes true or false
	WantNumber Kind = "want_number" // a field that takes a whole number
	WantList   Kind = "want_list"   // a field that takes a list
	WantObject Kind = "want_object" // a field or entry that takes an object
	BadValue   Kind = "bad_value"   // a value the domain's parser refuses; Message is the domain's
	BadDate    Kind = "bad_date"    // a date not written YYYY-MM-DD

	// CSV.
	Empty         Kind = "empty"          // no header row
	NoRows        Kind = "no_rows"        // a header row and no referral
	ColumnTwice   Kind = "column_twice"   // Args: the column's number
	UnknownColumn Kind = "unknown_column" // Args: the column's number
	NoKeyColumn   Kind = "no_key_column"  // no "referral" column
	CellCount     Kind = "cell_count"     // Args: the row's cells, the header's
	KeyRequired   Kind = "key_required"   // a row without its referral key
	Differs       Kind = "differs"        // a family's column differs from its first row; Args: that row's line
	WantYesNo     Kind = "want_yes_no"    // a cell that takes yes or no
)

// Problem is one problem of a file's shape.
type Problem struct {
	// Referral is the referral it is about, from 0; -1 for the file.
	Referral int
	// Line is the line of the file, from 1 (0 when unknown); Column the
	// column of a syntax error, from 1.
	Line, Column int
	// Field is the field as the app names it inside the referral
	// ("members[0].sex", "profile.threat_events[1].date"), "" for the
	// whole referral; for a problem of the file, the path in the file
	// ("referrals", an unknown key) or the CSV column.
	Field   string
	Kind    Kind
	Message string
	Args    []int
}
