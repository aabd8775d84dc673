package api

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/havenhrd/haven"
)

// The API talks to the app layer through one interface per room of
// internal/app, each with the methods the API calls and nothing else; the
// rooms of *app.App implement them.
//
// Every method takes the actor the request authenticated as, and answers
// by its contract in internal/app: EINVALID with field problems for bad
// input, ENOTFOUND for a record the actor may not see, EFORBIDDEN for an
// act the actor may not take on one it may see, ECONFLICT for an act the
// record's state does not allow now.

// Accounts is what the API's handlers need of the app's Accounts: the
// accounts of an organisation, the caller's own factors and tokens.
type Accounts interface {
	FindAccounts(ctx context.Context, actor haven.Actor, orgID haven.ID) ([]*haven.Account, error)
	DisableUser(ctx context.Context, actor haven.Actor, user haven.ID) error
	RevokeAPIToken(ctx context.Context, actor haven.Actor, id haven.ID) error
	OwnFactors(ctx context.Context, actor haven.Actor) (*haven.Factors, error)
}

// Cases is what the API's handlers need of the app's Cases: referrals, case reads
// and acts, checks and the integration plan.
type Cases interface {
	FindCheckRequests(ctx context.Context, actor haven.Actor) ([]*haven.CheckRequest, error)
	CountWork(ctx context.Context, actor haven.Actor) (*haven.WorkCounts, error)
	FindCasePage(ctx context.Context, actor haven.Actor, f haven.CaseFilter) (*haven.CasePage, error)
	CreateReferral(ctx context.Context, actor haven.Actor, c *haven.Case) error
	ImportReferrals(ctx context.Context, actor haven.Actor, cases []*haven.Case) error
	FindCaseByID(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error)
	OpenFile(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error)
	StartEligibility(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error)
	ScheduleInterview(ctx context.Context, actor haven.Actor, id haven.ID, iv *haven.Interview) (*haven.Case, error)
	RecordAssessment(ctx context.Context, actor haven.Actor, id haven.ID, as *haven.EligibilityAssessment) (*haven.Case, error)
	StartAdmissibility(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error)
	AssignChecks(ctx context.Context, actor haven.Actor, id, orgID haven.ID, members []haven.ID) (*haven.Case, error)
	RecordCheck(ctx context.Context, actor haven.Actor, id haven.ID, ch *haven.Check) (*haven.Case, error)
	RecordChecks(ctx context.Context, actor haven.Actor, id haven.ID, checks []*haven.Check) (*haven.Case, error)
	ConfirmAdmissible(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error)
	SplitDecision(ctx context.Context, actor haven.Actor, id haven.ID, excluded []haven.ID, reasons string) (*haven.Case, error)
	Approve(ctx context.Context, actor haven.Actor, id haven.ID, in haven.ApproveInput) (*haven.Case, error)
	Refuse(ctx context.Context, actor haven.Actor, id haven.ID, reasons string) (*haven.Case, error)
	BookTravel(ctx context.Context, actor haven.Actor, id haven.ID, t *haven.Travel) (*haven.Case, error)
	ChangeTravel(ctx context.Context, actor haven.Actor, id haven.ID, t *haven.Travel) (*haven.Case, error)
	RecordArrival(ctx context.Context, actor haven.Actor, id haven.ID, ar *haven.Arrival) (*haven.Case, error)
	UpdateMilestone(ctx context.Context, actor haven.Actor, id haven.ID, m *haven.PlanMilestone) (*haven.Case, error)
	RecordFollowUp(ctx context.Context, actor haven.Actor, id haven.ID, f *haven.FollowUp) (*haven.Case, error)
	AssignSettlement(ctx context.Context, actor haven.Actor, id, orgID haven.ID) (*haven.Case, error)
	BeginSettlement(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error)
	Close(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error)
	Hold(ctx context.Context, actor haven.Actor, id haven.ID, reasons string) (*haven.Case, error)
	RequestInfo(ctx context.Context, actor haven.Actor, id haven.ID, what string) (*haven.Case, error)
	Resume(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Case, error)
	AnswerInfoRequest(ctx context.Context, actor haven.Actor, id haven.ID, text string) (*haven.Case, error)
	FindCaseTimeline(ctx context.Context, actor haven.Actor, id haven.ID, before int) (*haven.Timeline, error)
	Withdraw(ctx context.Context, actor haven.Actor, id haven.ID, reasons string) (*haven.Case, error)
}

// Nominations is what the API's handlers need of the app's Nominations.
type Nominations interface {
	FindNominations(ctx context.Context, actor haven.Actor, state haven.NominationState) ([]*haven.Nomination, error)
	CreateNomination(ctx context.Context, actor haven.Actor, n *haven.Nomination) error
	FindNominationByID(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Nomination, error)
	ReviewNomination(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Nomination, error)
	DeclineNomination(ctx context.Context, actor haven.Actor, id haven.ID, reason string) (*haven.Nomination, error)
	WithdrawNomination(ctx context.Context, actor haven.Actor, id haven.ID) (*haven.Nomination, error)
}

