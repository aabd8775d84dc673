// Package store defines what Haven asks of a database, and nothing of how.
//
// The store never sees plaintext of a sensitive field: the app layer seals
// them with the vault before they reach a row, and a row's Sealed fields are
// ciphertext bound to their subject, table, column and row. Two engines
// implement the contract (internal/sqlite, internal/postgres) and both pass
// the conformance suite in storetest.
//
// Every rule lives in the app layer or a pure package. The store keeps a few
// rules of its own, atomically, because no caller can keep them alone across
// the processes that share one database:
//
//   - the cap ledger never admits more persons than a year's cap or a
//     partner's allocation (Reserve fails with ECONFLICT instead);
//   - a sign-in secret is used once: a TOTP time step, a recovery code, a
//     WebAuthn challenge, an enrolment link (the second use fails);
//   - a passkey's signature counter never goes back, a lockout is never
//     shortened, and every failed sign-in is counted.
//
// Each is the condition of one statement (a compare-and-set), never a read
// followed by a write. What the values mean, and what to do when a rule
// refuses, is the app layer's to decide.
package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
// missing record, ECONFLICT for a duplicate or a stale version, EINVALID for
// a reference to a record that does not exist, EINTERNAL for a database
// fault. A conditional change that finds its record in a state that refuses
// it (a code used already, a token revoked) fails with ECONFLICT.
type Tx interface {
	CreateOrganisation(ctx context.Context, o *haven.Organisation) error
	FindOrganisationByID(ctx context.Context, id haven.ID) (*haven.Organisation, error)
	FindOrganisations(ctx context.Context, kind haven.OrgKind) ([]*haven.Organisation, error)

	CreateUser(ctx context.Context, u *haven.User) error
	// FindActor returns the user with id and its organisation, read
	// together: every act starts with them.
	FindActor(ctx context.Context, id haven.ID) (*haven.User, *haven.Organisation, error)
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
	// LedgerMonths returns the year's figures month by month, of the seats
	// counted for orgID, or of every seat when orgID is empty: always 14
	// entries, haven.BeforeYear, January to December, then haven.AfterYear.
	// Each movement counts in the UTC month of its time; Remaining is left
	// zero, for the caller, which knows the limits. A year without a cap,
	// or a partner without seats, has every figure zero.
	LedgerMonths(ctx context.Context, year int, orgID haven.ID) ([]haven.MonthFigures, error)
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
	// DeleteCaseIndexes replaces the blind indexes of a case and of its
	// members (the UNHCR case number's; each member's name and date of
	// birth) with ShreddedIndex of the row's own ID, so that no lookup finds
	// the case from its plaintext again. Crypto-shredding a case calls it in
	// the transaction that deletes the case's data key. It fails with
	// ENOTFOUND when there is no such case.
	DeleteCaseIndexes(ctx context.Context, caseID haven.ID) error

	CreateNomination(ctx context.Context, n *NominationRow) error
	UpdateNomination(ctx context.Context, n *NominationRow) error
	FindNominationByID(ctx context.Context, id haven.ID) (*NominationRow, error)
	FindNominations(ctx context.Context, f NominationFilter) ([]*NominationRow, error)

	// PutNameTokens replaces the name tokens (blind indexes of the words of
	// the member's names) of a member of caseID.
	PutNameTokens(ctx context.Context, member, caseID haven.ID, tokens [][]byte) error
	// CaseReferenceTaken reports whether a case has the reference.
	CaseReferenceTaken(ctx context.Context, reference string) (bool, error)
	// FindCaseByReference returns the case with the reference, or ENOTFOUND.
	FindCaseByReference(ctx context.Context, reference string) (*CaseRow, error)
	// CreateCase inserts c. Two cases may share a UNHCR case number's
	// blind index (a possible duplicate, see CreateCaseDuplicate).
	CreateCase(ctx context.Context, c *CaseRow) error
	// UpdateCase writes c when the stored version is c.Version-1, and fails
	// with ECONFLICT otherwise (a concurrent change won).
	UpdateCase(ctx context.Context, c *CaseRow) error
	// FindCaseByID returns the case. With lock set, the row stays locked
	// until the transaction ends, so concurrent changes to one case queue.
	FindCaseByID(ctx context.Context, id haven.ID, lock bool) (*CaseRow, error)
	// FindCasesByUNHCRIndex returns the cases whose UNHCR case number has
	// the blind index, oldest referral first; none is not an error.
	FindCasesByUNHCRIndex(ctx context.Context, index []byte) ([]*CaseRow, error)
	// CreateCaseDuplicate records that a case may duplicate another.
	CreateCaseDuplicate(ctx context.Context, d *CaseDuplicateRow) error
	// FindCaseDuplicates returns the possible duplicates recorded on either
	// side of the case (d.CaseID or d.OtherCaseID equal to caseID), in the
	// order found.
	FindCaseDuplicates(ctx context.Context, caseID haven.ID) ([]*CaseDuplicateRow, error)
	// FindCases returns one page of the cases matching f, and the total.
	FindCases(ctx context.Context, f CaseFilter) ([]*CaseRow, int, error)
	// CountCases returns the number of cases matching f: FindCases' total,
	// read alone (f's order, cursor and page do not count).
	CountCases(ctx context.Context, f CaseFilter) (int, error)
	// CountCheckRequests returns the number of an organisation's check
	// requests that f selects.
	CountCheckRequests(ctx context.Context, f CheckRequestCount) (int, error)

	CreateMember(ctx context.Context, m *MemberRow) error
	// UpdateMemberExcluded marks a member removed by a split decision.
	UpdateMemberExcluded(ctx context.Context, id haven.ID, excluded bool) error
	FindMembers(ctx context.Context, caseID haven.ID) ([]*MemberRow, error)
	// FindMembersByIdentityIndex returns members whose name-and-birth-date
	// blind index equals index, for duplicate checks.
	FindMembersByIdentityIndex(ctx context.Context, index []byte) ([]*MemberRow, error)

	// AssignMember assigns a member to an organisation's check; assigning
	// again renews the assignment (by and at are the latest), which opens
	// a new request for the organisation's checks.
	AssignMember(ctx context.Context, member, org, by haven.ID, at time.Time) error
	// FindAssignments returns org's assignments (every organisation's when
	// org is "") of the members of caseID, or of every case when caseID is
	// "", by the cases' referral and the members' order.
	FindAssignments(ctx context.Context, org, caseID haven.ID) ([]*Assignment, error)
	// FindAssignedCases returns the IDs of the cases with a member assigned
	// to org, oldest referral first.
	FindAssignedCases(ctx context.Context, org haven.ID) ([]haven.ID, error)
	// FindAssignedChecks returns, for the cases caseIDs, every member
	// assigned to an organisation's checks, one per member and
	// organisation, with the organisation's kind, whether the member
	// travels, and the latest result of each kind of check recorded for
	// the member: what says whose checks are outstanding, in one query for
	// a whole page of a list. Cases with none have no row; none is not an
	// error.
	FindAssignedChecks(ctx context.Context, caseIDs []haven.ID) ([]*AssignedChecks, error)

	CreateAssessment(ctx context.Context, a *AssessmentRow) error
	FindAssessments(ctx context.Context, caseID haven.ID) ([]*AssessmentRow, error)
	CreateCheck(ctx context.Context, c *CheckRow) error
	FindChecks(ctx context.Context, caseID haven.ID) ([]*CheckRow, error)
	CreateDecision(ctx context.Context, d *DecisionRow) error
	FindDecisions(ctx context.Context, caseID haven.ID) ([]*DecisionRow, error)
	PutTravel(ctx context.Context, t *TravelRow) error
	FindTravel(ctx context.Context, caseID haven.ID) (*TravelRow, error)
	// PutInterview inserts or replaces the case's interview (one per
	// case, by i.CaseID) and who attends it: the attending members are
	// replaced whole. EINVALID when the case, a member or the user does
	// not exist.
	PutInterview(ctx context.Context, i *InterviewRow) error
	// FindInterview returns the case's interview with its attending
	// members in the order given; ENOTFOUND when it has none.
	FindInterview(ctx context.Context, caseID haven.ID) (*InterviewRow, error)
	CreateCaseNote(ctx context.Context, n *CaseNoteRow) error
	// FindCaseNotes returns a case's notes, oldest first.
	FindCaseNotes(ctx context.Context, caseID haven.ID) ([]*CaseNoteRow, error)
	PutArrival(ctx context.Context, a *haven.Arrival) error
	FindArrival(ctx context.Context, caseID haven.ID) (*haven.Arrival, error)

	// PutMilestone inserts or replaces one milestone of a case's
	// integration plan.
	PutMilestone(ctx context.Context, m *MilestoneRow) error
	// FindMilestones returns the milestones recorded for a case, in no
	// particular order.
	FindMilestones(ctx context.Context, caseID haven.ID) ([]*MilestoneRow, error)
	// PutFollowUp inserts or replaces one follow-up of a case.
	PutFollowUp(ctx context.Context, f *FollowUpRow) error
	// FindFollowUps returns the follow-ups held for a case, by month.
	FindFollowUps(ctx context.Context, caseID haven.ID) ([]*FollowUpRow, error)

	// AppendAudit appends e to the audit outbox and sets e.Seq. Sequence
	// numbers rise strictly in commit order of the appending transactions.
	AppendAudit(ctx context.Context, e *haven.AuditEvent) error
	// FindAudit returns up to limit events with Seq > after, in order.
	FindAudit(ctx context.Context, after int64, limit int) ([]*haven.AuditEvent, error)
	// FindAuditByActor returns the events of one actor in [from, to), in order.
	FindAuditByActor(ctx context.Context, actor haven.ID, from, to time.Time) ([]*haven.AuditEvent, error)
	// FindCaseAudit returns the acts done on one case (events allowed, of
	// the case, with one of f.Actions), in order: up to f.Limit of them
	// after the first f.Offset. No actions, none.
	FindCaseAudit(ctx context.Context, f CaseAuditFilter) ([]*haven.AuditEvent, error)
	// CountCaseAudit counts the acts FindCaseAudit walks through: f.Offset
	// and f.Limit aside.
	CountCaseAudit(ctx context.Context, f CaseAuditFilter) (int, error)
	// PutAuditHashes stores the Merkle tree's stored hashes from index on.
	PutAuditHashes(ctx context.Context, from int64, hashes [][]byte) error
	// ReadAuditHashes returns the stored hashes at indexes, in that order;
	// ENOTFOUND when one is missing.
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

	// DisableUser sets the user's disabled_at. It fails with ENOTFOUND when
	// the user does not exist and ECONFLICT when it is disabled already. It
	// ends nothing else: end the user's sessions in the same transaction.
	DisableUser(ctx context.Context, userID haven.ID, at time.Time) error
	// EnableUser clears the user's disabled_at. It fails with ENOTFOUND when
	// the user does not exist and ECONFLICT when it is not disabled.
	EnableUser(ctx context.Context, userID haven.ID) error

	// PutPassword stores the PHC string of the user's password hash,
	// replacing any earlier one; EINVALID when the user does not exist.
	PutPassword(ctx context.Context, userID haven.ID, phc string, at time.Time) error
	// FindPassword returns the PHC string of the user's password hash;
	// ENOTFOUND when the user has none.
	FindPassword(ctx context.Context, userID haven.ID) (string, error)

	// PutTOTP stores the user's TOTP factor, its secret sealed by the vault.
	// It fails with ECONFLICT when the user has one already (delete it
	// first) and EINVALID when the user does not exist.
	PutTOTP(ctx context.Context, userID haven.ID, secret Sealed, at time.Time) error
	// FindTOTP returns the user's TOTP factor; ENOTFOUND when it has none.
	FindTOTP(ctx context.Context, userID haven.ID) (*TOTPFactor, error)
	// UseTOTPStep records that the code of time step step was accepted. It
	// succeeds only when step is above the last step used, so of any number
	// of processes presenting one code, one succeeds and the others fail
	// with ECONFLICT; ENOTFOUND when the user has no TOTP factor.
	UseTOTPStep(ctx context.Context, userID haven.ID, step int64) error
	// DeleteTOTP deletes the user's TOTP factor; ENOTFOUND when it has none.
	DeleteTOTP(ctx context.Context, userID haven.ID) error

	// CreatePasskey stores a passkey. It fails with ECONFLICT when its
	// credential ID is taken and EINVALID when the user does not exist.
	CreatePasskey(ctx context.Context, p *Passkey) error
	// FindPasskeys returns the user's passkeys, oldest first.
	FindPasskeys(ctx context.Context, userID haven.ID) ([]*Passkey, error)
	// FindPasskeyByID returns the passkey with credential ID id.
	FindPasskeyByID(ctx context.Context, id []byte) (*Passkey, error)
	// UpdatePasskeyUse records a sign-in with the passkey: its new signature
	// counter, its credential as go-webauthn updated it, and when. It
	// succeeds only when signCount is above the stored counter, or both are
	// zero (an authenticator that keeps no counter); otherwise it fails with
	// ECONFLICT, changing nothing (a cloned authenticator, or a concurrent
	// sign-in with the same counter). ENOTFOUND when there is no such passkey.
	UpdatePasskeyUse(ctx context.Context, id []byte, signCount int64, credential string, at time.Time) error
	// DeletePasskey deletes the user's passkey with credential ID id;
	// ENOTFOUND when the user has no such passkey.
	DeletePasskey(ctx context.Context, userID haven.ID, id []byte) error

	// PutRecoveryCodes replaces all of the user's recovery codes with
	// hashes, unused, numbered from 0 in order; EINVALID when the user does
	// not exist. On PostgreSQL, of two concurrent replacements for one user
	// the second may fail with ECONFLICT.
	PutRecoveryCodes(ctx context.Context, userID haven.ID, hashes [][]byte, at time.Time) error
	// FindRecoveryCodes returns the user's recovery codes, used or not, in
	// index order.
	FindRecoveryCodes(ctx context.Context, userID haven.ID) ([]*RecoveryCode, error)
	// UseRecoveryCode marks the user's code idx used. It succeeds only when
	// the code is unused, so of any number of processes presenting one code,
	// one succeeds and the others fail with ECONFLICT; ENOTFOUND when the
	// user has no code idx. Read the codes and use one in the same Update.
	UseRecoveryCode(ctx context.Context, userID haven.ID, idx int, at time.Time) error

	// CreateSession stores a session. It fails with ECONFLICT when its token
	// hash is taken and EINVALID when the user does not exist.
	CreateSession(ctx context.Context, s *Session) error
	// FindSession returns the session with the token hash, ended or not.
	FindSession(ctx context.Context, tokenHash []byte) (*Session, error)
	// TouchSession sets the session's last_seen_at to at while it has not
	// ended, when the stored last_seen_at is at or before stale (before at);
	// a later one is left as it is, and the call succeeds writing nothing.
	// The condition is the statement's, so touches from several processes
	// within one interval write once. It fails with ENOTFOUND when there is
	// no such session and ECONFLICT when it has ended, so a success proves
	// it live at commit.
	TouchSession(ctx context.Context, tokenHash []byte, at, stale time.Time) error
	// EndSession ends the session. It fails with ENOTFOUND when there is no
	// such session and ECONFLICT when it has ended already.
	EndSession(ctx context.Context, tokenHash []byte, at time.Time) error
	// EndUserSessions ends every live session of the user but the one with
	// token hash except (none when except is empty), and returns how many
	// it ended.
	EndUserSessions(ctx context.Context, userID haven.ID, except []byte, at time.Time) (int, error)
	// PurgeSessions deletes up to limit sessions that are of no more use:
	// ended, last seen before seenBefore, or created before createdBefore
	// (the app derives both from its session limits). It returns how many
	// it deleted; fewer than limit means none is left. Sessions another
	// transaction holds are left for a later purge, so purges from several
	// processes neither wait for nor block each other.
	PurgeSessions(ctx context.Context, seenBefore, createdBefore time.Time, limit int) (int, error)

	// CreateAPIToken stores an API token. It fails with ECONFLICT when its
	// ID or token hash is taken and EINVALID when the user does not exist.
	CreateAPIToken(ctx context.Context, k *APIToken) error
	// FindAPITokenByHash returns the token with the hash, revoked, expired
	// or not.
	FindAPITokenByHash(ctx context.Context, hash []byte) (*APIToken, error)
	// FindAPITokens returns the user's tokens, revoked and expired ones
	// included, oldest first.
	FindAPITokens(ctx context.Context, userID haven.ID) ([]*APIToken, error)
	// RevokeAPIToken revokes the token. It fails with ENOTFOUND when there
	// is no such token and ECONFLICT when it is revoked already.
	RevokeAPIToken(ctx context.Context, id haven.ID, at time.Time) error
	// TouchAPIToken sets the token's last_used_at to at while it is neither
	// revoked nor expired at at, when the stored last_used_at is unset or at
	// or before stale (before at); a later one is left as it is, and the
	// call succeeds writing nothing. It fails with ENOTFOUND when there is
	// no such token and ECONFLICT when it is revoked or expired, so a success
	// proves it live at commit.
	TouchAPIToken(ctx context.Context, id haven.ID, at, stale time.Time) error

	// RecordFailure counts one failed sign-in against key in one atomic
	// upsert and returns the counters as it left them: when the stored
	// window began before at-window, the count restarts at 1 from at;
	// otherwise it goes up by one. Concurrent failures are all counted. It
	// never changes a lockout.
	RecordFailure(ctx context.Context, key string, at time.Time, window time.Duration) (Attempts, error)
	// FindAttempts returns the counters of key, or the zero Attempts and no
	// error when key has none.
	FindAttempts(ctx context.Context, key string) (Attempts, error)
	// SetLockout locks key until until, or leaves a later lockout in place:
	// a lockout is never shortened (ClearAttempts lifts it). ENOTFOUND when
	// key has no counters.
	SetLockout(ctx context.Context, key string, until time.Time) error
	// ClearAttempts deletes the counters and lockout of key, if any.
	ClearAttempts(ctx context.Context, key string) error
	// DeleteStaleAttempts deletes up to limit counters whose last failure
	// and lockout both lie before before, and returns how many (fewer than
	// limit: none is left). Unauthenticated requests create counters, so
	// they must be purged. Counters another transaction holds are left.
	DeleteStaleAttempts(ctx context.Context, before time.Time, limit int) (int, error)

	// PutChallenge stores a WebAuthn challenge; ECONFLICT when its ID is
	// taken.
	PutChallenge(ctx context.Context, c *Challenge) error
	// TakeChallenge deletes the challenge and returns it, in one statement,
	// so of any number of processes taking one challenge, one gets it. It
	// fails with ENOTFOUND when there is no such challenge or it expired at
	// or before now (an expired one is deleted too, if the transaction
	// commits).
	TakeChallenge(ctx context.Context, id string, now time.Time) (*Challenge, error)
	// DeleteExpiredChallenges deletes up to limit challenges expired at
	// now, and returns how many (fewer than limit: none is left).
	// Abandoned sign-ins leave challenges, so they must be purged.
	// Challenges another transaction holds are left.
	DeleteExpiredChallenges(ctx context.Context, now time.Time, limit int) (int, error)

	// CreateEnrolment stores an enrolment link. It fails with ECONFLICT when
	// its token hash is taken and EINVALID when the user does not exist.
	CreateEnrolment(ctx context.Context, e *Enrolment) error
	// UseEnrolment marks the enrolment with the token hash used and returns
	// it, in one statement, when it is unused and expires after at. Any
	// other enrolment fails with ENOTFOUND, whether or not it exists, so of
	// any number of processes using one link, one succeeds.
	UseEnrolment(ctx context.Context, tokenHash []byte, at time.Time) (*Enrolment, error)
	// CancelEnrolments spends every unused enrolment link of the user, and
	// returns how many.
	CancelEnrolments(ctx context.Context, userID haven.ID, at time.Time) (int, error)

	// NoticeTx keeps notifications and the mail outbox (notices.go).
	NoticeTx
}

