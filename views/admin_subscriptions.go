package views

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
