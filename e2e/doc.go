// Package e2e holds the browser journeys of "Book a secure move". They
// build the server and drive Debian's Chromium through playwright-go, so
// every test file carries the e2e build tag: a plain `go test ./...`
// leaves them out on a machine without a browser, and `make test` (or
// `go test -tags e2e ./e2e`) runs them, failing when Chromium is missing.
package e2e
