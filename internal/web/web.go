package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/havenhrd/haven"
)

// The pages talk to the app layer through one interface per room of
// internal/app, each with exactly the methods the pages call. The
// interfaces live here, with their consumer, so that this package depends
// on the domain only.

// Accounts is what the pages need of the app's Accounts: sign-in,
// sessions, enrolment, the user's own factors, accounts and tokens.
type Accounts interface {
	SignIn(ctx context.Context, username, password, source string) (*haven.SignInStep, error)
	SignInTOTP(ctx context.Context, step, code, source string) (*haven.Session, error)
	SignInRecovery(ctx context.Context, step, code, source string) (*haven.Session, error)
	SignInPasskeyBegin(ctx context.Context, step string) ([]byte, *haven.SignInStep, error)
	SignInPasskeyFinish(ctx context.Context, step string, response io.Reader, source string) (*haven.Session, error)
	Authenticate(ctx context.Context, token string) (haven.Actor, error)
	SignOut(ctx context.Context, token string) error
	Enrol(ctx context.Context, secret, password string) (*haven.SignInStep, error)
	CheckPassword(password string) haven.Problems
	EnrolTOTPBegin(ctx context.Context, step string) (secret, url string, next *haven.SignInStep, err error)
	EnrolTOTPFinish(ctx context.Context, step, code string) ([]string, error)
	DisableUser(ctx context.Context, actor haven.Actor, user haven.ID) error
	IssueEnrolment(ctx context.Context, actor haven.Actor, user haven.ID) (string, error)
	CreateAPIToken(ctx context.Context, actor haven.Actor, user haven.ID, name string, ttl adminDuration) (token string, id haven.ID, err error)
	RevokeAPIToken(ctx context.Context, actor haven.Actor, id haven.ID) error
	AddTOTPBegin(ctx context.Context, token, password string) (secret, url string, next *haven.SignInStep, err error)
	AddTOTPFinish(ctx context.Context, token, step, code string) error
	AddPasskeyBegin(ctx context.Context, token, password string) ([]byte, *haven.SignInStep, error)
	AddPasskeyFinish(ctx context.Context, token, step, name string, response io.Reader) error
	RemoveFactor(ctx context.Context, token, password, factor string, passkeyID []byte) error
	OwnFactors(ctx context.Context, actor haven.Actor) (*haven.Factors, error)
	FindAccounts(ctx context.Context, actor haven.Actor, orgID haven.ID) ([]*haven.Account, error)
	ExportAccounts(ctx context.Context, actor haven.Actor) ([]*haven.Account, error)
	FindAPITokens(ctx context.Context, actor haven.Actor) ([]*haven.APIToken, error)
	ExportAPITokens(ctx context.Context, actor haven.Actor) ([]*haven.APIToken, error)
	RenewRecoveryCodes(ctx context.Context, token, password string) ([]string, error)
	DemoCode(ctx context.Context, step string) (*haven.DemoCode, error)
}

