package notify

import (
	"encoding/json"
	"strings"
	"time"
)

// Body is upstream's JSON:API notification document. It carries only ids
// and links: receivers GET the resource for details, so nothing personal
// travels in a webhook.
func Body(n Notification, baseURL string) ([]byte, error) {
	base := strings.TrimRight(baseURL, "/")
	rel := map[string]relationship{}
	if n.MoveID != "" {
		rel["move"] = relationship{
			Data:  resourceID{ID: n.MoveID, Type: "moves"},
			Links: &links{Self: base + "/api/moves/" + n.MoveID},
		}
	}
	if n.EventID != "" {
		rel["event"] = relationship{Data: resourceID{ID: n.EventID, Type: "events"}}
	}
	if n.LodgingID != "" {
		rel["lodging"] = relationship{
			Data:  resourceID{ID: n.LodgingID, Type: "lodgings"},
			Links: &links{Self: base + "/api/moves/" + n.MoveID + "/lodgings/" + n.LodgingID},
		}
	}
	doc := document{Data: notificationData{
		ID:   n.ID,
		Type: "notifications",
		Attributes: attributes{
			EventType: n.EventType,
			Timestamp: n.CreatedAt.UTC().Format(time.RFC3339),
		},
		Relationships: rel,
	}}
	return json.Marshal(doc)
}

type document struct {
	Data notificationData `json:"data"`
}

type notificationData struct {
	ID            string                  `json:"id"`
	Type          string                  `json:"type"`
	Attributes    attributes              `json:"attributes"`
	Relationships map[string]relationship `json:"relationships"`
}

type attributes struct {
	EventType string `json:"event_type"`
	Timestamp string `json:"timestamp"`
}

type relationship struct {
	Data  resourceID `json:"data"`
	Links *links     `json:"links,omitempty"`
}

type resourceID struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

type links struct {
	Self string `json:"self"`
}
