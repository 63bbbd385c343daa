package moves

import "testing"

func TestNotificationType(t *testing.T) {
	tests := []struct {
		name string
		n    Notice
		want string
	}{
		{"proposed move created: nothing", Notice{Change: ChangeCreated, Status: StatusProposed, Own: true}, ""},
		{"proposed move updated: nothing", Notice{Change: ChangeUpdated, Status: StatusProposed, Own: true, HeardOf: true}, ""},
		{"event on a proposed move: nothing", Notice{Change: ChangeEvent, Status: StatusProposed, Own: true, EventBy: "pmu"}, ""},
		{"requested move created", Notice{Change: ChangeCreated, Status: StatusRequested, Own: true}, "create_move"},
		{"approved proposal: first told as created", Notice{Change: ChangeStatus, Status: StatusRequested, Own: true}, "create_move"},
		{"status change of a known move", Notice{Change: ChangeStatus, Status: StatusBooked, Own: true, HeardOf: true}, "update_move_status"},
		{"details of a known move", Notice{Change: ChangeUpdated, Status: StatusRequested, Own: true, HeardOf: true}, "update_move"},
		{"details of an unknown move: told as created", Notice{Change: ChangeUpdated, Status: StatusRequested, Own: true}, "create_move"},
		{"rejected proposal never told: nothing", Notice{Change: ChangeStatus, Status: StatusCancelled, Own: true}, ""},
		{"cancelled known move", Notice{Change: ChangeStatus, Status: StatusCancelled, Own: true, HeardOf: true}, "update_move_status"},
		{"crossing supplier first told", Notice{Change: ChangeCreated, Status: StatusRequested}, "cross_supplier_move_add"},
		{"crossing supplier, later update", Notice{Change: ChangeUpdated, Status: StatusBooked, HeardOf: true}, "cross_supplier_move_update"},
		{"crossing supplier, later status", Notice{Change: ChangeStatus, Status: StatusInTransit, HeardOf: true}, "cross_supplier_move_update_status"},
		{"PMU's event told to the supplier", Notice{Change: ChangeEvent, Status: StatusRequested, Own: true, HeardOf: true, Recipient: "s1", EventBy: "pmu.user"}, "create_event"},
		{"supplier's own event: not told", Notice{Change: ChangeEvent, Status: StatusBooked, Own: true, HeardOf: true, Recipient: "s1", EventSupplierID: "s1", EventBy: "GEOAmey"}, ""},
		{"one supplier's event told to the other", Notice{Change: ChangeEvent, Status: StatusBooked, HeardOf: true, Recipient: "s2", EventSupplierID: "s1", EventBy: "GEOAmey"}, "create_event"},
		{"an event by someone called system: told", Notice{Change: ChangeEvent, Status: StatusRequested, Own: true, HeardOf: true, Recipient: "s1", EventBy: SystemActor}, "create_event"},
		{"a rejected proposal's rejection, never told of it: nothing", Notice{Change: ChangeEvent, Status: StatusCancelled, Own: true, Recipient: "s1", EventBy: "pmu.user", EventType: EventMoveReject, Rejected: true}, ""},
		{"an event on a move cancelled before its supplier subscribed: told", Notice{Change: ChangeEvent, Status: StatusCancelled, Recipient: "s2", EventSupplierID: "s1", EventBy: "Serco"}, "create_event"},
		{"an event on a cancelled move it knew: told", Notice{Change: ChangeEvent, Status: StatusCancelled, Own: true, HeardOf: true, Recipient: "s1", EventBy: "pmu.user"}, "create_event"},
		{"notify-supplier event: not told", Notice{Change: ChangeEvent, Status: StatusRequested, Own: true, HeardOf: true, Recipient: "s1", EventBy: "someone", EventType: EventMoveNotifySupplierOfMoveRequest}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NotificationType(tt.n); got != tt.want {
				t.Errorf("NotificationType(%+v) = %q, want %q", tt.n, got, tt.want)
			}
		})
	}
	if !Introduces("create_move") || !Introduces("cross_supplier_move_add") || Introduces("update_move") {
		t.Error("Introduces: wrong for create_move, cross_supplier_move_add or update_move")
	}
}

// HeardOfMatters is exact: for a change and status it says do not depend
// on HeardOf, no notice's type changes with it, and for every other pair
// some notice's does.
func TestHeardOfMatters(t *testing.T) {
	statuses := []Status{StatusProposed, StatusRequested, StatusBooked, StatusInTransit, StatusCompleted, StatusCancelled}
	for _, c := range []Change{ChangeCreated, ChangeUpdated, ChangeStatus, ChangeEvent} {
		for _, st := range statuses {
			differs := false
			for _, own := range []bool{true, false} {
				for _, by := range []struct{ supplier, actor string }{{"", "pmu.user"}, {"s1", "GEOAmey"}, {"s2", "Serco"}, {"", SystemActor}} {
					n := Notice{Change: c, Status: st, Own: own, Recipient: "s1", EventSupplierID: by.supplier, EventBy: by.actor, Rejected: st == StatusCancelled}
					heard := n
					heard.HeardOf = true
					if NotificationType(n) != NotificationType(heard) {
						differs = true
						if !HeardOfMatters(c, st, st == StatusCancelled) {
							t.Errorf("HeardOfMatters(%d, %s) = false, but HeardOf changes %+v from %q to %q", c, st, n, NotificationType(n), NotificationType(heard))
						}
					}
				}
			}
			// Proposed moves are never told, so HeardOf cannot matter
			// there, whatever HeardOfMatters says.
			if HeardOfMatters(c, st, st == StatusCancelled) && !differs && st != StatusProposed {
				t.Errorf("HeardOfMatters(%d, %s) = true, but no notice's type depends on HeardOf", c, st)
			}
		}
	}
}
