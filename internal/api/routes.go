package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/havenhrd/haven"
)

// routes is the whole surface of the API. The mux serves it and the
// OpenAPI test holds openapi.json to it. Every route but the document
// itself authenticates its caller first.
var routes = []route{
	document("GET /api/openapi.json"),

	get("GET /api/v1/organisations", listOrganisations, "kind"),
	create("POST /api/v1/organisations", createOrganisation),

	get("GET /api/v1/rules/{year}", showRules),
	do("PUT /api/v1/rules/{year}", setRules),
	get("GET /api/v1/cap/{year}", showCap, "partner"),

	get("GET /api/v1/me/factors", ownFactors),
	get("GET /api/v1/me/work", ownWork),
	get("GET /api/v1/me/notifications", ownNotices),
	do("POST /api/v1/me/notifications/{id}/read", readNotice),
	get("GET /api/v1/users", listUsers, "org_id"),
	do("POST /api/v1/users/{id}/disable", disableUser),
	do("POST /api/v1/tokens/{id}/revoke", revokeToken),

	get("GET /api/v1/nominations", listNominations, "state"),
	create("POST /api/v1/nominations", createNomination),
	get("GET /api/v1/nominations/{id}", showNomination),
	do("POST /api/v1/nominations/{id}/review", reviewNomination),
	do("POST /api/v1/nominations/{id}/decline", declineNomination),
	do("POST /api/v1/nominations/{id}/withdraw", withdrawNomination),

	get("GET /api/v1/checks", listCheckRequests),
	get("GET /api/v1/cases", listCases, "state", "priority", "country", "referring_org_id", "safety_concern", "overdue", "due_within", "turn",
		"checks_with", "follow_up_due", "possible_duplicate", "q", "sort", "dir", "after", "offset", "limit"),
	create("POST /api/v1/cases", createCase),
	create("POST /api/v1/cases/import", importCases).spelled(importLines).bounded(MaxImportBody),
	get("GET /api/v1/cases/{id}", showCase),
	get("GET /api/v1/cases/{id}/timeline", showTimeline, "before"),
	do("POST /api/v1/cases/{id}/open-file", caseEvent(Cases.OpenFile)),
	do("POST /api/v1/cases/{id}/start-eligibility", caseEvent(Cases.StartEligibility)),
	do("POST /api/v1/cases/{id}/schedule-interview", scheduleInterview),
	do("POST /api/v1/cases/{id}/assessment", recordAssessment),
	do("POST /api/v1/cases/{id}/start-admissibility", caseEvent(Cases.StartAdmissibility)),
	do("POST /api/v1/cases/{id}/assign-checks", assignChecks),
	do("POST /api/v1/cases/{id}/checks", recordCheck),
	do("POST /api/v1/cases/{id}/checks/batch", recordChecks),
	do("POST /api/v1/cases/{id}/confirm-admissible", caseEvent(Cases.ConfirmAdmissible)),
	do("POST /api/v1/cases/{id}/split", splitDecision),
	do("POST /api/v1/cases/{id}/approve", approve),
	do("POST /api/v1/cases/{id}/refuse", caseReasons(Cases.Refuse)),
	do("POST /api/v1/cases/{id}/travel", bookTravel).spelled(rename{"travel_date": "date"}.spell),
	do("POST /api/v1/cases/{id}/change-travel", changeTravel).spelled(rename{"travel_date": "date"}.spell),
	do("POST /api/v1/cases/{id}/arrival", recordArrival).spelled(rename{"arrival_date": "date"}.spell),
	do("POST /api/v1/cases/{id}/settlement", assignSettlement).spelled(rename{"settlement_org_id": "org_id"}.spell),
	do("POST /api/v1/cases/{id}/begin-settlement", caseEvent(Cases.BeginSettlement)),
	do("POST /api/v1/cases/{id}/plan/milestones", updateMilestone),
	do("POST /api/v1/cases/{id}/plan/follow-ups", recordFollowUp),
	do("POST /api/v1/cases/{id}/close", caseEvent(Cases.Close)),
	do("POST /api/v1/cases/{id}/hold", caseReasons(Cases.Hold)),
	do("POST /api/v1/cases/{id}/request-info", caseReasons(Cases.RequestInfo)),
	do("POST /api/v1/cases/{id}/answer", answerInfoRequest),
	do("POST /api/v1/cases/{id}/resume", caseEvent(Cases.Resume)),
	do("POST /api/v1/cases/{id}/withdraw", caseReasons(Cases.Withdraw)),
}

// ServerRoutes are the routes under /api/v1 that the server serves itself
// (sign-in, sign-out, who is signed in): the OpenAPI document describes
// them too, so that both halves of the API share one document.
func ServerRoutes() []string {
	return []string{
		"POST /api/v1/signin",
		"POST /api/v1/signin/totp",
		"POST /api/v1/signin/recovery",
		"POST /api/v1/signin/passkey/begin",
		"POST /api/v1/signin/passkey/finish",
		"POST /api/v1/signout",
		"GET /api/v1/me",
	}
}