// AuditCheckpoint is a signed checkpoint of the audit tree.
type AuditCheckpoint struct {
	Size int64
	Note string
}

// ShreddedIndex is what stands in a blind-index column once the record's
// data key is shredded: made of the record's ID alone, so it tells nothing
// of the plaintext, stays unique where the column must be, and never equals
// a blind index (an HMAC of another length and form).
func ShreddedIndex(id haven.ID) []byte { return []byte("shredded:" + string(id)) }

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
	// ReservedAt is when the seat was last reserved; ArrivedAt and
	// ReleasedAt are set in the status of their name only, zero otherwise
	// (a seat reserved again is no longer released).
	ReservedAt time.Time
	ArrivedAt  time.Time
	ReleasedAt time.Time
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
	// Reference is the case's short reference (haven.Case.Reference),
	// unique.
	Reference             string
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
	// CaseClock is the case's clock, written with the row by CreateCase
	// and UpdateCase.
	haven.CaseClock
	// Open says the case is in no final state (workflow.Terminal): the
	// app sets it on every CreateCase and UpdateCase, and the work queue's
	// stored order leads with it.
	Open bool
	// Listed is what a list may open of the case, read with the page when
	// its filter asks (CaseFilter.Listed); nil otherwise.
	Listed *ListedRow
}

