// Package api is Haven's JSON API, version 1: one route for every action
// the pages offer, over the same app services, for the systems of the
// organisations that share Haven. It is authenticated by API tokens, and
// described by an OpenAPI 3.1 document served at /api/openapi.json.
//
// Handlers translate between HTTP and the app layer and hold no rules of
// their own: every rule lives in internal/app, internal/workflow and
// internal/policy. What a handler does check is the shape of the request:
// a body is one JSON object of the documented fields and types, each enum
// one of its values and each date a calendar date, or the request is
// refused with a 4xx problem naming the field (or the line of a JSON syntax
// error) before the app is asked anything, so nothing is stored.
//
// Errors are application/problem+json (RFC 9457) with per-field problems.
// Responses are snake_case objects of this package, never the domain's
// structs: a field the actor may not see was already cleared by the app and
// is left out.
//
// routes.go lists the whole surface; openapi.json describes it, and a test
// holds the two to each other.
package api
