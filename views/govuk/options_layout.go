package govuk

import "github.com/a-h/templ"

// BackLinkOptions mirrors govukBackLink.
type BackLinkOptions struct {
	Href       string // default "#"
	Text       string // default "Back"
	HTML       templ.Component
	Classes    string
	Attributes templ.Attributes
}

// BreadcrumbsItem is one breadcrumb; the one without Href is the current
// page.
type BreadcrumbsItem struct {
	Text       string
	HTML       templ.Component
	Href       string
	Attributes templ.Attributes
}

// BreadcrumbsOptions mirrors govukBreadcrumbs.
type BreadcrumbsOptions struct {
	Items            []BreadcrumbsItem
	CollapseOnMobile bool
	LabelText        string // default "Breadcrumb"
	Classes          string
	Attributes       templ.Attributes
}

// PaginationLink is the previous or next link of govukPagination.
type PaginationLink struct {
	Text       string
	HTML       templ.Component
	LabelText  string
	Href       string
	Attributes templ.Attributes
}

// PaginationItem is a numbered page link, or an ellipsis.
type PaginationItem struct {
	Number             string
	VisuallyHiddenText string // default "Page <number>"
	Href               string
	Current            bool
	Ellipsis           bool
	Attributes         templ.Attributes
}

// PaginationOptions mirrors govukPagination. Without Items it renders the
// block style (previous and next only).
type PaginationOptions struct {
	Items         []PaginationItem
	Previous      *PaginationLink
	Next          *PaginationLink
	LandmarkLabel string // default "Pagination"
	Classes       string
	Attributes    templ.Attributes
}

// SkipLinkOptions mirrors govukSkipLink.
type SkipLinkOptions struct {
	Text       string
	HTML       templ.Component
	Href       string // default "#content"
	Classes    string
	Attributes templ.Attributes
}

// ServiceNavigationItem is a link (or, without Href, plain text) of the
// service navigation. Current marks the current page (aria-current="page"),
// Active the current section (aria-current="true").
type ServiceNavigationItem struct {
	Current    bool
	Active     bool
	Href       string
	Text       string
	HTML       templ.Component
	Attributes templ.Attributes
}

// ServiceNavigationSlots are HTML injection points of the service
// navigation. EndAlign "inline" puts the end slot beside the navigation.
type ServiceNavigationSlots struct {
	Start           templ.Component
	End             templ.Component
	EndAlign        string
	NavigationStart templ.Component
	NavigationEnd   templ.Component
}

// ServiceNavigationOptions mirrors govukServiceNavigation: the service
// name and the service's own navigation, shown under the header.
type ServiceNavigationOptions struct {
	ServiceName       string
	ServiceURL        string
	Navigation        []ServiceNavigationItem
	NavigationID      string // default "navigation"
	NavigationLabel   string // default MenuButtonText
	NavigationClasses string
	MenuButtonText    string // default "Menu"
	MenuButtonLabel   string
	// CollapseNavigationOnMobile defaults to "more than one item".
	CollapseNavigationOnMobile *bool
	AriaLabel                  string // default "Service information"
	Slots                      ServiceNavigationSlots
	Classes                    string
	Attributes                 templ.Attributes
}

// HeaderOptions mirrors govukHeader (v6): the GOV.UK logo only. Service
// name and navigation belong in ServiceNavigation.
type HeaderOptions struct {
	HomepageURL      string // default "//gov.uk"
	ProductName      string
	ContainerClasses string
	Classes          string
	Attributes       templ.Attributes
}

// GenericHeaderOptions mirrors govukGenericHeader: the header for services
// that are not on GOV.UK, with their own logo text or HTML.
type GenericHeaderOptions struct {
	URL              string // default "/"
	LogoText         string
	LogoHTML         templ.Component
	ContainerClasses string
	Classes          string
	Attributes       templ.Attributes
	// End is this service's addition to the macro: content after the logo
	// in the header's container (the signed-in user and "Sign out").
	End templ.Component
}

// FooterLink is a link of the footer's meta or navigation lists.
type FooterLink struct {
	Href       string
	Text       string
	Attributes templ.Attributes
}

// FooterMeta is the footer's meta section (support links and custom text).
type FooterMeta struct {
	VisuallyHiddenTitle string // default "Support links"
	Items               []FooterLink
	Text                string
	HTML                templ.Component
}

// FooterNavigation is a section of the footer's navigation.
type FooterNavigation struct {
	Title   string
	Columns int
	Width   string // grid column width, default "full"
	Items   []FooterLink
}

// FooterOptions mirrors govukFooter.
type FooterOptions struct {
	Meta       *FooterMeta
	Navigation []FooterNavigation
	// ContentLicence replaces the Open Government Licence statement.
	ContentLicence *Content
	// NoContentLicence leaves the licence out (Nunjucks: contentLicence: null).
	NoContentLicence bool
	// Copyright replaces "© Crown copyright".
	Copyright        *Content
	ContainerClasses string
	Classes          string
	Attributes       templ.Attributes
}
