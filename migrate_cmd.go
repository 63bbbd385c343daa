package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/securemove/securemove/store"
)

const migrateUsage = `Usage: securemove migrate -from <SQLite file> -to <postgres:// URL>

Copies a SQLite deployment into an EMPTY PostgreSQL database: the schema
is created on PostgreSQL, every row is copied in one transaction, and the
copy is checked (rows per table, and every move's log replayed on
PostgreSQL gives the move as it was). Stop the server first: writes made
during the copy would not be copied. The SQLite file is left as it was.

`

// runMigrate copies a SQLite database into PostgreSQL.
func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("securemove migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var from, to string
	fs.StringVar(&from, "from", getenv("SECUREMOVE_DB"), "the SQLite database file to copy (default SECUREMOVE_DB)")
	fs.StringVar(&to, "to", "", "the postgres:// URL of an empty PostgreSQL database")
	fs.Usage = func() {
		fmt.Fprint(stderr, migrateUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	switch {
	case from == "" || to == "":
		fmt.Fprintln(stderr, "migrate: give -from (a SQLite file) and -to (a postgres:// URL)")
		return 2
	case store.IsPostgres(from) || !store.IsPostgres(to):
		fmt.Fprintln(stderr, "migrate: -from must be a SQLite file and -to a postgres:// URL")
		return 2
	}
	if _, err := os.Stat(from); err != nil {
		fmt.Fprintf(stderr, "migrate: no SQLite database at %s\n", from)
		return 1
	}
	rep, err := store.CopyToPostgres(ctx, from, to)
	if err != nil {
		fmt.Fprintf(stderr, "migrate: %s\n", cliMessage(err))
		return 1
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "table\trows copied and checked")
	for _, t := range rep.Tables {
		fmt.Fprintf(tw, "%s\t%d\n", t.Table, t.Rows)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "%d moves replayed on PostgreSQL, each equal to the move on SQLite. Start the servers with -db %s\n", rep.Moves, "<the same URL>")
	return 0
}