// ListedRow is what a row of a list may open, read in the page's own
// query rather than one more query a page: the case's wrapped data key,
// its principal applicant's list columns (memberColumns less the sealed
// fields a list never opens: date of birth, contact, whereabouts, notes,
// the dependent adult's exception) and its booked travel date. All are
// read for every row of the page; the app unwraps a key and opens a field
// only where the reader's view of that row holds it.
type ListedRow struct {
	// Key is the case's data key; nil when it has none (shredded).
	Key *DataKey
	// Principal is the principal applicant's list columns; nil when the
	// case has none.
	Principal *MemberRow
	// TravelDate is the booked travel's date; zero when none is booked.
	TravelDate haven.Date
}

// PriorityRank is a processing priority's place in the work queue:
// emergency 0, urgent 1, normal (and anything else) 2.
func PriorityRank(p haven.Priority) int {
	switch p {
	case haven.PriorityEmergency:
		return 0
	case haven.PriorityUrgent:
		return 1
	}
	return 2
}

// CaseFilter selects cases: the domain's filter, within what the reader
// may see.
type CaseFilter struct {
	haven.CaseFilter
	// Reach keeps only the cases in it: the query selects, and its total
	// counts, those alone. The zero Reach keeps none.
	Reach Reach
	// Search, when set, keeps the cases it finds.
	Search *Search
	// Ranked are the cases whose processing priority the reader sees: the
	// work-queue order puts them first, by priority, and orders the others
	// by referral date alone, so the order reveals no priority the reader
	// may not see.
	Ranked Reach
	// OverdueOn, when set, keeps the cases whose stage deadline is before
	// that day: the app passes its today.
	OverdueOn haven.Date
	// DueFrom and DueBefore, when set, keep the cases whose next step is
	// due (QueueDue: the interview's day, else the stage's deadline) on
	// or after DueFrom and before DueBefore.
	DueFrom, DueBefore haven.Date
	// ChecksHeld, when set, keeps the cases whose checks the organisation
	// holds (haven.CaseFilter.ChecksWith).
	ChecksHeld *ChecksHeld
	// FollowUpsDue, when set, keeps the cases with any of these follow-ups
	// not yet held.
	FollowUpsDue []FollowUpDue
	// After, when set, keeps the cases after it in the order (Sort, Desc):
	// the keyset of the next page.
	After *CaseKey
	// Open keeps the open cases (FlagTrue), the closed ones (FlagFalse) or
	// both (AnyFlag). States still applies; the app sets Open when every
	// state asked for is open, or every one final, so that an index whose
	// first column is openness serves the order.
	Open Flag
	// CountUpTo bounds the total: FindCases counts at most this many
	// matching cases and returns CountUpTo+1 when there are more, so that
	// a count costs what a page costs however many cases match. Zero
	// counts them all.
	CountUpTo int
	// Listed has each row carry what a list may open (CaseRow.Listed),
	// in the page's own query.
	Listed bool
}

