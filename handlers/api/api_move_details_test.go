package api_test

import (
	"net/http"
	"testing"

	"github.com/securemove/securemove/handlers/handlertest"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// A prison recall's date of arrest and a prison transfer's reason are
// taken and given back as the contract has them (recall_date, and the
// prison_transfer_reason relationship naming /api/reference/
// prison_transfer_reasons); ones that do not fit the move are refused.
func TestAPIMoveTypeDetails(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	reasons := e.Do(http.MethodGet, "/api/reference/prison_transfer_reasons", tok, nil).Want(t, http.StatusOK).List()
	parole := ""
	for _, x := range reasons {
		if r := x.(map[string]any); handlertest.Attrs(r)["key"] == "parole" {
			parole, _ = r["id"].(string)
		}
	}
	if len(reasons) < 2 || parole == "" {
		t.Fatalf("reasons %v", reasons)
	}

	p := e.Person()
	recall := e.Do(http.MethodPost, "/api/moves", tok, apiMoveBody(map[string]any{"move_type": "prison_recall", "date": "2026-11-24", "recall_date": "2026-11-20"},
		map[string][2]string{"from_location": {"locations", e.Loc("SRY016")}, "person": {"people", p.ID}})).Want(t, http.StatusCreated).Data()
	if got := handlertest.Attrs(e.GetMove(tok, recall["id"].(string)))["recall_date"]; got != "2026-11-20" {
		t.Errorf("recall_date %v", got)
	}
	tr := e.Do(http.MethodPost, "/api/moves", tok, apiMoveBody(map[string]any{"move_type": "prison_transfer", "date_from": "2026-12-01"},
		map[string][2]string{"from_location": {"locations", e.Loc("BXI")}, "to_location": {"locations", e.Loc("WWI")}, "person": {"people", p.ID},
			"prison_transfer_reason": {"prison_transfer_reasons", parole}})).Want(t, http.StatusCreated).Data()
	got := e.GetMove(tok, tr["id"].(string))
	if handlertest.RelID(got, "prison_transfer_reason") != parole || handlertest.RelType(got, "prison_transfer_reason") != "prison_transfer_reasons" {
		t.Errorf("prison_transfer_reason %v", got["relationships"])
	}
	if handlertest.RelID(e.GetMove(tok, recall["id"].(string)), "prison_transfer_reason") != "" {
		t.Error("a recall has a transfer reason")
	}

	// Refused: a date of arrest in the future, one on a court move, a
	// reason nobody knows, a reason on a recall.
	e.Do(http.MethodPost, "/api/moves", tok, apiMoveBody(map[string]any{"move_type": "prison_recall", "date": "2026-11-24", "recall_date": "2026-11-24"},
		map[string][2]string{"from_location": {"locations", e.Loc("SRY016")}, "person": {"people", e.Person().ID}})).
		WantError(t, 422, "/data/attributes/recall_date", "")
	e.Do(http.MethodPost, "/api/moves", tok, apiMoveBody(map[string]any{"move_type": "court_appearance", "date": "2026-11-24", "recall_date": "2026-11-20"},
		map[string][2]string{"from_location": {"locations", e.Loc("SRY016")}, "to_location": {"locations", e.Loc("GUILCC")}, "person": {"people", e.Person().ID}})).
		WantError(t, 422, "/data/attributes/recall_date", "")
	e.Do(http.MethodPost, "/api/moves", tok, apiMoveBody(map[string]any{"move_type": "prison_transfer", "date_from": "2026-12-01"},
		map[string][2]string{"from_location": {"locations", e.Loc("BXI")}, "to_location": {"locations", e.Loc("WWI")}, "person": {"people", e.Person().ID},
			"prison_transfer_reason": {"prison_transfer_reasons", "00000000-0000-0000-0000-000000000000"}})).
		WantError(t, 422, "/data/relationships/prison_transfer_reason", "")
	e.Do(http.MethodPost, "/api/moves", tok, apiMoveBody(map[string]any{"move_type": "prison_recall", "date": "2026-11-24"},
		map[string][2]string{"from_location": {"locations", e.Loc("SRY016")}, "person": {"people", e.Person().ID},
			"prison_transfer_reason": {"prison_transfer_reasons", parole}})).
		WantError(t, 422, "/data/relationships/prison_transfer_reason", "")
}

// section_forty_six: true or false for a move from police custody (the
// request asks it), null for any other move; the same in the list.
func TestAPIMoveSectionFortySix(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	s46, err := e.St.CreateMove(e.Ctx, store.NewMove{MoveType: moves.CourtAppearance, FromID: e.Loc("SRY016"), ToID: e.Loc("GUILCC"), Date: "2026-11-24",
		PersonID: e.Person().ID, CreatedBy: "test", Flags: []moves.Flag{{Category: moves.FlagMove, Key: moves.FlagSection46}}})
	if err != nil {
		t.Fatal(err)
	}
	police := e.Move("SRY016", "GUILCC", moves.CourtAppearance, "2026-11-24")
	prison := e.Move("BXI", "SRY016", moves.Extradition, "2026-11-24")
	want := map[string]any{s46.ID: true, police.ID: false, prison.ID: nil}
	for id, w := range want {
		a := handlertest.Attrs(e.GetMove(tok, id))
		if v, ok := a["section_forty_six"]; !ok || v != w {
			t.Errorf("GET %s: section_forty_six %v (present %v); want %v", id, v, ok, w)
		}
	}
	seen := 0
	for _, x := range e.Do(http.MethodGet, "/api/moves?filter[date_from]=2026-11-24&filter[date_to]=2026-11-24&per_page=100", tok, nil).Want(t, http.StatusOK).List() {
		r := x.(map[string]any)
		if w, ok := want[r["id"].(string)]; ok {
			seen++
			if v := handlertest.Attrs(r)["section_forty_six"]; v != w {
				t.Errorf("list %s: section_forty_six %v; want %v", r["id"], v, w)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("the list showed %d of the %d moves", seen, len(want))
	}
}