// Programme is what the API's handlers need of the app's Programme: the
// rules, organisations, users and the cap.
type Programme interface {
	FindOrganisations(ctx context.Context, actor haven.Actor, kind haven.OrgKind) ([]*haven.Organisation, error)
	CreateOrganisation(ctx context.Context, actor haven.Actor, o *haven.Organisation) error
	FindRules(ctx context.Context, actor haven.Actor, year int) (*haven.ProgrammeRules, error)
	SetRules(ctx context.Context, actor haven.Actor, r *haven.ProgrammeRules) error
	CapFiguresOf(ctx context.Context, actor haven.Actor, year int, partner haven.ID) (*haven.CapFigures, error)
}

// Notices is what the API needs of the app's Notices: the caller's own
// notifications.
type Notices interface {
	FindNotifications(ctx context.Context, actor haven.Actor) (*haven.Notifications, error)
	MarkRead(ctx context.Context, actor haven.Actor, id haven.ID) error
}

// Config is what the API needs. The rooms and Actor are required.
type Config struct {
	// Log receives one line per refused or failed request: the route, the
	// status, the error code and the request ID, never the input. Nil
	// discards.
	Log *slog.Logger
	// Accounts, Cases, Nominations and Programme are the app layer's
	// rooms. Required.
	Accounts    Accounts
	Cases       Cases
	Nominations Nominations
	Programme   Programme
	// Notices are the caller's notifications. Required.
	Notices Notices
	// Actor authenticates a request (the server passes one that accepts a
	// Bearer API token). Every /api/v1 route calls it first and answers
	// 401 when it fails.
	Actor func(*http.Request) (haven.Actor, error)
}

// MaxBody bounds a request body, but the bulk import's.
const MaxBody = 64 << 10

// MaxImportBody bounds the body of POST /api/v1/cases/import: a whole file
// of referrals, as large as the import page takes.
const MaxImportBody = haven.MaxImportFile

// New returns the API's handler, serving /api/openapi.json and the /api/v1
// routes of routes.go. The server mounts it under /api/ next to its own
// sign-in routes, which the same OpenAPI document describes. It panics
// when cfg lacks a room or Actor: that is a wiring mistake, found at start.
func New(cfg Config) http.Handler {
	if cfg.Accounts == nil || cfg.Cases == nil || cfg.Nominations == nil || cfg.Programme == nil || cfg.Notices == nil || cfg.Actor == nil {
		panic("api.New: Config.Accounts, Cases, Nominations, Programme, Notices and Actor are required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	s := &api{log: cfg.Log, rooms: rooms{cfg.Accounts, cfg.Cases, cfg.Nominations, cfg.Programme, cfg.Notices}, actor: cfg.Actor, mux: http.NewServeMux(), known: http.NewServeMux()}
	for i := range routes {
		rt := &routes[i]
		limit := rt.maxBody
		if limit == 0 {
			limit = MaxBody
		}
		s.mux.Handle(rt.method+" "+rt.path, s.limitBody(limit, rt.serve(s, rt)))
		s.known.Handle(rt.method+" "+rt.path, http.NotFoundHandler())
	}
	for _, p := range ServerRoutes() {
		s.known.Handle(p, http.NotFoundHandler())
	}
	return s.recoverPanic(http.HandlerFunc(s.route))
}

// rooms are the app layer's rooms the handlers call.
type rooms struct {
	accounts    Accounts
	cases       Cases
	nominations Nominations
	programme   Programme
	notices     Notices
}

type api struct {
	log *slog.Logger
	rooms
	actor func(*http.Request) (haven.Actor, error)
	mux   *http.ServeMux
	// known holds the API's routes and the server's, to tell a method a
	// route does not take (405) from a route that does not exist (404).
	known *http.ServeMux
}

// route serves a request through the mux, answering a path it does not
// know, or a method the path does not take, as problem+json rather than
// the mux's plain text.
func (s *api) route(w http.ResponseWriter, r *http.Request) {
	if _, pattern := s.mux.Handler(r); pattern != "" {
		s.mux.ServeHTTP(w, r)
		return
	}
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete, http.MethodPatch} {
		r2 := r.Clone(r.Context())
		r2.Method = m
		if _, pattern := s.known.Handler(r2); pattern != "" {
			allow = append(allow, m)
		}
	}
	// A server route reached with its own method was not mounted: 404.
	if len(allow) > 0 && !slices.Contains(allow, r.Method) {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.refuse(w, r, http.StatusMethodNotAllowed, "this route does not take this method; see the Allow header")
		return
	}
	s.refuse(w, r, http.StatusNotFound, "there is no such route in Haven's API; see /api/openapi.json")
}

// limitBody bounds a route's request bodies at limit bytes; a larger one
// is refused with 413. The server bounds every body too, at the largest
// bound of any route: each route keeps its own, wherever it is mounted.
func (s *api) limitBody(limit int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := Bound(w, r, limit); err != nil {
			s.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanic answers a handler's panic as a 500 problem and logs it with
// the request ID, instead of dropping the connection.
func (s *api) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.ErrorContext(r.Context(), "request panicked", "method", r.Method, "route", r.Pattern,
				"panic", panicText(v), "request_id", haven.RequestID(r.Context()))
			writeProblem(w, r, http.StatusInternalServerError, internalMessage, nil)
		}()
		next.ServeHTTP(w, r)
	})
}
