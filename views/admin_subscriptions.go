package views

import "github.com/securemove/securemove/views/govuk"

// subscriptionSupplierItems offers the suppliers a subscription may be for.
func subscriptionSupplierItems(sps []AdminSupplierChoice) []govuk.RadiosItem {
	items := make([]govuk.RadiosItem, 0, len(sps))
	for _, s := range sps {
		items = append(items, govuk.RadiosItem{Value: s.Key, Text: s.Name})
	}
	return items
}

// orNone shows "None" for an empty value.
func orNone(s string) string {
	if s == "" {
		return "None"
	}
	return s
}

// plural picks the word for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// emailOffText says why a subscription's address gets nothing.
const emailOffText = "Nothing is sent to this address: this server has no e-mail (SMTP) configured."

// emailHint is the e-mail address question's hint.
func emailHint(off bool) string {
	if off {
		return "A short e-mail naming the move is sent here once this server has e-mail (SMTP) configured; it has none now."
	}
	return "A short e-mail naming the move is also sent here."
}
