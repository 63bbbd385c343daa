package store

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/securemove/securemove/moves"
)

// decodeFlags reads a profile's flags, as every list row does for its
// warnings. The store writes them with json.Marshal, so almost every
// value is an array of objects with the fields in order and nothing
// escaped; plainFlags reads those directly (encoding/json was a twentieth
// of a day list rendered afresh). Anything else (an escape, another
// writer's spacing or order, PostgreSQL's jsonb) goes to encoding/json.
func decodeFlags(s string) ([]moves.Flag, error) {
	if s == "" || s == "[]" {
		return nil, nil // most people have none: nothing to read
	}
	if fl, ok := plainFlags(s); ok {
		return fl, nil
	}
	var fl []moves.Flag
	err := json.Unmarshal([]byte(s), &fl)
	return fl, err
}

// plainFlags reads `[{"category":"…","key":"…"[,"details":"…"]},…]` with
// no backslash, control character or invalid UTF-8 anywhere, and reports
// false for anything else.
func plainFlags(s string) ([]moves.Flag, bool) {
	if !utf8.ValidString(s) || strings.IndexFunc(s, func(r rune) bool { return r == '\\' || r < 0x20 }) >= 0 {
		return nil, false
	}
	rest, ok := strings.CutPrefix(s, "[")
	if !ok {
		return nil, false
	}
	out := make([]moves.Flag, 0, strings.Count(rest, `{"category":"`))
	for {
		var f moves.Flag
		var v string
		if rest, ok = strings.CutPrefix(rest, `{"category":"`); !ok {
			return nil, false
		}
		if v, rest, ok = strings.Cut(rest, `"`); !ok {
			return nil, false
		}
		f.Category = moves.FlagCategory(v)
		if rest, ok = strings.CutPrefix(rest, `,"key":"`); !ok {
			return nil, false
		}
		if f.Key, rest, ok = strings.Cut(rest, `"`); !ok {
			return nil, false
		}
		if r, found := strings.CutPrefix(rest, `,"details":"`); found {
			if f.Details, rest, ok = strings.Cut(r, `"`); !ok {
				return nil, false
			}
		}
		if rest, ok = strings.CutPrefix(rest, "}"); !ok {
			return nil, false
		}
		out = append(out, f)
		if rest == "]" {
			return out, true
		}
		if rest, ok = strings.CutPrefix(rest, ","); !ok {
			return nil, false
		}
	}
}
