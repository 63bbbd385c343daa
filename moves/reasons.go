package moves

import (
	"slices"
	"strings"
)

// CancellationReasons is every reason a MoveCancel may give, in the order
// a list should show them.
//
// It is the union of two sources. The seed's catalogue allows only
// made_in_error, supplier_declined_to_move, cancelled_by_pmu, rejected and
// other, but the staff screens offer the finer reasons of upstream's active
// list (different ones for prison transfers and for everything else, see
// CancellationReasonsFor), and the browser records the same MoveCancel
// events as the API. So the API must accept those too, and an integration
// written against the seed keeps working. Upstream's legacy reasons that
// the seed does not list (database_correction, incomplete_per, …) are not
// accepted for new events.
var CancellationReasons = []string{
	"made_in_error",
	"supplier_declined_to_move",
	"cancelled_by_pmu",
	"rejected",
	"other",
	"allocation_cancelled",
	"case_not_court_ready",
	"combined_with_another_request",
	"court_closure",
	"court_no_capacity",
	"court_not_dda_compliant",
	"incorrect_collection_location",
	"incorrect_final_location",
	"list_received_after_5_pm",
	"operational_issues_prison",
	"police_transported_prisoner",
	"prison_transported_prisoner",
	"prisoner_no_longer_required",
	"prisoner_refusal",
	"prisoner_to_be_released_on_bail",
	"prisoner_unfit_to_travel",
	"ptr_unachievable",
	"receiver_unable_to_accept_prisoner",
	"sender_unable_to_fulfil_draft",
	"sender_cancelled_request",
	"supplier_no_resource",
	"tornado_event",
	"unsuitable_vehicle",
	"video_link_to_be_used",
}

// CancellationReasonLabels gives each cancellation reason in plain English.
var CancellationReasonLabels = map[string]string{
	"made_in_error":                      "Made in error",
	"supplier_declined_to_move":          "Supplier declined to move the person",
	"cancelled_by_pmu":                   "Cancelled by the Population Management Unit (PMU)",
	"rejected":                           "Rejected",
	"other":                              "Another reason",
	"allocation_cancelled":               "The allocation was cancelled",
	"case_not_court_ready":               "Case not ready for court",
	"combined_with_another_request":      "Combined with another request",
	"court_closure":                      "Court closed",
	"court_no_capacity":                  "Court has no room for this request",
	"court_not_dda_compliant":            "Court does not meet the person's access needs",
	"incorrect_collection_location":      "Wrong pick-up location",
	"incorrect_final_location":           "Wrong destination",
	"list_received_after_5_pm":           "Court list arrived after 5pm",
	"operational_issues_prison":          "Operational problems at the prison",
	"police_transported_prisoner":        "Police moved the person themselves",
	"prison_transported_prisoner":        "Prison moved the person themselves",
	"prisoner_no_longer_required":        "Person no longer needed at court",
	"prisoner_refusal":                   "Person refused to move",
	"prisoner_to_be_released_on_bail":    "Person to be released on bail",
	"prisoner_unfit_to_travel":           "Person not fit to travel",
	"ptr_unachievable":                   "Prisoner transfer request cannot be met",
	"receiver_unable_to_accept_prisoner": "Receiving location cannot take the person",
	"sender_unable_to_fulfil_draft":      "Sending prison cannot fill the draft",
	"sender_cancelled_request":           "Sending location withdrew the request",
	"supplier_no_resource":               "Supplier has no vehicle or staff for this move",
	"tornado_event":                      "Operation Tornado takes priority",
	"unsuitable_vehicle":                 "Wrong kind of vehicle booked",
	"video_link_to_be_used":              "Video link to be used instead",
}

var prisonTransferCancellationReasons = []string{
	"combined_with_another_request",
	"operational_issues_prison",
	"tornado_event",
	"cancelled_by_pmu",
	"prisoner_refusal",
	"receiver_unable_to_accept_prisoner",
	"sender_unable_to_fulfil_draft",
	"sender_cancelled_request",
	"supplier_no_resource",
	"other",
}

var otherCancellationReasons = []string{
	"case_not_court_ready",
	"court_closure",
	"court_no_capacity",
	"court_not_dda_compliant",
	"list_received_after_5_pm",
	"incorrect_collection_location",
	"incorrect_final_location",
	"police_transported_prisoner",
	"prison_transported_prisoner",
	"prisoner_refusal",
	"prisoner_to_be_released_on_bail",
	"ptr_unachievable",
	"prisoner_no_longer_required",
	"prisoner_unfit_to_travel",
	"receiver_unable_to_accept_prisoner",
	"supplier_no_resource",
	"unsuitable_vehicle",
	"video_link_to_be_used",
	"other",
}

// CancellationReasonsFor is what a person may choose when cancelling a
// move of type t in the browser: prison transfers are cancelled for
// capacity and prison reasons, every other type for court and police ones.
// "other" ends both lists so that nobody is stuck without a fitting
// reason. Every key is also in CancellationReasons.
func CancellationReasonsFor(t MoveType) []string {
	if t == PrisonTransfer {
		return append([]string(nil), prisonTransferCancellationReasons...)
	}
	return append([]string(nil), otherCancellationReasons...)
}

