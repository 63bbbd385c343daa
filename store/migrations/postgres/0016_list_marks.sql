-- The events a list marks its moves with (issue 16). A day list found
-- them by walking every event of each of its moves and reading each
-- event's row for its type, so a list of moves with long logs read
-- thousands of rows; and it read every notice of a time (a supplier may
-- send an ETA every few minutes) though only the latest of each kind is
-- shown. The important events (incidents, PERs) are a few in a hundred:
-- an index of them alone is a probe per move. The notices are indexed by
-- kind and time, so the latest of each kind is one probe. The lists of
-- types are store.importantTypes and store.noticeTypes word for word (a
-- test checks it), so that both engines can prove the queries' conditions
-- imply the indexes'.
CREATE INDEX events_important ON events(move_id, occurred_at, seq)
  WHERE applied = 1 AND event_type IN ('PersonMoveAssault','PersonMoveDeathInCustody','PersonMoveMajorIncidentOther','PersonMoveMinorIncidentOther','PersonMovePersonEscaped','PersonMovePersonEscapedKpi','PersonMoveReleasedError','PersonMoveRoadTrafficAccident','PersonMoveSeriousInjury','PersonMoveUsedForce','PerViolentDangerous','PerWeapons','PerConcealed','PerSelfHarm','PerEscape','PerMedicalAid','PerMedicalDrugsAlcohol','PerMedicalMedication','PerMedicalMentalHealth','PerPropertyChange');
CREATE INDEX events_notices ON events(move_id, event_type, occurred_at, seq)
  WHERE applied = 1 AND event_type IN ('MoveNotifyPremisesOfExpectedCollectionTime','MoveNotifyPremisesOfEta','MoveNotifyPremisesOfArrivalIn30Mins');
