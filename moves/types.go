package moves

import "time"

// Status is where a move stands. Completed and cancelled are final.
type Status string

const (
	StatusProposed  Status = "proposed"
	StatusRequested Status = "requested"
	StatusBooked    Status = "booked"
	StatusInTransit Status = "in_transit"
	StatusCompleted Status = "completed"
	StatusCancelled Status = "cancelled"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusProposed, StatusRequested, StatusBooked, StatusInTransit, StatusCompleted, StatusCancelled}

// Final reports whether no event can change s any more.
func (s Status) Final() bool { return s == StatusCompleted || s == StatusCancelled }

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if v == s {
			return true
		}
	}
	return false
}

// MoveType is the purpose of a move; it constrains its locations.
type MoveType string

const (
	CourtAppearance  MoveType = "court_appearance"
	CourtOther       MoveType = "court_other"
	Hospital         MoveType = "hospital"
	PoliceTransfer   MoveType = "police_transfer"
	PrisonRecall     MoveType = "prison_recall"
	PrisonRemand     MoveType = "prison_remand"
	PrisonTransfer   MoveType = "prison_transfer"
	VideoRemand      MoveType = "video_remand"
	ApprovedPremises MoveType = "approved_premises"
	Extradition      MoveType = "extradition"
)

// MoveTypes lists every move type.
var MoveTypes = []MoveType{CourtAppearance, CourtOther, Hospital, PoliceTransfer, PrisonRecall, PrisonRemand, PrisonTransfer, VideoRemand, ApprovedPremises, Extradition}

// IsCourt reports whether a move of type t takes the person to court. Only
// court moves have court information (a solicitor, an interpreter): the
// request asks it of them alone.
func (t MoveType) IsCourt() bool { return t == CourtAppearance || t == CourtOther }

// Valid reports whether t is a known move type.
func (t MoveType) Valid() bool {
	for _, v := range MoveTypes {
		if v == t {
			return true
		}
	}
	return false
}

// LocationType is the kind of place a location is.
type LocationType string

const (
	LocPolice               LocationType = "police"
	LocCourt                LocationType = "court"
	LocPrison               LocationType = "prison"
	LocYOI                  LocationType = "young_offender_institution"
	LocHospital             LocationType = "hospital"
	LocHighSecurityHospital LocationType = "high_security_hospital"
	LocSCH                  LocationType = "secure_childrens_home"
	LocSTC                  LocationType = "secure_training_centre"
	LocApprovedPremises     LocationType = "approved_premises"
)

// LocationTypes lists every location type.
var LocationTypes = []LocationType{LocPolice, LocCourt, LocPrison, LocYOI, LocHospital, LocHighSecurityHospital, LocSCH, LocSTC, LocApprovedPremises}

// Valid reports whether t is a known location type.
func (t LocationType) Valid() bool {
	for _, v := range LocationTypes {
		if v == t {
			return true
		}
	}
	return false
}

// Detained reports whether people are held there in custody long term:
// prisons, YOIs, secure children's homes and secure training centres. A
// move between two detained locations is a prison transfer and needs PMU.
func (t LocationType) Detained() bool {
	return t == LocPrison || t == LocYOI || t == LocSCH || t == LocSTC
}

// Region groups locations.
type Region struct {
	ID   string
	Key  string
	Name string
}

// Location is a place a move starts or ends. Code is its NOMIS-style
// agency id (for example "WYI" or "SRY016").
type Location struct {
	ID         string
	Key        string
	Title      string
	Type       LocationType
	Code       string
	RegionID   string
	Disabled   bool
	DisabledAt *time.Time
	CreatedAt  time.Time
}

// Supplier is an escort contractor.
type Supplier struct {
	ID   string
	Key  string
	Name string
}

// SupplierLocation says a supplier serves a location from one date to
// another; an empty bound is open.
type SupplierLocation struct {
	SupplierID    string
	LocationID    string
	EffectiveFrom string // YYYY-MM-DD or ""
	EffectiveTo   string // YYYY-MM-DD or ""
}

// Person is someone in custody. PNC and PrisonNumber are optional.
type Person struct {
	ID           string
	FirstNames   string
	LastName     string
	DateOfBirth  string // YYYY-MM-DD
	Gender       string
	Ethnicity    string
	PNC          string // as entered, upper-cased, e.g. "2008/0123456P"
	PrisonNumber string // e.g. "A1234BC"
	CreatedAt    time.Time
	CreatedBy    string
	UpdatedAt    time.Time
	UpdatedBy    string
}

// FullName is "First Last".
func (p Person) FullName() string { return p.FirstNames + " " + p.LastName }

// FlagCategory groups profile flags.
type FlagCategory string

const (
	FlagRisk   FlagCategory = "risk"
	FlagHealth FlagCategory = "health"
	FlagCourt  FlagCategory = "court"
)

// Flag is one answer on a profile: a risk, health or court matter, with
// optional details.
type Flag struct {
	Category FlagCategory `json:"category"`
	Key      string       `json:"key"`
	Details  string       `json:"details,omitempty"`
}

// Profile is the person's information for one move.
type Profile struct {
	ID        string
	PersonID  string
	Flags     []Flag
	CreatedAt time.Time
	CreatedBy string
}

// Move is a request to take a person from one location to another, with
// the state its event log gives it.
type Move struct {
	ID           string
	Reference    string
	Status       Status
	MoveType     MoveType
	FromID       string
	ToID         string // empty for prison_recall and video_remand without a destination
	Date         string // YYYY-MM-DD; empty for a proposed move not yet approved
	DateFrom     string // proposed window, YYYY-MM-DD
	DateTo       string
	TimeDue      *time.Time
	Notes        string // additional information
	SupplierID   string
	ProfileID    string
	PersonID     string
	Cancellation Cancellation
	OriginalID   string // the move this one was rebooked from
	Lockout      bool
	// AllocationID is the allocation the move is a place of; such a move
	// may have no person yet (PersonID and ProfileID empty).
	AllocationID string
	MoveAgreed   *bool // whether the receiving prison agreed, for allocation moves
	MoveAgreedBy string
	// Details are what only some types of move carry (move_details.go).
	Details   MoveDetails
	Version   int64 // bumped on every change; used for optimistic checks
	CreatedAt time.Time
	CreatedBy string
	UpdatedAt time.Time
	UpdatedBy string
}

// Cancellation records why a move was cancelled or rejected.
type Cancellation struct {
	Reason          string // a CancellationReason; "rejected" for rejections
	Comment         string
	RejectionReason string
	Rebook          bool
}

// Active reports whether the move counts for duplicate detection: not
// proposed and not cancelled.
func (m Move) Active() bool { return m.Status != StatusProposed && m.Status != StatusCancelled }