// RejectionReasons is why PMU may reject a move. The seed lists the first
// two; upstream and its review screen add more_info_required.
var RejectionReasons = []string{"no_space_at_receiving_prison", "no_transport_available", "more_info_required"}

// RejectionReasonLabels gives each rejection reason in plain English.
var RejectionReasonLabels = map[string]string{
	"no_space_at_receiving_prison": "No space at the receiving prison",
	"no_transport_available":       "No transport available for this move",
	"more_info_required":           "More information is needed",
}

// RedirectReasons is why a move may be sent somewhere else.
var RedirectReasons = []string{"no_space", "serious_incident", "covid", "receiving_prison_request", "force_majeure", "other"}

// RedirectReasonLabels gives each redirect reason in plain English.
var RedirectReasonLabels = map[string]string{
	"no_space":                 "No space at the destination",
	"serious_incident":         "Serious incident",
	"covid":                    "COVID-19",
	"receiving_prison_request": "The receiving prison asked for it",
	"force_majeure":            "Events beyond anyone's control",
	"other":                    "Another reason",
}

// LockoutReasons is why a vehicle may be locked out of a location.
var LockoutReasons = []string{
	"no_space",
	"unachievable_redirection",
	"late_sitting_court",
	"unavailable_resource_vehicle_or_staff",
	"traffic_issues",
	"mechanical_or_other_vehicle_failure",
	"ineffective_route_planning",
	"unachievable_ptr_request",
	"other",
}

// LockoutReasonLabels gives each lockout reason in plain English.
var LockoutReasonLabels = map[string]string{
	"no_space":                              "No space at the location",
	"unachievable_redirection":              "A redirection could not be carried out",
	"late_sitting_court":                    "The court sat late",
	"unavailable_resource_vehicle_or_staff": "No vehicle or staff available",
	"traffic_issues":                        "Traffic problems",
	"mechanical_or_other_vehicle_failure":   "The vehicle broke down or failed",
	"ineffective_route_planning":            "Poor route planning",
	"unachievable_ptr_request":              "A prisoner transfer request could not be met",
	"other":                                 "Another reason",
}

// LodgingReasons is why a person may lodge somewhere overnight.
var LodgingReasons = []string{"overnight_lodging", "lockout", "operation_hmcts", "court_cells", "operation_tornado", "operation_safeguard", "other"}

// LodgingReasonLabels gives each lodging reason in plain English.
var LodgingReasonLabels = map[string]string{
	"overnight_lodging":   "Planned overnight lodging",
	"lockout":             "Locked out of the destination",
	"operation_hmcts":     "Operation HMCTS",
	"court_cells":         "Court cells",
	"operation_tornado":   "Operation Tornado",
	"operation_safeguard": "Operation Safeguard",
	"other":               "Another reason",
}

// VehicleTypes is the kinds of escort vehicle.
var VehicleTypes = []string{"c4", "pro_cab", "mpv", "2_cell", "3_cell", "6_cell", "12_cell"}

// VehicleTypeLabels names each kind of escort vehicle.
var VehicleTypeLabels = map[string]string{
	"c4":      "C4 car",
	"pro_cab": "Pro cab",
	"mpv":     "People carrier (MPV)",
	"2_cell":  "2-cell van",
	"3_cell":  "3-cell van",
	"6_cell":  "6-cell van",
	"12_cell": "12-cell van",
}

// Authorisers is who may authorise a lockout or an operation.
var Authorisers = []string{"PMU", "CDM", "Other"}

// AuthoriserLabels names each authoriser.
var AuthoriserLabels = map[string]string{
	"PMU":   "Population Management Unit (PMU)",
	"CDM":   "Contract delivery manager (CDM)",
	"Other": "Someone else",
}

// DateChangedReasons is why a move's date may change. Upstream's staff
// screen offers these for prison transfers without publishing the keys;
// they reuse the cancellation keys where the meaning carries over.
var DateChangedReasons = []string{
	"combined_with_another_request",
	"operational_issues_prison",
	"tornado_event",
	"pmu_amended_date",
	"prisoner_refusal",
	"receiver_unable_to_accept_prisoner",
	"sender_unable_to_fulfil_draft",
	"sender_cancelled_request",
	"supplier_no_resource",
	"other",
}

// DateChangedReasonLabels gives each date-change reason in plain English.
var DateChangedReasonLabels = map[string]string{
	"combined_with_another_request":      "Combined with another request",
	"operational_issues_prison":          "Operational problems at the prison",
	"tornado_event":                      "Operation Tornado takes priority",
	"pmu_amended_date":                   "The Population Management Unit (PMU) changed the date",
	"prisoner_refusal":                   "Person refused to move",
	"receiver_unable_to_accept_prisoner": "Receiving location cannot take the person",
	"sender_unable_to_fulfil_draft":      "Sending prison cannot fill the draft",
	"sender_cancelled_request":           "Sending location changed its request",
	"supplier_no_resource":               "Supplier has no vehicle or staff on the first date",
	"other":                              "Another reason",
}

