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

func TestTouchedPayload(t *testing.T) {
	in := touched{moves: []string{"m1", "m2"}, places: []string{"p1"}, kinds: touchedUsers | touchedAuth}
	sender, out := decodeTouched(encodeTouched("me", in))
	if sender != "me" || out.kinds != in.kinds || len(out.moves) != 2 || out.moves[1] != "m2" || len(out.places) != 1 || out.places[0] != "p1" {
		t.Fatalf("round trip: %q %+v", sender, out)
	}
	if _, out := decodeTouched(encodeTouched("me", touched{})); out.kinds != 0 || out.moves != nil || out.places != nil {
		t.Fatalf("nothing touched: %+v", out)
	}
	// Too many to name: everything.
	many := touched{}
	for i := 0; i < 1000; i++ {
		many.moves = append(many.moves, "0190b6b2-7f5e-7c1a-9a0e-0000000000aa")
	}
	if p := encodeTouched("me", many); len(p) > maxPayload {
		t.Fatalf("payload of %d bytes", len(p))
	} else if _, out := decodeTouched(p); out.kinds != touchedAll {
		t.Fatalf("too many: %+v", out)
	}
	// The driver's plain notification, or anything unreadable: everything.
	if sender, out := decodeTouched("other"); sender != "other" || out.kinds != touchedAll {
		t.Fatalf("plain: %q %+v", sender, out)
	}
}
