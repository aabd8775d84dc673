package api

import (
	"cmp"
	"reflect"
)

// RouteInfo is what the tests read of an entry of routes.
type RouteInfo struct {
	Method, Path string
	Public       bool
	Status       int
	Query        []string
	// MaxBody bounds the route's request body.
	MaxBody int64
	// In is nil for a route that takes no body; Out is nil for the document.
	In, Out reflect.Type
}

// Routes returns the route table.
func Routes() []RouteInfo {
	out := make([]RouteInfo, len(routes))
	for i, rt := range routes {
		out[i] = RouteInfo{Method: rt.method, Path: rt.path, Public: rt.public, Status: rt.status, Query: rt.query, In: rt.in, Out: rt.out, MaxBody: cmp.Or(rt.maxBody, MaxBody)}
	}
	return out
}

// EmptyInput is the input type of a route that takes no fields.
var EmptyInput = reflect.TypeFor[none]()

// OpenAPI returns the OpenAPI document the API serves.
func OpenAPI() []byte { return openapiJSON }

// SizeText writes a bound as the documents state it.
var SizeText = size
