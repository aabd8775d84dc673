// Package store defines what Haven asks of a database, and nothing of how.
//
// The store never sees plaintext of a sensitive field: the app layer seals
// them with the vault before they reach a row, and a row's Sealed fields are
// ciphertext bound to their subject, table, column and row. Two engines
// implement the contract (internal/sqlite, internal/postgres) and both pass
// the conformance suite in storetest.
//
// Every rule lives in the app layer or a pure package. The store keeps one
// rule of its own, atomically, because no caller can keep it alone across
// processes: the cap ledger never admits more persons than a year's cap or a
// partner's allocation (Reserve fails with ECONFLICT instead).
package store

import (
	"context"
	"fmt"
	"time"

	"github.com/havenhrd/haven"
)

// Store is a database holding Haven's records.
type Store interface {
	// Update runs fn in one read-write transaction and commits it when fn
	// returns nil; any error rolls the whole transaction back, so nothing is
	// half-written. Transactions that write are serialised where they touch
	// the same case or ledger year, across processes.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction with a consistent snapshot.
	View(ctx context.Context, fn func(Tx) error) error
	// Ready returns nil when the database answers and its schema is current.
	Ready(ctx context.Context) error
	// Engine names the engine: "sqlite" or "postgres".
	Engine() string
	// Close releases the database.
	Close() error
}