// ChecksHeld are the checks an organisation holds: of the kinds it
// records, of the travellers assigned to it in cases in the admissibility
// stage, each whose latest check (by recorded_at, then ID) is missing or on
// hold.
type ChecksHeld struct {
	OrgID haven.ID
	Kinds []haven.CheckKind
}

// FollowUpDue is the follow-up at Month months after arrival, due by a
// day for the families who arrived before ArrivedBefore (the app works
// the date out: a follow-up's due date rises with the arrival date).
type FollowUpDue struct {
	Month         int
	ArrivedBefore haven.Date
}

// CheckRequestCount selects an organisation's check requests: the members
// assigned to OrgID, in cases in one of States, of whom it has not recorded
// since the assignment a check of every kind of Kinds.
type CheckRequestCount struct {
	OrgID  haven.ID
	Kinds  []haven.CheckKind
	States []haven.CaseState
}

// CaseKey is a case's place in the order of a list: the values the order
// compares, then its ID. Only the values of the list's order count.
type CaseKey struct {
	// Rank is the work-queue rank: 0, 1, 2 for emergency, urgent, normal
	// where the reader sees the priority, 3 elsewhere.
	Rank       int
	Due        haven.Date
	ReferredAt time.Time
	Reference  string
	// State is the state's position in haven.CaseStates.
	State int
	ID    haven.ID
}

