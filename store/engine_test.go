package store

import "testing"

// Each migration number does the same on both engines: the two sets have
// the same numbers and names.
func TestMigrationsMatchAcrossEngines(t *testing.T) {
	lite, err := loadMigrations(sqliteEngine)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := loadMigrations(postgresEngine)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) != len(pg) {
		t.Fatalf("%d SQLite migrations, %d PostgreSQL ones: write the other engine's twin", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].name != pg[i].name {
			t.Errorf("migration %d: %s on SQLite, %s on PostgreSQL", i+1, lite[i].name, pg[i].name)
		}
	}
}

func TestRebind(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT * FROM t WHERE a = ? AND b IN (?,?)", "SELECT * FROM t WHERE a = $1 AND b IN ($2,$3)"},
		{"SELECT ?2, ?1, ?10", "SELECT $2, $1, $10"},
		{`SELECT '?', "a?b", ? -- what?` + "\n" + `/* why? */ , ?`, `SELECT '?', "a?b", $1 -- what?` + "\n" + `/* why? */ , $2`},
		{"SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1"},
		{"-- SQLite's quirks?\nINSERT INTO t VALUES (?)", "-- SQLite's quirks?\nINSERT INTO t VALUES ($1)"},
	} {
		if got := rebind(c.in); got != c.want {
			t.Errorf("rebind(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