// Cases is what the pages need of the app's Cases: referrals, case reads
// and acts, checks and the integration plan.
type Cases interface {
	FindCasePage(ctx context.Context, actor haven.Actor, f haven.CaseFilter) (*haven.CasePage, error)
	FindCaseByID(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error)
	OpenFile(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error)
	StartEligibility(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error)
	RecordAssessment(ctx context.Context, actor haven.Actor, id haven.ID, as *haven.EligibilityAssessment) (*haven.Case, error)
	StartAdmissibility(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error)
	ConfirmAdmissible(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error)
	Approve(ctx context.Context, actor haven.Actor, id haven.ID, in haven.ApproveInput) (*haven.Case, error)
	Refuse(ctx context.Context, actor haven.Actor, id haven.ID, reasons string) (*haven.Case, error)
	BookTravel(ctx context.Context, actor haven.Actor, id haven.ID, t *haven.Travel) (*haven.Case, error)
	ChangeTravel(ctx context.Context, actor haven.Actor, id haven.ID, t *haven.Travel) (*haven.Case, error)
	AssignSettlement(ctx context.Context, actor haven.Actor, id, orgID haven.ID) (*haven.Case, error)
	RecordArrival(ctx context.Context, actor haven.Actor, id haven.ID, ar *haven.Arrival) (*haven.Case, error)
	UpdateMilestone(ctx context.Context, actor haven.Actor, id haven.ID, m *haven.PlanMilestone) (*haven.Case, error)
	RecordFollowUp(ctx context.Context, actor haven.Actor, id haven.ID, f *haven.FollowUp) (*haven.Case, error)
	BeginSettlement(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error)
	Close(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error)
	CreateReferral(ctx context.Context, actor haven.Actor, c *haven.Case) error
	MayRefer(ctx context.Context, actor haven.Actor) (bool, error)
	ImportReferrals(ctx context.Context, actor haven.Actor, cases []*haven.Case) error
	CheckReferrals(ctx context.Context, actor haven.Actor, cases []*haven.Case) error
	ScheduleInterview(ctx context.Context, actor haven.Actor, id haven.ID, iv *haven.Interview) (*haven.Case, error)
	Hold(ctx context.Context, actor haven.Actor, id haven.ID, reasons string) (*haven.Case, error)
	RequestInfo(ctx context.Context, actor haven.Actor, id haven.ID, what string) (*haven.Case, error)
	Resume(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error)
	AnswerInfoRequest(ctx context.Context, actor haven.Actor, id haven.ID, text string) (*haven.Case, error)
	FindCaseTimeline(ctx context.Context, actor haven.Actor, id haven.ID, before int) (*haven.Timeline, error)
	Withdraw(ctx context.Context, actor haven.Actor, id haven.ID, reasons string) (*haven.Case, error)
	SplitDecision(ctx context.Context, actor haven.Actor, id haven.ID, excluded []haven.ID, reasons string) (*haven.Case, error)
	AssignChecks(ctx context.Context, actor haven.Actor, id, orgID haven.ID, members []haven.ID) (*haven.Case, error)
	RecordCheck(ctx context.Context, actor haven.Actor, id haven.ID, ch *haven.Check) (*haven.Case, error)
	RecordChecks(ctx context.Context, actor haven.Actor, id haven.ID, checks []*haven.Check) (*haven.Case, error)
	FindAssignedWork(ctx context.Context, actor haven.Actor) ([]*haven.Case, error)
	FindCheckRequests(ctx context.Context, actor haven.Actor) ([]*haven.CheckRequest, error)
	CountWork(ctx context.Context, actor haven.Actor) (*haven.WorkCounts, error)
	ExportCases(ctx context.Context, actor haven.Actor, f haven.CaseFilter) ([]*haven.Case, error)
	ExportAssignedWork(ctx context.Context, actor haven.Actor) ([]*haven.Case, []*haven.CheckRequest, error)
}

// Nominations is what the pages need of the app's Nominations.
type Nominations interface {
	CreateNomination(ctx context.Context, actor haven.Actor, n *haven.Nomination) error
	FindNominations(ctx context.Context, actor haven.Actor, state haven.NominationState) ([]*haven.Nomination, error)
	FindNominationByID(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Nomination, error)
	ReviewNomination(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Nomination, error)
	DeclineNomination(ctx context.Context, actor haven.Actor, id haven.ID, reason string) (*haven.Nomination, error)
	WithdrawNomination(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Nomination, error)
	ExportNominations(ctx context.Context, actor haven.Actor, state haven.NominationState) ([]*haven.Nomination, error)
}

// Programme is what the pages need of the app's Programme: the
// rules, organisations, users and the cap.
type Programme interface {
	FindOrganisations(ctx context.Context, actor haven.Actor, kind haven.OrgKind) ([]*haven.Organisation, error)
	ExportOrganisations(ctx context.Context, actor haven.Actor) ([]*haven.Organisation, error)
	CapFigures(ctx context.Context, actor haven.Actor, year int) (*haven.CapFigures, error)
	CapFiguresOf(ctx context.Context, actor haven.Actor, year int, partner haven.ID) (*haven.CapFigures, error)
	FindRules(ctx context.Context, actor haven.Actor, year int) (*haven.ProgrammeRules, error)
	SetRules(ctx context.Context, actor haven.Actor, r *haven.ProgrammeRules) error
	SetRulesIfVersion(ctx context.Context, actor haven.Actor, r *haven.ProgrammeRules, version int) error
	CreateOrganisation(ctx context.Context, actor haven.Actor, o *haven.Organisation) error
	CreateUser(ctx context.Context, actor haven.Actor, u *haven.User) (enrolment string, err error)
	FindUserByUsername(ctx context.Context, username string) (*haven.User, error)
}

