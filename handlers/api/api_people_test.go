package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/securemove/securemove/handlers/handlertest"
	"github.com/securemove/securemove/moves"
)

func profileBody(answers ...map[string]any) map[string]any {
	list := make([]any, len(answers))
	for i, a := range answers {
		list[i] = a
	}
	return map[string]any{"data": map[string]any{"type": "profiles", "attributes": map[string]any{"assessment_answers": list}}}
}

// An assessment answer is one of its category's questions, once: a free
// key, a question of another category (pace_section_46 under court would
// read as the move's section 46) or the same question twice is a 422 at
// the answer's key, and no profile is made.
func TestAPIProfileAnswersAreTheCategorysQuestions(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	path := "/api/people/" + e.Person().ID + "/profiles"
	answer := func(cat, key string) map[string]any {
		return map[string]any{"category": cat, "key": key, "comments": "x"}
	}
	tests := []struct {
		name    string
		answers []map[string]any
		pointer string
		code    string
	}{
		{"a key no category asks", []map[string]any{answer("risk", "banana")}, "/data/attributes/assessment_answers/0/key", "inclusion"},
		{"a risk question under health", []map[string]any{answer("health", "medication"), answer("health", "violent")},
			"/data/attributes/assessment_answers/1/key", "inclusion"},
		{"section 46 under court", []map[string]any{answer("court", moves.FlagSection46)}, "/data/attributes/assessment_answers/0/key", "inclusion"},
		{"the same question twice", []map[string]any{answer("risk", "violent"), answer("risk", " violent ")},
			"/data/attributes/assessment_answers/1/key", "taken"},
		{"a blank key", []map[string]any{answer("court", " ")}, "/data/attributes/assessment_answers/0/key", "blank"},
		{"the move's own category", []map[string]any{answer(string(moves.FlagMove), moves.FlagSection46)},
			"/data/attributes/assessment_answers/0/category", "inclusion"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.Do(http.MethodPost, path, tok, profileBody(tc.answers...)).WantError(t, http.StatusUnprocessableEntity, tc.pointer, tc.code)
		})
	}
	// Every question of every category, each once, is taken.
	var all []map[string]any
	for cat, keys := range moves.AnswerKeys {
		for _, k := range keys {
			all = append(all, answer(string(cat), k))
		}
	}
	got := e.Do(http.MethodPost, path, tok, profileBody(all...)).Want(t, http.StatusCreated).Data()
	if n := len(handlertest.Attrs(got)["assessment_answers"].([]any)); n != len(all) {
		t.Errorf("%d answers kept of %d", n, len(all))
	}
}

// section_forty_six is the request's own answer about the move (category
// move), never a profile answer that happens to use its key: a profile
// holding {court, pace_section_46} (as the API used to take) books a
// police move that is not section 46.
func TestAPISectionFortySixOnlyFromTheMoveAnswer(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	p := e.Person()
	book := func(flag moves.Flag, date string) map[string]any {
		t.Helper()
		pr := moves.Profile{PersonID: p.ID, CreatedBy: "test", Flags: []moves.Flag{flag}}
		if err := e.St.CreateProfile(e.Ctx, &pr); err != nil {
			t.Fatal(err)
		}
		m := e.Do(http.MethodPost, "/api/moves", tok, apiMoveBody(map[string]any{"move_type": "court_appearance", "date": date},
			map[string][2]string{"from_location": {"locations", e.Loc("SRY016")}, "to_location": {"locations", e.Loc("GUILCC")},
				"profile": {"profiles", pr.ID}})).Want(t, http.StatusCreated).Data()
		return handlertest.Attrs(e.GetMove(tok, m["id"].(string)))
	}
	if a := book(moves.Flag{Category: moves.FlagCourt, Key: moves.FlagSection46}, "2026-11-24"); a["section_forty_six"] != false {
		t.Errorf("a court answer pace_section_46 gave section_forty_six %v", a["section_forty_six"])
	}
	if a := book(moves.Flag{Category: moves.FlagMove, Key: moves.FlagSection46}, "2026-11-25"); a["section_forty_six"] != true {
		t.Errorf("the move's section 46 answer gave section_forty_six %v", a["section_forty_six"])
	}
}

// The published document names every question a profile answer may give.
func TestAPIDocsNameEveryProfileQuestion(t *testing.T) {
	e := handlertest.NewEnv(t)
	_, raw := apiPublishedDoc(t, e)
	schemas := raw["components"].(map[string]any)["schemas"].(map[string]any)
	desc := schemas["AssessmentAnswer"].(map[string]any)["properties"].(map[string]any)["key"].(map[string]any)["description"].(string)
	for cat, keys := range moves.AnswerKeys {
		for _, k := range keys {
			if !strings.Contains(desc, " "+k+",") && !strings.Contains(desc, " "+k+";") && !strings.Contains(desc, " "+k+".") {
				t.Errorf("AssessmentAnswer.key does not name the %s question %s: %q", cat, k, desc)
			}
		}
	}
}