// route is one entry of the surface.
type route struct {
	method, path string
	// public routes are served without an actor.
	public bool
	// status is the status of success.
	status int
	// query lists the query parameters the route takes; any other is refused.
	query []string
	// in and out are the types of the request and response bodies; in is
	// nil when the route takes no body.
	in, out reflect.Type
	// maxBody bounds the request body; 0 is MaxBody.
	maxBody int64
	// spell names a field of the app's problems as the route's request
	// spells it; nil when the names are the same.
	spell func(string) string
	serve func(s *api, rt *route) http.Handler
}

// spelled is rt with the app's field names mapped by spell.
func (rt route) spelled(spell func(string) string) route {
	rt.spell = spell
	return rt
}

// bounded is rt with its bodies bounded at limit bytes rather than MaxBody.
func (rt route) bounded(limit int64) route {
	rt.maxBody = limit
	return rt
}

// rename maps the app's names of fields to the request's.
type rename map[string]string

func (m rename) spell(f string) string {
	if to, ok := m[f]; ok {
		return to
	}
	return f
}

// respell returns err with the fields of its problems named by spell: the
// one place where the app's names of fields become the request's.
func respell(err error, spell func(string) string) error {
	var e *haven.Error
	if spell == nil || !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	c := *e
	c.Fields = make([]haven.FieldProblem, len(e.Fields))
	for i, f := range e.Fields {
		f.Field = spell(f.Field)
		c.Fields[i] = f
	}
	return &c
}

// call is one authenticated request as a handler sees it.
type call struct {
	ctx context.Context
	r   *http.Request
	rooms
	actor haven.Actor
	query query
}

// id is the {id} of the route.
func (c *call) id() haven.ID { return haven.ID(c.r.PathValue("id")) }

// year is the {year} of the route.
func (c *call) year() (int, error) {
	y, err := strconv.Atoi(c.r.PathValue("year"))
	if err != nil || y < 1 || y > 9999 {
		return 0, (&haven.Problems{{Field: "year", Message: "write the year as four digits, such as 2026"}}).Err("api.year")
	}
	return y, nil
}

// none is the input of a route that takes no fields: its body may be
// empty or {}.
type none struct{}

// handler answers a call with the response body, or an error.
type handler[In, Out any] func(c *call, in *In) (Out, error)

// get is a route that reads: it takes query parameters, never a body.
func get[Out any](pattern string, h handler[none, Out], query ...string) route {
	rt := endpoint(pattern, http.StatusOK, query, h)
	rt.in = nil
	return rt
}

// create is a route that creates a record and answers 201.
func create[In, Out any](pattern string, h handler[In, Out]) route {
	return endpoint(pattern, http.StatusCreated, nil, h)
}

// do is a route that acts and answers 200.
func do[In, Out any](pattern string, h handler[In, Out]) route {
	return endpoint(pattern, http.StatusOK, nil, h)
}

// located is a created record that has a route of its own.
type located interface{ location() string }

// endpoint is a route whose handler authenticates the caller, refuses a
// query parameter the route does not take, decodes the body into In (a
// route that reads takes none), calls h and encodes its Out with status st.
// Nothing reaches h that decode refused, so a malformed request stores
// nothing.
func endpoint[In, Out any](pattern string, st int, query []string, h handler[In, Out]) route {
	method, path, _ := strings.Cut(pattern, " ")
	rt := route{method: method, path: path, status: st, query: query, in: reflect.TypeFor[In](), out: reflect.TypeFor[Out]()}
	reads := method == http.MethodGet
	rt.serve = func(s *api, rt *route) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			actor, err := s.actor(r)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			c := &call{ctx: r.Context(), r: r, rooms: s.rooms, actor: actor}
			if c.query, err = parseQuery(r, query); err != nil {
				s.fail(w, r, err)
				return
			}
			var in In
			if !reads {
				if err := decode(r, &in); err != nil {
					s.fail(w, r, err)
					return
				}
			}
			out, err := h(c, &in)
			if err != nil {
				s.fail(w, r, respell(err, rt.spell))
				return
			}
			b, err := json.Marshal(out)
			if err != nil {
				s.fail(w, r, haven.Internal("api.encode", err))
				return
			}
			if l, ok := any(out).(located); ok && st == http.StatusCreated {
				w.Header().Set("Location", l.location())
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(st)
			w.Write(append(b, '\n'))
		})
	}
	return rt
}

// document serves the OpenAPI document, to anyone: it describes the API
// and holds no data.
func document(pattern string) route {
	method, path, _ := strings.Cut(pattern, " ")
	return route{method: method, path: path, public: true, status: http.StatusOK,
		serve: func(s *api, _ *route) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if _, err := parseQuery(r, nil); err != nil {
					s.fail(w, r, err)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.Write(openapiJSON)
			})
		}}
}
