package handlers

import (
	"bytes"
	"encoding/csv"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// csvCell makes a value safe to open in a spreadsheet: a cell that starts
// with =, +, -, @, a tab or a carriage return would be read as a formula
// (CSV injection), so it gets a leading apostrophe, which spreadsheets
// show as text. Quoting and escaping are encoding/csv's.
func csvCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// writeCSV answers with a CSV download: a UTF-8 byte-order mark (so that
// spreadsheets read names with accents correctly), a header row, then the
// rows, every cell made safe by csvCell.
func writeCSV(c echo.Context, filename string, header []string, rows [][]string) error {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	safe := func(rec []string) []string {
		out := make([]string, len(rec))
		for i, v := range rec {
			out[i] = csvCell(v)
		}
		return out
	}
	if err := w.Write(safe(header)); err != nil {
		return err
	}
	for _, r := range rows {
		if err := w.Write(safe(r)); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	hd := c.Response().Header()
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": csvFilename(filename)}))
	hd.Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// csvFilename keeps a download's name to characters every browser and
// file system accepts.
func csvFilename(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '/' || r == '\\' || r == '"' || r == ':' || r < 0x20:
			return '-'
		}
		return r
	}, name)
}
