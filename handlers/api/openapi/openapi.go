// Package openapi holds the supplier API's published OpenAPI 3 document,
// written by hand. The handlers serve it at /api/docs.json (with the
// event catalogue's detail schemas added from the domain package, so they
// never drift) and render it as a page at /api/docs.
package openapi

import _ "embed"

// Document is the hand-written OpenAPI 3.0 document, JSON.
//
//go:embed openapi.json
var Document []byte
