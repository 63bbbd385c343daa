package govuk

import (
	"context"
	"io"
	"strings"

	"github.com/a-h/templ"
)

func buttonClasses(o ButtonOptions) string {
	return cls("govuk-button", o.Classes, ifThen(o.IsStartButton, "govuk-button--start"))
}

// summaryListAnyActions reports whether any row has actions, in which case
// rows without actions get the --no-actions modifier.
func summaryListAnyActions(o SummaryListOptions) bool {
	for _, row := range o.Rows {
		if row.Actions != nil && len(row.Actions.Items) > 0 {
			return true
		}
	}
	return false
}

func summaryCardTitle(o SummaryListOptions) *SummaryCardTitle {
	if o.Card == nil {
		return nil
	}
	return o.Card.Title
}

func panelIsInterruption(o PanelOptions) bool {
	return strings.Contains(o.Classes, "govuk-panel--interruption")
}

func notificationBannerRole(o NotificationBannerOptions) string {
	switch {
	case o.Role != "":
		return o.Role
	case o.Type == "success":
		return "alert"
	default:
		return "region"
	}
}

func notificationBannerTitle(o NotificationBannerOptions) templ.Component {
	switch {
	case o.TitleHTML != nil:
		return o.TitleHTML
	case o.TitleText != "":
		return textOrHTML(o.TitleText, nil)
	case o.Type == "success":
		return textOrHTML("Success", nil)
	default:
		return textOrHTML("Important", nil)
	}
}

func tabPanelID(o TabsOptions, item TabsItem, index int) string {
	if item.ID != "" {
		return item.ID
	}
	return o.IDPrefix + "-" + itoa(index)
}

// summaryListActionHiddenText writes an action's visually hidden text,
// " <visuallyHiddenText> (<card title>)", with exactly those spaces.
func summaryListActionHiddenText(vht string, cardTitle *SummaryCardTitle) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if vht != "" {
			if _, err := io.WriteString(w, " "+templ.EscapeString(vht)); err != nil {
				return err
			}
		}
		if cardTitle == nil {
			return nil
		}
		if _, err := io.WriteString(w, " ("); err != nil {
			return err
		}
		if err := textOrHTML(cardTitle.Text, cardTitle.HTML).Render(ctx, w); err != nil {
			return err
		}
		_, err := io.WriteString(w, ")")
		return err
	})
}
