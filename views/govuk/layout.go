package govuk

// paginationBlock reports whether pagination uses the block style: only
// previous and next links, no numbered items.
func paginationBlock(o PaginationOptions) bool {
	return len(o.Items) == 0 && (o.Next != nil || o.Previous != nil)
}

func paginationItemEmpty(item PaginationItem) bool {
	return item.Number == "" && item.Href == "" && !item.Ellipsis && !item.Current &&
		item.VisuallyHiddenText == "" && len(item.Attributes) == 0
}

func serviceNavigationCollapse(o ServiceNavigationOptions) bool {
	if o.CollapseNavigationOnMobile != nil {
		return *o.CollapseNavigationOnMobile
	}
	return len(o.Navigation) > 1
}

func serviceNavigationCurrent(item ServiceNavigationItem) string {
	if item.Current {
		return "page"
	}
	return "true"
}
