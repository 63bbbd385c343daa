package views

import "github.com/securemove/securemove/views/govuk"

// clientSupplierItems offers each supplier, then "Internal".
func clientSupplierItems(sps []AdminSupplierChoice) []govuk.RadiosItem {
	items := make([]govuk.RadiosItem, 0, len(sps)+2)
	for _, s := range sps {
		items = append(items, govuk.RadiosItem{Value: s.Key, Text: s.Name})
	}
	return append(items, govuk.RadiosItem{Divider: "or"},
		govuk.RadiosItem{Value: "internal", Text: "Internal (no supplier)", Hint: &govuk.HintOptions{Text: "Sees every move. Only for the service's own tools."}})
}

// locationChoiceItems offers the user's locations, after "All locations"
// for PMU.
func locationChoiceItems(m ChooseLocation) []govuk.RadiosItem {
	var items []govuk.RadiosItem
	if m.AllowAll {
		items = append(items, govuk.RadiosItem{Value: "all", Text: "All locations", Checked: govuk.Bool(m.AllChecked)},
			govuk.RadiosItem{Divider: "or"})
	}
	for _, r := range m.Regions {
		items = append(items, govuk.RadiosItem{Value: r.ID, Text: r.Title, Checked: govuk.Bool(r.Checked)})
	}
	if len(m.Regions) > 0 {
		items = append(items, govuk.RadiosItem{Divider: "or"})
	}
	for _, l := range m.Locations {
		item := govuk.RadiosItem{Value: l.ID, Text: l.Title, Checked: govuk.Bool(l.Checked)}
		if l.Hint != "" {
			item.Hint = &govuk.HintOptions{Text: l.Hint}
		}
		items = append(items, item)
	}
	return items
}
