// Package report prints results as Markdown tables whose columns line up
// in a terminal too.
package report

import (
	"strings"
	"unicode/utf8"
)

// Table is a titled table with notes under it.
type Table struct {
	Title  string
	Header []string
	Rows   [][]string
	Notes  []string
}

// New starts a table.
func New(title string, header ...string) *Table {
	return &Table{Title: title, Header: header}
}

// Row adds a row; missing cells are left empty.
func (t *Table) Row(cells ...string) {
	row := make([]string, len(t.Header))
	copy(row, cells)
	t.Rows = append(t.Rows, row)
}

// Note adds a line under the table.
func (t *Table) Note(s string) { t.Notes = append(t.Notes, s) }

func cell(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", "\\|"), "\n", " ") }

// Markdown renders the table.
func (t *Table) Markdown() string {
	w := make([]int, len(t.Header))
	all := append([][]string{t.Header}, t.Rows...)
	for _, r := range all {
		for i, c := range r {
			w[i] = max(w[i], utf8.RuneCountInString(cell(c)), 3)
		}
	}
	var b strings.Builder
	if t.Title != "" {
		b.WriteString("### " + t.Title + "\n\n")
	}
	line := func(r []string) {
		b.WriteString("|")
		for i, c := range r {
			c = cell(c)
			b.WriteString(" " + c + strings.Repeat(" ", w[i]-utf8.RuneCountInString(c)) + " |")
		}
		b.WriteString("\n")
	}
	line(t.Header)
	b.WriteString("|")
	for i := range t.Header {
		b.WriteString(" " + strings.Repeat("-", w[i]) + " |")
	}
	b.WriteString("\n")
	for _, r := range t.Rows {
		line(r)
	}
	if len(t.Notes) > 0 {
		b.WriteString("\n")
		for _, n := range t.Notes {
			b.WriteString("- " + n + "\n")
		}
	}
	return b.String()
}