// Notices is what the pages need of the app's Notices: the viewer's
// notifications and preferences.
type Notices interface {
	FindNotifications(ctx context.Context, actor haven.Actor) (*haven.Notifications, error)
	ExportNotifications(ctx context.Context, actor haven.Actor) (*haven.Notifications, error)
	CountUnread(ctx context.Context, actor haven.Actor) (int, error)
	MarkRead(ctx context.Context, actor haven.Actor, id haven.ID) error
	FindPrefs(ctx context.Context, actor haven.Actor, lang string) (*haven.NoticePrefs, error)
	SetPrefs(ctx context.Context, actor haven.Actor, p *haven.NoticePrefs) error
}

// Config is what New needs.
type Config struct {
	// Log receives one line per refused or failed request: route, status,
	// code and request ID, never the input. Nil discards.
	Log *slog.Logger
	// Clock is the app's clock: what the pages take as today, so that their
	// defaults and checks agree with the app's. Required.
	Clock haven.Clock
	// Accounts, Cases, Nominations and Programme are the app layer's
	// rooms. Required.
	Accounts    Accounts
	Cases       Cases
	Nominations Nominations
	Programme   Programme
	// Notices are the viewer's notifications, counted in the header of
	// every page. Required.
	Notices Notices
	// Origin is Haven's public origin, such as "https://haven.example.org":
	// a POST from a browser must come from it. Required.
	Origin string
	// Demo marks every page as a demonstration, with a banner.
	Demo bool
}

// ContentSecurityPolicy is the policy of every response: scripts, styles
// and images from Haven itself only, no inline script or style, forms that
// post only to Haven, no framing.
const ContentSecurityPolicy = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// New returns the handler of Haven's pages, for every path the server does
// not route to the API or the health checks. It parses and checks every
// template and the catalogues, and returns an error when one is broken.
func New(cfg Config) (http.Handler, error) {
	if cfg.Clock == nil || cfg.Accounts == nil || cfg.Cases == nil || cfg.Nominations == nil || cfg.Programme == nil || cfg.Notices == nil {
		return nil, errors.New("web: Config.Clock, Accounts, Cases, Nominations, Programme and Notices are required")
	}
	u, err := url.Parse(cfg.Origin)
	if err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" && u.Path != "/" {
		return nil, errors.New("web: Config.Origin must be an origin such as https://haven.example.org")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if err := checkCatalogues(); err != nil {
		return nil, err
	}
	st, err := loadStatic()
	if err != nil {
		return nil, err
	}
	tm, err := parseTemplates(st)
	if err != nil {
		return nil, err
	}
	s := &server{log: cfg.Log, clock: cfg.Clock, accounts: cfg.Accounts, cases: cfg.Cases, nominations: cfg.Nominations, programme: cfg.Programme, notices: cfg.Notices, origin: cfg.Origin, demo: cfg.Demo, tmpl: tm, static: st}
	mux := http.NewServeMux()
	s.routes(mux)
	return s.requestID(securityHeaders(mux)), nil
}

// server holds the handlers' dependencies.
type server struct {
	log         *slog.Logger
	clock       haven.Clock
	accounts    Accounts
	cases       Cases
	nominations Nominations
	programme   Programme
	notices     Notices
	origin      string
	demo        bool
	tmpl        templates
	static      *staticFiles
}

// requestID makes sure each request carries an ID that its log lines and
// audit events name. The server in front usually set one already.
func (s *server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if haven.RequestID(r.Context()) == "" {
			b := make([]byte, 12)
			rand.Read(b)
			id := base64.RawURLEncoding.EncodeToString(b)
			w.Header().Set("X-Request-Id", id)
			r = r.WithContext(haven.WithRequestID(r.Context(), id))
		}
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets the headers every page carries. Pages are never
// cached: most show case data, and the others show secrets or forms.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// source is the client's address, as sign-in's rate limits count it. The
// server decides it, once for the pages and the API, behind the proxies it
// trusts, and records it in the request's context.
func source(r *http.Request) string { return haven.ClientAddr(r.Context()) }
