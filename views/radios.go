package views

import "strconv"

// radioID gives GOV.UK's ids for radio and checkbox items: the first item
// takes the bare prefix (so an error summary link lands on it), the rest
// "<prefix>-2", "<prefix>-3", ….
func radioID(prefix string, i int, shifted bool) string {
	n := i + 1
	if shifted {
		n++
	}
	if n == 1 {
		return prefix
	}
	return prefix + "-" + strconv.Itoa(n)
}

// RadioID is radioID for other packages' templates.
func RadioID(prefix string, i int) string { return radioID(prefix, i, false) }