// FaultClassifications is the finding of who was at fault for an incident.
var FaultClassifications = []string{"was_not_supplier", "supplier", "investigation"}

// FaultClassificationLabels gives each finding in plain English.
var FaultClassificationLabels = map[string]string{
	"was_not_supplier": "Not the supplier's fault",
	"supplier":         "The supplier's fault",
	"investigation":    "Under investigation",
}

// MoveTypeLabels names each move type.
var MoveTypeLabels = map[string]string{
	string(CourtAppearance):  "Court appearance",
	string(CourtOther):       "Other court move",
	string(Hospital):         "Hospital",
	string(PoliceTransfer):   "Police transfer",
	string(PrisonRecall):     "Prison recall",
	string(PrisonRemand):     "Prison remand",
	string(PrisonTransfer):   "Prison transfer",
	string(VideoRemand):      "Video remand",
	string(ApprovedPremises): "Approved premises",
	string(Extradition):      "Extradition",
}

// StatusLabels names each status.
var StatusLabels = map[string]string{
	string(StatusProposed):  "Proposed",
	string(StatusRequested): "Requested",
	string(StatusBooked):    "Booked",
	string(StatusInTransit): "In transit",
	string(StatusCompleted): "Completed",
	string(StatusCancelled): "Cancelled",
}

// LocationTypeLabels names each location type.
var LocationTypeLabels = map[string]string{
	string(LocPolice):               "Police custody suite",
	string(LocCourt):                "Court",
	string(LocPrison):               "Prison",
	string(LocYOI):                  "Young offender institution",
	string(LocHospital):             "Hospital",
	string(LocHighSecurityHospital): "High security hospital",
	string(LocSCH):                  "Secure children's home",
	string(LocSTC):                  "Secure training centre",
	string(LocApprovedPremises):     "Approved premises",
}

// Label returns key's label from labels. A key without a label (an old
// value still in the database) still reads as words: "court_closure"
// becomes "Court closure".
func Label(labels map[string]string, key string) string {
	if l, ok := labels[key]; ok {
		return l
	}
	return Humanize(key)
}

// Humanize turns a snake_case key into a sentence-case phrase.
func Humanize(key string) string {
	s := strings.TrimSpace(strings.ReplaceAll(key, "_", " "))
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Label returns the plain-English name of a status.
func (s Status) Label() string { return Label(StatusLabels, string(s)) }

// Label returns the plain-English name of a move type.
func (t MoveType) Label() string { return Label(MoveTypeLabels, string(t)) }

// Label returns the plain-English name of a location type.
func (t LocationType) Label() string { return Label(LocationTypeLabels, string(t)) }

// FlagKeys lists the profile questions for each category, in the order a
// form asks them.
var FlagKeys = map[FlagCategory][]string{
	FlagCourt:  {"solicitor", "interpreter", "other_court"},
	FlagRisk:   {"violent", "escape", "hold_separately", "self_harm", "concealed_items", "other_risks"},
	FlagHealth: {"special_vehicle", "special_diet_or_allergy", "health_issue", "medication", "wheelchair", "pregnant", "other_health"},
}

// AnswerKeys are the questions a profile answer may give through the API
// for each category: the staff forms' (FlagKeys) and upstream's risk
// questions its own forms ask elsewhere or take from NOMIS alerts
// (civil_disorder; not_to_be_released, the release-status page's), so a
// client built against upstream is not refused a question upstream takes.
var AnswerKeys = map[FlagCategory][]string{
	FlagCourt:  FlagKeys[FlagCourt],
	FlagRisk:   append(slices.Clone(FlagKeys[FlagRisk]), "civil_disorder", "not_to_be_released"),
	FlagHealth: FlagKeys[FlagHealth],
}

// FlagLabels names each profile flag.
var FlagLabels = map[string]string{
	"solicitor":               "Solicitor",
	"interpreter":             "Interpreter",
	"other_court":             "Other court information",
	"violent":                 "Violent",
	"escape":                  "Escape risk",
	"hold_separately":         "Must be held separately",
	"self_harm":               "Self-harm",
	"concealed_items":         "Concealed items",
	"other_risks":             "Other risks",
	"civil_disorder":          "Civil disorder",
	"not_to_be_released":      "Not to be released",
	"special_vehicle":         "Needs to travel in a special vehicle",
	"pace_section_46":         "Subject to PACE section 46",
	"special_diet_or_allergy": "Special diet or allergy",
	"health_issue":            "Health issue",
	"medication":              "Medication",
	"wheelchair":              "Wheelchair user",
	"pregnant":                "Pregnant",
	"other_health":            "Other health needs",
}

// Label names a flag; an unknown key still reads as words.
func (f Flag) Label() string { return Label(FlagLabels, f.Key) }
