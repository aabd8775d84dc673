package api

import _ "embed"

// openapiJSON is the OpenAPI 3.1 document of the API, including the
// server's sign-in routes. It is written by hand; the tests hold it to
// routes.go and to the request and response types.
//
//go:embed openapi.json
var openapiJSON []byte