// Far deadlines stand for no deadline in an order, so that cases without
// one come last both ways.
var (
	NoDueLast     = haven.Date{Year: 9999, Month: 12, Day: 31}
	NoDueLastDesc = haven.Date{Year: 1, Month: 1, Day: 1}
)

// QueueDue is the day a case's next step falls due, as the work queue
// orders by it: the interview's day while the case waits for its
// interview (an interview whose day has passed comes first, until its
// assessment is recorded), else the stage's deadline; zero for neither.
func QueueDue(k haven.CaseClock) haven.Date {
	if !k.NextDue.IsZero() {
		return k.NextDue
	}
	return k.StageDue
}

// KeyOf returns r's place in the order of f; ranked says r is in
// f.Ranked, as the caller knows from the policies.
func KeyOf(f CaseFilter, r *CaseRow, ranked bool) CaseKey {
	k := CaseKey{Rank: 3, Due: QueueDue(r.CaseClock), ReferredAt: r.ReferredAt, Reference: r.Reference,
		State: slices.Index(haven.CaseStates, r.State), ID: r.ID}
	if ranked {
		k.Rank = PriorityRank(r.ProcessingPriority)
	}
	switch {
	case f.Sort == haven.SortQueue && (!ranked || k.Due.IsZero()):
		k.Due = NoDueLast
	case f.Sort == haven.SortDue && k.Due.IsZero() && f.Desc:
		k.Due = NoDueLastDesc
	case f.Sort == haven.SortDue && k.Due.IsZero():
		k.Due = NoDueLast
	}
	return k
}

