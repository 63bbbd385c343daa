package store

import (
	"strings"
	"time"
)

// conds collects the terms of a WHERE clause and their arguments, so each
// filter says only which columns it compares, not how to build the SQL.
type conds struct {
	w    []string
	args []any
}

// raw adds a term with its arguments as given.
func (c *conds) raw(term string, args ...any) {
	c.w = append(c.w, term)
	c.args = append(c.args, args...)
}

// in adds "col IN (…)" unless vals is empty.
func (c *conds) in(col string, vals []string) {
	if len(vals) == 0 {
		return
	}
	c.w = append(c.w, col+" IN ("+placeholders(len(vals))+")")
	for _, v := range vals {
		c.args = append(c.args, v)
	}
}

// str adds "term" with v unless v is empty; term holds one "?".
func (c *conds) str(term, v string) {
	if v != "" {
		c.raw(term, v)
	}
}

// at adds "term" with t in microseconds unless t is zero.
func (c *conds) at(term string, t time.Time) {
	if !t.IsZero() {
		c.raw(term, micros(t))
	}
}

// sql is " WHERE a AND b", or "" with no terms.
func (c *conds) sql() string {
	if len(c.w) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(c.w, " AND ")
}
