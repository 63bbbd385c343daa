package moves

import "testing"

// Each timeline entry that names a supplier names the one of its own
// time: kept on the event when it is written, and the move's supplier
// now only for an event written before that was kept.
func TestNamedSupplier(t *testing.T) {
	tests := []struct {
		name  string
		e     Event
		keeps bool
		named string
	}{
		{"request: the supplier it was requested with",
			Event{Type: EventMoveRequested, CreatedBy: "police.user", MoveSupplierID: "serco"}, true, "serco"},
		{"request booked by a supplier's client: the move's supplier then, kept",
			Event{Type: EventMoveRequested, SupplierID: "geo", MoveSupplierID: "geo"}, true, "geo"},
		{"request written before the supplier was kept: the move's now",
			Event{Type: EventMoveRequested, CreatedBy: "police.user"}, true, ""},
		{"approval: the supplier it was requested with on the approved date",
			Event{Type: EventMoveApprove, CreatedBy: "pmu.user", MoveSupplierID: "geo"}, true, "geo"},
		{"request sent: the supplier that was told, not the service that recorded it",
			Event{Type: EventMoveNotifySupplierOfMoveRequest, CreatedBy: SystemActor, MoveSupplierID: "serco"}, true, "serco"},
		{"request sent, posted by a supplier's client: still the move's supplier then",
			Event{Type: EventMoveNotifySupplierOfMoveRequest, SupplierID: "geo", MoveSupplierID: "serco"}, true, "serco"},
		{"accepted by the supplier's client: that supplier, nothing more kept",
			Event{Type: EventMoveAccept, SupplierID: "geo"}, false, "geo"},
		{"accepted, recorded by PMU: the move's supplier then",
			Event{Type: EventMoveAccept, CreatedBy: "pmu.user", MoveSupplierID: "serco"}, true, "serco"},
		{"set off, recorded by an internal client before the supplier was kept: the move's now",
			Event{Type: EventMoveStart, CreatedBy: "internal"}, true, ""},
		{"expected arrival from a supplier's client",
			Event{Type: EventMoveNotifyPremisesOfEta, SupplierID: "serco"}, false, "serco"},
		{"cross-supplier pick-up recorded by PMU",
			Event{Type: EventMoveCrossSupplierPickUp, CreatedBy: "pmu.user", MoveSupplierID: "geo"}, true, "geo"},
		{"proposal: names no supplier",
			Event{Type: EventMoveProposed, CreatedBy: "prison.user", MoveSupplierID: "serco"}, false, ""},
		{"date changed: names no supplier",
			Event{Type: EventMoveDateChanged, CreatedBy: "pmu.user", MoveSupplierID: "geo"}, false, ""},
		{"cancelled by a supplier: names no supplier",
			Event{Type: EventMoveCancel, SupplierID: "serco"}, false, ""},
		{"a journey's event: the journey has its own supplier",
			Event{Type: EventMoveStart, JourneyID: "j1", MoveSupplierID: "serco"}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := KeepsMoveSupplier(tt.e); got != tt.keeps {
				t.Errorf("KeepsMoveSupplier = %v, want %v", got, tt.keeps)
			}
			if got := NamedSupplier(tt.e); got != tt.named {
				t.Errorf("NamedSupplier = %q, want %q", got, tt.named)
			}
		})
	}
}