// Search finds cases by what a person would type: a case reference, a
// UNHCR case number (by its blind index) or a member's name (by the blind
// indexes of its words). Each way finds only within its own reach, the
// cases where the reader's view holds that field; a case is found when any
// way finds it.
type Search struct {
	Reference  string
	UNHCRIndex []byte
	UNHCRReach Reach
	// NameTokens must all be held by one member of the case. NamePairs,
	// when set, are tokens of pairs of those words that cover every word:
	// a member holding them all holds every word, and is found through
	// them alone, unless its name has too many words to be paired in
	// full (it then holds NameLong), when it is found by NameLong and
	// every word of NameTokens.
	NameTokens [][]byte
	NamePairs  [][]byte
	NameLong   []byte
	NameReach  Reach
}

// Reach is a set of cases described by how each relates to one
// organisation and by its state. The app derives it from the policies
// (policy.Scope); the stores turn it into a condition with ReachSQL, one
// text for both engines.
type Reach struct {
	// OrgID is the organisation the relations are of.
	OrgID haven.ID
	// All is every case.
	All bool
	// Clauses are alternatives: a case is in the reach when it meets one.
	Clauses []ReachClause
}

// Empty reports whether r keeps no case.
func (r Reach) Empty() bool { return !r.All && (len(r.Clauses) == 0 || r.OrgID == "") }