// Tx is one transaction. Its methods return *haven.Error: ENOTFOUND for a
// missing record, ECONFLICT for a duplicate or a stale version, EINTERNAL for
// a database fault.
type Tx interface {
	CreateOrganisation(ctx context.Context, o *haven.Organisation) error
	FindOrganisationByID(ctx context.Context, id haven.ID) (*haven.Organisation, error)
	FindOrganisations(ctx context.Context, kind haven.OrgKind) ([]*haven.Organisation, error)

	CreateUser(ctx context.Context, u *haven.User) error
	FindUserByID(ctx context.Context, id haven.ID) (*haven.User, error)
	FindUserByUsername(ctx context.Context, username string) (*haven.User, error)
	FindUsers(ctx context.Context, orgID haven.ID) ([]*haven.User, error)

	// PutRules stores r as version r.Version of its year's rules and keeps
	// every earlier version; the version must be one more than the current.
	PutRules(ctx context.Context, r *haven.ProgrammeRules) error
	// FindRules returns the current rules of year.
	FindRules(ctx context.Context, year int) (*haven.ProgrammeRules, error)
	// FindRulesHistory returns every version of year's rules, oldest first.
	FindRulesHistory(ctx context.Context, year int) ([]*haven.ProgrammeRules, error)
	// FindRulesYears lists the years that have rules.
	FindRulesYears(ctx context.Context) ([]int, error)

	// SetCap sets a year's cap and partner allocations in the ledger. It
	// fails with ECONFLICT when a new limit is below the persons already
	// reserved or arrived against it.
	SetCap(ctx context.Context, year, capPersons int, allocations map[haven.ID]int) error
	// Reserve reserves seats for the members of a case against year, counted
	// for partner. It fails with ECONFLICT, reserving nothing, when the
	// year's cap or the partner's allocation would be exceeded, and with
	// ENOTFOUND when the year has no cap.
	Reserve(ctx context.Context, e Reservation) error
	// ConfirmArrival marks the case's reserved seats as arrived.
	ConfirmArrival(ctx context.Context, caseID haven.ID, at time.Time) error
	// Release frees the case's reserved seats: all of them when members is
	// nil, else those of the members listed. Arrived seats are never released.
	Release(ctx context.Context, caseID haven.ID, members []haven.ID, at time.Time) error
	// LedgerCounts returns the year's cap and counts; Remaining is filled in.
	LedgerCounts(ctx context.Context, year int) (*haven.CapFigures, error)
	// FindLedgerEntries returns the ledger entries of a case.
	FindLedgerEntries(ctx context.Context, caseID haven.ID) ([]*LedgerEntry, error)

	PutDataKey(ctx context.Context, k *DataKey) error
	// FindDataKey returns ENOTFOUND once the key has been shredded.
	FindDataKey(ctx context.Context, subject haven.ID) (*DataKey, error)
	// FindDataKeysNotUnder returns up to limit data keys wrapped under a KEK
	// other than kekID, for rotation.
	FindDataKeysNotUnder(ctx context.Context, kekID string, limit int) ([]*DataKey, error)
	// DeleteDataKey crypto-shreds a subject: its sealed fields stay in place
	// and can never be opened again.
	DeleteDataKey(ctx context.Context, subject haven.ID) error

	CreateNomination(ctx context.Context, n *NominationRow) error
	UpdateNomination(ctx context.Context, n *NominationRow) error
	FindNominationByID(ctx context.Context, id haven.ID) (*NominationRow, error)
	FindNominations(ctx context.Context, f NominationFilter) ([]*NominationRow, error)

	// CreateCase fails with ECONFLICT when the UNHCR case number's blind
	// index is already taken.
	CreateCase(ctx context.Context, c *CaseRow) error
	// UpdateCase writes c when the stored version is c.Version-1, and fails
	// with ECONFLICT otherwise (a concurrent change won).
	UpdateCase(ctx context.Context, c *CaseRow) error
	// FindCaseByID returns the case. With lock set, the row stays locked
	// until the transaction ends, so concurrent changes to one case queue.
	FindCaseByID(ctx context.Context, id haven.ID, lock bool) (*CaseRow, error)
	FindCaseByUNHCRIndex(ctx context.Context, index []byte) (*CaseRow, error)
	// FindCases returns one page of the cases matching f, and the total.
	FindCases(ctx context.Context, f CaseFilter) ([]*CaseRow, int, error)

	CreateMember(ctx context.Context, m *MemberRow) error
	// UpdateMemberExcluded marks a member removed by a split decision.
	UpdateMemberExcluded(ctx context.Context, id haven.ID, excluded bool) error
	FindMembers(ctx context.Context, caseID haven.ID) ([]*MemberRow, error)
	// FindMembersByIdentityIndex returns members whose name-and-birth-date
	// blind index equals index, for duplicate checks.
	FindMembersByIdentityIndex(ctx context.Context, index []byte) ([]*MemberRow, error)

	CreateAssessment(ctx context.Context, a *AssessmentRow) error
	FindAssessments(ctx context.Context, caseID haven.ID) ([]*AssessmentRow, error)
	CreateCheck(ctx context.Context, c *CheckRow) error
	FindChecks(ctx context.Context, caseID haven.ID) ([]*CheckRow, error)
	CreateDecision(ctx context.Context, d *DecisionRow) error
	FindDecisions(ctx context.Context, caseID haven.ID) ([]*DecisionRow, error)
	PutTravel(ctx context.Context, t *TravelRow) error
	FindTravel(ctx context.Context, caseID haven.ID) (*TravelRow, error)
	CreateCaseNote(ctx context.Context, n *CaseNoteRow) error
	// FindCaseNotes returns a case's notes, oldest first.
	FindCaseNotes(ctx context.Context, caseID haven.ID) ([]*CaseNoteRow, error)
	PutArrival(ctx context.Context, a *haven.Arrival) error
	FindArrival(ctx context.Context, caseID haven.ID) (*haven.Arrival, error)

	// AppendAudit appends e to the audit outbox and sets e.Seq. Sequence
	// numbers rise strictly in commit order of the appending transactions.
	AppendAudit(ctx context.Context, e *haven.AuditEvent) error
	// FindAudit returns up to limit events with Seq > after, in order.
	FindAudit(ctx context.Context, after int64, limit int) ([]*haven.AuditEvent, error)
	// FindAuditByActor returns the events of one actor in [from, to), in order.
	FindAuditByActor(ctx context.Context, actor haven.ID, from, to time.Time) ([]*haven.AuditEvent, error)
	// PutAuditHashes stores the Merkle tree's stored hashes from index on.
	PutAuditHashes(ctx context.Context, from int64, hashes [][]byte) error
	// ReadAuditHashes returns the stored hashes at indexes, in that order;
	// EINTERNAL when one is missing.
	ReadAuditHashes(ctx context.Context, indexes []int64) ([][]byte, error)
	// PutAuditCheckpoint stores the signed checkpoint of a tree size.
	PutAuditCheckpoint(ctx context.Context, size int64, note string) error
	// FindAuditCheckpoints returns up to limit signed checkpoints with size
	// > after, in size order.
	FindAuditCheckpoints(ctx context.Context, after int64, limit int) ([]AuditCheckpoint, error)

	// Meta and SetMeta read and write the database's own settings (for
	// example whether it is a demo database).
	Meta(ctx context.Context, key string) (string, error)
	SetMeta(ctx context.Context, key, value string) error
}

// AuditCheckpoint is a signed checkpoint of the audit tree.
type AuditCheckpoint struct {
	Size int64
	Note string
}

// Sealed is ciphertext from the vault, or nil for an empty value.
type Sealed []byte

// Reservation asks for seats for a case's members.
type Reservation struct {
	Year    int
	OrgID   haven.ID // the referring partner
	CaseID  haven.ID
	Members []haven.ID
	At      time.Time
}

// LedgerStatus is the status of one person's seat.
type LedgerStatus string

// The seat statuses.
const (
	SeatReserved LedgerStatus = "reserved"
	SeatArrived  LedgerStatus = "arrived"
	SeatReleased LedgerStatus = "released"
)

// LedgerEntry is one person's seat in a year's cap.
type LedgerEntry struct {
	Year      int
	OrgID     haven.ID
	CaseID    haven.ID
	MemberID  haven.ID
	Status    LedgerStatus
	UpdatedAt time.Time
}

