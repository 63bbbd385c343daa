package govuk

import "github.com/a-h/templ"

// ButtonOptions mirrors govukButton. With Href it renders a link styled as
// a button. Secondary and warning buttons are Classes
// "govuk-button--secondary" and "govuk-button--warning".
type ButtonOptions struct {
	Text     string
	HTML     templ.Component
	Name     string
	Type     string // default "submit"
	Value    string
	ID       string
	Href     string
	Disabled bool
	// PreventDoubleClick sets data-prevent-double-click when not nil.
	PreventDoubleClick *bool
	IsStartButton      bool
	Classes            string
	Attributes         templ.Attributes
}

// ErrorItem is one entry of an error summary's list: a message and the
// href (usually "#<field id>") of the field in error.
type ErrorItem struct {
	Text       string
	Href       string
	HTML       templ.Component
	Attributes templ.Attributes
}

// ErrorSummaryOptions mirrors govukErrorSummary.
type ErrorSummaryOptions struct {
	TitleText       string
	TitleHTML       templ.Component
	DescriptionText string
	DescriptionHTML templ.Component
	ErrorList       []ErrorItem
	// DisableAutoFocus sets data-disable-auto-focus when not nil.
	DisableAutoFocus *bool
	Classes          string
	Attributes       templ.Attributes
}

// SummaryListCell is the key or value of a summary list row.
type SummaryListCell struct {
	Text    string
	HTML    templ.Component
	Classes string
}

// SummaryListAction is an action link of a summary list row or card.
type SummaryListAction struct {
	Href               string
	Text               string
	HTML               templ.Component
	VisuallyHiddenText string
	Classes            string
	Attributes         templ.Attributes
}

// SummaryListActions is the actions option of a row or card.
type SummaryListActions struct {
	Items   []SummaryListAction
	Classes string
}

// SummaryListRow is one row of govukSummaryList.
type SummaryListRow struct {
	Key     SummaryListCell
	Value   SummaryListCell
	Actions *SummaryListActions
	Classes string
}

// SummaryCardTitle is the title of a summary card.
type SummaryCardTitle struct {
	Text         string
	HTML         templ.Component
	HeadingLevel int // default 2
	Classes      string
}

// SummaryCardOptions turns a summary list into a summary card.
type SummaryCardOptions struct {
	Title      *SummaryCardTitle
	Actions    *SummaryListActions
	Classes    string
	Attributes templ.Attributes
}

// SummaryListOptions mirrors govukSummaryList.
type SummaryListOptions struct {
	Rows       []SummaryListRow
	Card       *SummaryCardOptions
	Classes    string
	Attributes templ.Attributes
}

// TableCell is a cell of govukTable's head or rows. Format "numeric"
// right-aligns it. Sortable headers set aria-sort through Attributes.
type TableCell struct {
	Text       string
	HTML       templ.Component
	Format     string
	Classes    string
	Colspan    int
	Rowspan    int
	Attributes templ.Attributes
}

// TableOptions mirrors govukTable.
type TableOptions struct {
	Rows              [][]TableCell
	Head              []TableCell
	Caption           string
	CaptionClasses    string
	FirstCellIsHeader bool
	Classes           string
	Attributes        templ.Attributes
}

// TagOptions mirrors govukTag.
type TagOptions struct {
	Text       string
	HTML       templ.Component
	Classes    string
	Attributes templ.Attributes
}

// PanelAction is an action of an interruption panel: a button (Type
// "button" or "submit", or no Href) or a link.
type PanelAction struct {
	Text       string
	Href       string
	Type       string
	Classes    string
	Attributes templ.Attributes
}

// PanelActions is the actions option of govukPanel (interruption panels).
type PanelActions struct {
	Items      []PanelAction
	Classes    string
	Attributes templ.Attributes
}

// PanelOptions mirrors govukPanel.
type PanelOptions struct {
	TitleText    string
	TitleHTML    templ.Component
	HeadingLevel int // default 1
	Text         string
	HTML         templ.Component
	Actions      *PanelActions
	Classes      string
	Attributes   templ.Attributes
}

// NotificationBannerOptions mirrors govukNotificationBanner. Type
// "success" gives the green banner with role="alert".
type NotificationBannerOptions struct {
	Text              string
	HTML              templ.Component
	TitleText         string
	TitleHTML         templ.Component
	TitleHeadingLevel int // default 2
	Type              string
	Role              string
	TitleID           string
	DisableAutoFocus  *bool
	Classes           string
	Attributes        templ.Attributes
}

// InsetTextOptions mirrors govukInsetText.
type InsetTextOptions struct {
	ID         string
	Text       string
	HTML       templ.Component
	Classes    string
	Attributes templ.Attributes
}

// WarningTextOptions mirrors govukWarningText.
type WarningTextOptions struct {
	Text             string
	HTML             templ.Component
	IconFallbackText string // default "Warning"
	Classes          string
	Attributes       templ.Attributes
}

// DetailsOptions mirrors govukDetails.
type DetailsOptions struct {
	ID          string
	SummaryText string
	SummaryHTML templ.Component
	Text        string
	HTML        templ.Component
	Open        bool
	Classes     string
	Attributes  templ.Attributes
}

// TabsPanel is the panel of a tab.
type TabsPanel struct {
	Text       string
	HTML       templ.Component
	Attributes templ.Attributes
}

// TabsItem is one tab of govukTabs.
type TabsItem struct {
	ID         string
	Label      string
	Attributes templ.Attributes
	Panel      TabsPanel
}

// TabsOptions mirrors govukTabs.
type TabsOptions struct {
	ID         string
	IDPrefix   string
	Title      string // default "Contents"
	Items      []TabsItem
	Classes    string
	Attributes templ.Attributes
}
