package moves

// Which supplier a timeline entry names. A move's supplier is the one
// serving its from-location on its date, so an approval or a new date can
// hand the move to another supplier: an entry written before that must
// still name the supplier of its own time ("requested with Serco", "Serco
// was sent the move request"), never the move's supplier now.

// aboutMoveSupplier are the event types whose entry names the supplier the
// move is with: the one it was requested with, approved and requested
// with, or sent the request. Whoever recorded the event, it is that one.
var aboutMoveSupplier = map[EventType]bool{
	EventMoveRequested:                   true,
	EventMoveApprove:                     true,
	EventMoveNotifySupplierOfMoveRequest: true,
}

// bySupplier are the event types whose entry says what a supplier did
// (accepted, set off, expects to arrive, handed over): the supplier whose
// client posted it, or, recorded by someone else (PMU, an internal
// client), the supplier carrying out the move.
var bySupplier = map[EventType]bool{
	EventMoveAccept:   true,
	EventMoveStart:    true,
	EventMoveComplete: true,
	EventMoveNotifyPremisesOfExpectedCollectionTime: true,
	EventMoveNotifyPremisesOfEta:                    true,
	EventMoveNotifyPremisesOfArrivalIn30Mins:        true,
	EventMoveCrossSupplierDropOff:                   true,
	EventMoveCrossSupplierPickUp:                    true,
}

// KeepsMoveSupplier says whether the store keeps on e, as MoveSupplierID,
// the supplier the move is with once e is written: when e's entry names
// the move's supplier. An event a supplier posted about what it did names
// that supplier (SupplierID) and keeps nothing more.
func KeepsMoveSupplier(e Event) bool {
	if e.JourneyID != "" || e.LodgingID != "" {
		return false
	}
	return aboutMoveSupplier[e.Type] || (bySupplier[e.Type] && e.SupplierID == "")
}

// KeepMoveSupplier returns e keeping supplierID, the supplier the move is
// with, as MoveSupplierID when e's entry names the move's supplier
// (KeepsMoveSupplier), and nothing otherwise: the one rule every writer of
// events (the store's log, a new move, an allocation's place, a planned
// move's rows) follows.
func KeepMoveSupplier(e Event, supplierID string) Event {
	e.MoveSupplierID = ""
	if KeepsMoveSupplier(e) {
		e.MoveSupplierID = supplierID
	}
	return e
}

// NamedSupplier is the id of the supplier e's timeline entry names: for an
// entry about what a supplier did, the one whose client posted it; else,
// for an entry that names the move's supplier, the one the move was with
// when e was written. It is "" when the entry names no supplier, or when
// e was written before the service kept the move's supplier on its
// events: only then does the entry name the move's supplier now.
func NamedSupplier(e Event) string {
	if e.JourneyID != "" || e.LodgingID != "" {
		return ""
	}
	if bySupplier[e.Type] && e.SupplierID != "" {
		return e.SupplierID
	}
	if aboutMoveSupplier[e.Type] || bySupplier[e.Type] {
		return e.MoveSupplierID
	}
	return ""
}
