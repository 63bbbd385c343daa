package handlers

import (
	"net/http"
	"strings"

	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/views"
)

// section46Applies: only moves from police custody ask about section 46
// of PACE, as upstream does.
func (j *reqJourney) section46Applies() bool { return j.from.Type == moves.LocPolice }

func reqYesNo(v string) string {
	switch v {
	case "yes":
		return "Yes"
	case "no":
		return "No"
	}
	return "Not answered"
}

func (j *reqJourney) renderSection46(value string, errs views.Errors) error {
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return serve.Render(j.c, status, views.RequestYesNoPage(views.RequestYesNo{
		Page:     j.page(reqStepSection46, "Is the person subject to section 46 of PACE?", len(errs) > 0),
		Action:   j.url(reqStepSection46),
		Name:     "s46",
		Question: "Is the person subject to section 46 of PACE?",
		Hint:     "Section 46 of the Police and Criminal Evidence Act 1984: they have been charged and must be brought before a court as soon as practicable.",
		Value:    value,
		Errors:   errs,
	}))
}

func (j *reqJourney) showSection46() error { return j.renderSection46(j.d.S46, nil) }

func (j *reqJourney) saveSection46() error {
	v := strings.TrimSpace(j.form("s46"))
	if v != "yes" && v != "no" {
		return j.renderSection46("", views.Errors{{ID: "s46", Message: "Select yes if the person is subject to section 46 of PACE"}})
	}
	j.d.S46 = v
	return j.saveOr(j.next(reqStepSection46), nil)
}
