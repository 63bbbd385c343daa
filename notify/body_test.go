package notify

import (
	"encoding/json"
	"testing"
)

func TestBodyLodgingRelationship(t *testing.T) {
	n := note("n-2", "s1")
	n.EventType = "cancel_lodging"
	n.LodgingID = "lod-1"
	b, err := Body(n, "https://moves.example/")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Data struct {
			ID            string `json:"id"`
			Type          string `json:"type"`
			Relationships map[string]struct {
				Data  struct{ ID, Type string }
				Links *struct{ Self string }
			} `json:"relationships"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	l := doc.Data.Relationships["lodging"]
	if doc.Data.ID != "n-2" || doc.Data.Type != "notifications" || l.Data.ID != "lod-1" || l.Data.Type != "lodgings" ||
		l.Links == nil || l.Links.Self != "https://moves.example/api/moves/move-1/lodgings/lod-1" {
		t.Errorf("body = %s", b)
	}
	if _, ok := doc.Data.Relationships["event"]; ok {
		t.Errorf("event relationship without an event: %s", b)
	}
}