// Covers reports whether every case in o is also in r, as far as their
// clauses tell: true only when each clause of o lies within a clause of r.
// It may answer false for reaches that happen to cover, never true for
// ones that do not.
func (r Reach) Covers(o Reach) bool {
	switch {
	case r.All:
		return true
	case o.Empty():
		return true
	case o.All || r.Empty() || r.OrgID != o.OrgID:
		return false
	}
	within := func(c, d ReachClause) bool {
		flag := func(x, y Flag) bool { return y == AnyFlag || x == y }
		if !flag(c.Referring, d.Referring) || !flag(c.Nominating, d.Nominating) || !flag(c.Settlement, d.Settlement) {
			return false
		}
		if d.States == nil {
			return true
		}
		if c.States == nil {
			return false
		}
		for _, s := range c.States {
			if !slices.Contains(d.States, s) {
				return false
			}
		}
		return true
	}
	for _, c := range o.Clauses {
		if !slices.ContainsFunc(r.Clauses, func(d ReachClause) bool { return within(c, d) }) {
			return false
		}
	}
	return true
}

// Flag is a condition on one relation: whatever it is, or true, or false.
type Flag int8

// The conditions on a relation.
const (
	AnyFlag Flag = iota
	FlagTrue
	FlagFalse
)

// ReachClause keeps the cases whose relations meet each condition, in one
// of States (every state when nil). Referring: the organisation referred
// the case; Nominating: the case came from its nomination; Settlement: the
// case is placed with it.
type ReachClause struct {
	Referring, Nominating, Settlement Flag
	States                            []haven.CaseState
}

// AssignmentsQuery is FindAssignments' query, with the placeholders of
// the organisation ("" for every one) and the case ("" for every case).
func AssignmentsQuery(org, caseID string) string {
	return `SELECT a.member_id, m.case_id, a.org_id, a.assigned_by, a.assigned_at
		FROM check_assignments a JOIN members m ON m.id = a.member_id JOIN cases c ON c.id = m.case_id
		WHERE (` + org + ` = '' OR a.org_id = ` + org + `) AND (` + caseID + ` = '' OR m.case_id = ` + caseID + `)
		ORDER BY c.referred_at, c.id, m.ordinal`
}