// DataKey is a subject's data key, wrapped under a key-encryption key.
type DataKey struct {
	Subject   haven.ID
	KEKID     string
	Wrapped   []byte
	CreatedAt time.Time
}

// NominationRow is a nomination as stored.
type NominationRow struct {
	ID                   haven.ID
	ProtectionOrgID      haven.ID
	ReferralOrgID        haven.ID
	State                haven.NominationState
	DefenderName         Sealed
	Contact              Sealed
	Whereabouts          Sealed
	Work                 Sealed
	Threats              Sealed
	RiskAssessment       Sealed
	DeclineReason        Sealed
	RecommendedPriority  haven.Priority
	NationalityCountries []string
	AsylumCountry        string
	FamilySize           int
	CaseID               haven.ID
	CreatedBy            haven.ID
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

// NominationFilter selects nominations. Empty fields match everything.
type NominationFilter struct {
	ProtectionOrgID haven.ID
	ReferralOrgID   haven.ID
	State           haven.NominationState
	Limit           int
}

// CaseRow is a case as stored.
type CaseRow struct {
	ID                    haven.ID
	UNHCRIndex            []byte
	UNHCRNumber           Sealed
	ReferringOrgID        haven.ID
	NominationID          haven.ID
	State                 haven.CaseState
	ResumeState           haven.CaseState
	SubmissionPriority    haven.Priority
	ProcessingPriority    haven.Priority
	PrimaryCategory       haven.SubmissionCategory
	SecondaryCategory     haven.SubmissionCategory
	CategoryJustification Sealed
	Grounds               Sealed // grounds and social groups
	Work                  Sealed
	Threats               Sealed
	PersecutionAccount    Sealed
	NationalityCountries  []string
	AsylumCountry         string
	DeclaredSize          int
	VisaKind              haven.VisaKind
	AdmissionYear         int
	SettlementOrgID       haven.ID
	ReferredAt            time.Time
	UpdatedAt             time.Time
	Version               int
}

// CaseFilter selects cases. Empty fields match everything.
type CaseFilter struct {
	States          []haven.CaseState
	Priority        haven.Priority
	ReferringOrgID  haven.ID
	SettlementOrgID haven.ID
	Country         string // a nationality country
	Offset, Limit   int
}

// MemberRow is a member as stored.
type MemberRow struct {
	ID                haven.ID
	CaseID            haven.ID
	Ordinal           int
	Relationship      haven.Relationship
	Accompanying      bool
	Excluded          bool
	Sex               haven.Sex
	Nationalities     []string
	Languages         []string
	IdentityIndex     []byte
	FamilyName        Sealed
	GivenNames        Sealed
	DateOfBirth       Sealed
	Contact           Sealed
	Whereabouts       Sealed
	ConfidentialNotes Sealed
}

// AssessmentRow is an eligibility assessment as stored.
type AssessmentRow struct {
	ID                haven.ID
	CaseID            haven.ID
	OutsideCountry    bool
	WellFoundedFear   bool
	NoInternalFlight  bool
	NoDurableSolution bool
	Grounds           []haven.Ground
	Interviewed       bool
	Notes             Sealed
	AssessedBy        haven.ID
	AssessedAt        time.Time
}

// CheckRow is an admissibility check as stored.
type CheckRow struct {
	ID                             haven.ID
	CaseID                         haven.ID
	MemberID                       haven.ID
	Kind                           haven.CheckKind
	Result                         haven.CheckResult
	ValidUntil                     haven.Date
	Details                        Sealed
	ConvictionPoliticallyMotivated bool
	PoliticalMotivationReasons     Sealed
	RecordedBy                     haven.ID
	RecordedByOrg                  haven.ID
	RecordedAt                     time.Time
}

// DecisionRow is a decision as stored.
type DecisionRow struct {
	ID              haven.ID
	CaseID          haven.ID
	Kind            haven.DecisionKind
	VisaKind        haven.VisaKind
	AdmissionYear   int
	ExcludedMembers []haven.ID
	Reasons         Sealed
	NoticeOrgID     haven.ID
	NoticeAt        time.Time
	DecidedBy       haven.ID
	DecidedAt       time.Time
}

// CaseNoteRow is a case note as stored.
type CaseNoteRow struct {
	ID       haven.ID
	CaseID   haven.ID
	Event    haven.CaseEvent
	Text     Sealed
	AuthorID haven.ID
	OrgID    haven.ID
	At       time.Time
}

// TravelRow is a booked journey as stored.
type TravelRow struct {
	CaseID             haven.ID
	Date               haven.Date
	Itinerary          Sealed
	TransportationLoan bool
	BookedBy           haven.ID
	BookedAt           time.Time
}

// Scan implements sql.Scanner: NULL scans as nil, bytes are copied.
func (s *Sealed) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s = nil
	case []byte:
		*s = append(Sealed(nil), v...)
	default:
		return fmt.Errorf("store: cannot scan %T into Sealed", src)
	}
	return nil
}
