package handlers

import (
	"net/http"

	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/views"
)

// reqSpecialVehicle is the health box for "Does this person need to
// travel in a special vehicle?".
const reqSpecialVehicle = "special_vehicle"

// reqVehicleNeed says why the person may need a special vehicle: ticked
// outright, or (as upstream assumes) because they are pregnant or use a
// wheelchair; "" when neither.
func (d *reqDraft) reqVehicleNeed() string {
	switch {
	case d.hasFlag("h", reqSpecialVehicle):
		return "You said this person needs to travel in a special vehicle."
	case d.hasFlag("h", "pregnant"), d.hasFlag("h", "wheelchair"):
		return "A person who is pregnant or uses a wheelchair usually needs to travel in a special vehicle."
	}
	return ""
}

// showSpecialVehicle interrupts the journey when the person needs a
// special vehicle: the supplier cannot send one unless it is arranged
// with them, so the user is told what to do before going on.
func (j *reqJourney) showSpecialVehicle() error {
	m := views.RequestInterruption{
		Page:    j.page(reqStepSpecialVehicle, "This person needs a special vehicle", false),
		Heading: "This person needs a special vehicle",
		Lines: []string{
			j.d.reqVehicleNeed(),
			"The supplier does not send a special vehicle unless it is arranged with them.",
			"After you request this move, call the supplier's booking line to arrange the vehicle, and say what the person needs in the health details.",
			"If the move is urgent and no vehicle can be found, contact the Population Management Unit (PMU).",
		},
		Continue: j.next(reqStepHealth),
	}
	m.Page.Back = &views.Link{Text: "Back", Href: j.url(reqStepHealth)}
	return serve.Render(j.c, http.StatusOK, views.RequestInterruptionPage(m))
}

// saveSpecialVehicle has nothing to save: the page only tells; a POST
// goes on as its link does.
func (j *reqJourney) saveSpecialVehicle() error {
	return serve.Redirect(j.c, j.next(reqStepHealth))
}