// ReachSQL returns r as a condition on the table cases, adding its
// arguments with arg, which returns each one's placeholder. The text is
// the same on both engines.
func ReachSQL(r Reach, arg func(any) string) string {
	if r.All {
		return "1=1"
	}
	if len(r.Clauses) == 0 || r.OrgID == "" {
		return "1=0"
	}
	var or []string
	for _, c := range r.Clauses {
		var and []string
		flag := func(f Flag, yes, no string) {
			switch f {
			case FlagTrue:
				and = append(and, yes)
			case FlagFalse:
				and = append(and, no)
			}
		}
		if c.Referring != AnyFlag {
			p := arg(string(r.OrgID))
			flag(c.Referring, "cases.referring_org_id = "+p, "cases.referring_org_id <> "+p)
		}
		if c.Nominating != AnyFlag {
			nom := "EXISTS (SELECT 1 FROM nominations n WHERE n.id = cases.nomination_id AND n.protection_org_id = " + arg(string(r.OrgID)) + ")"
			flag(c.Nominating, nom, "NOT "+nom)
		}
		if c.Settlement != AnyFlag {
			p := arg(string(r.OrgID))
			flag(c.Settlement, "cases.settlement_org_id = "+p, "coalesce(cases.settlement_org_id, '') <> "+p)
		}
		if c.States != nil {
			ps := make([]string, len(c.States))
			for i, s := range c.States {
				ps[i] = arg(string(s))
			}
			and = append(and, "cases.state IN ("+strings.Join(ps, ", ")+")")
		}
		if len(and) == 0 {
			return "1=1"
		}
		or = append(or, "("+strings.Join(and, " AND ")+")")
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

// Assignment is a member assigned to an organisation's check.
type Assignment struct {
	MemberID   haven.ID
	CaseID     haven.ID
	OrgID      haven.ID
	AssignedBy haven.ID
	AssignedAt time.Time
}

// AssignedChecks is a member assigned to an organisation's checks, with
// the latest result of each kind of check recorded for the member.
type AssignedChecks struct {
	CaseID   haven.ID
	MemberID haven.ID
	OrgID    haven.ID
	OrgKind  haven.OrgKind
	// Accompanying and Excluded are the member's, as stored.
	Accompanying, Excluded bool
	// Latest holds the latest result of each kind with a check recorded
	// (the latest recorded, and of two at once the greater ID, as
	// haven.Case.LatestCheck picks it); a kind with none is absent.
	Latest map[haven.CheckKind]haven.CheckResult
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
	// AdultDependent is the dependent adult child exception, sealed "0" or
	// "1"; nil for a member written before it was kept.
	AdultDependent Sealed
}

// CaseDuplicateRow is a possible duplicate as stored: the case CaseID,
// referred when OtherCaseID was already there, matched it by Kind. The
// member IDs are set for a match of a member's identity.
type CaseDuplicateRow struct {
	CaseID        haven.ID
	OtherCaseID   haven.ID
	Kind          haven.DuplicateMatch
	MemberID      haven.ID
	OtherMemberID haven.ID
	FoundAt       time.Time
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

// MilestoneRow is one milestone of an integration plan as stored.
type MilestoneRow struct {
	CaseID    haven.ID
	Milestone haven.Milestone
	Status    haven.MilestoneStatus
	Target    haven.Date
	Completed haven.Date
	Notes     Sealed
	UpdatedBy haven.ID
	UpdatedAt time.Time
}

// FollowUpRow is one follow-up of an integration plan as stored.
type FollowUpRow struct {
	CaseID        haven.ID
	Month         int
	Held          haven.Date
	SafetyConcern bool
	Notes         Sealed
	RecordedBy    haven.ID
	RecordedAt    time.Time
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

// InterviewRow is a case's interview as stored. At and Date are in the
// clear: the case's clock counts from the date; where it is (the zone,
// which names a region, the place and the link) is sealed.
type InterviewRow struct {
	ID     haven.ID
	CaseID haven.ID
	// At is the instant it begins; Date its day at the place.
	At   time.Time
	Date haven.Date
	// Zone, Place and Link are sealed; Place or Link may be nil, not both.
	Zone                Sealed
	Place               Sealed
	Link                Sealed
	Language            string
	Interpreter         bool
	InterpreterLanguage string
	// Attending are the members who attend, in the order given.
	Attending   []haven.ID
	ScheduledBy haven.ID
	ScheduledAt time.Time
}

// TOTPFactor is a user's time-based one-time password factor.
type TOTPFactor struct {
	UserID haven.ID
	// Secret is the shared TOTP secret, sealed by the vault. Secret.
	Secret Sealed
	// LastStep is the newest time step whose code was accepted; a code of a
	// step at or below it is refused. 0 before the first use.
	LastStep  int64
	CreatedAt time.Time
}

// Passkey is a user's WebAuthn credential. It holds public keys only: the
// private key never leaves the authenticator.
type Passkey struct {
	// ID is the credential ID the authenticator chose.
	ID     []byte
	UserID haven.ID
	// Name is the user's label for the passkey.
	Name string
	// Credential is the JSON of go-webauthn's Credential (public key,
	// transports, flags, authenticator data), as go-webauthn last left it.
	Credential string
	// SignCount is the authenticator's signature counter at the last use.
	SignCount  int64
	CreatedAt  time.Time
	LastUsedAt time.Time // zero until first used
}

// RecoveryCode is one of a user's single-use recovery codes.
type RecoveryCode struct {
	Index int
	// Hash is a hash of the code, never the code. Secret.
	Hash      []byte
	CreatedAt time.Time
	UsedAt    time.Time // zero while unused
}

// Session is a signed-in browser session.
type Session struct {
	// TokenHash is a hash of the session token, which is never stored; it
	// is the session's key. Secret.
	TokenHash []byte
	UserID    haven.ID
	// SecondFactor names how the second factor was proven: "passkey",
	// "totp" or "recovery".
	SecondFactor string
	// Source is a keyed hash of the address the session was created from,
	// never the address.
	Source     string
	CreatedAt  time.Time
	LastSeenAt time.Time
	EndedAt    time.Time // zero while the session is live
}

// APIToken is a bearer token for the JSON API.
type APIToken struct {
	ID haven.ID
	// TokenHash is a hash of the token, which is never stored. Secret.
	TokenHash  []byte
	UserID     haven.ID
	Name       string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	RevokedAt  time.Time // zero unless revoked
	LastUsedAt time.Time // zero until first used
}

// Attempts are the failed sign-in counters of one key, such as
// "user:<id>" or "addr:<keyed hash of the address>" (never an address).
type Attempts struct {
	Key         string
	Failures    int       // failures since FirstAt
	FirstAt     time.Time // when the current window began
	LastAt      time.Time // the latest failure
	LockedUntil time.Time // zero unless locked out
}

// Challenge is a pending WebAuthn ceremony, taken once.
type Challenge struct {
	// ID is the random, unguessable handle the browser carries.
	ID string
	// UserID is empty for a discoverable (username-less) sign-in.
	UserID haven.ID
	// Kind names the ceremony, such as "login" or "register".
	Kind string
	// Data is the JSON of go-webauthn's SessionData, the challenge included.
	Data      string
	ExpiresAt time.Time
}

// Enrolment is a single-use link that lets a user set up their sign-in.
type Enrolment struct {
	// TokenHash is a hash of the link's token, which is never stored. Secret.
	TokenHash []byte
	UserID    haven.ID
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // zero while unused
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

// CaseAuditFilter selects the acts of a case's timeline.
type CaseAuditFilter struct {
	CaseID        haven.ID
	Actions       []string
	Offset, Limit int
}
