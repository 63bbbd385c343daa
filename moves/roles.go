package moves

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Role is what a user does, and so what they may see and do here.
type Role string

// Roles, as DOMAIN.md's "Who uses it" table names them.
const (
	RolePMU      Role = "pmu"
	RoleOCA      Role = "oca"
	RolePolice   Role = "police"
	RolePrison   Role = "prison"
	RoleCourt    Role = "court"
	RoleSupplier Role = "supplier"
	RoleAdmin    Role = "admin"
)

// Roles lists every role, in the order forms offer them.
var Roles = []Role{RolePMU, RoleOCA, RolePolice, RolePrison, RoleCourt, RoleSupplier, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return containsRole(Roles, r) }

func containsRole(list []Role, r Role) bool {
	for _, v := range list {
		if v == r {
			return true
		}
	}
	return false
}

// roleInfo is what the service says and requires of each role.
type roleInfo struct {
	label, hint string
	// kinds are the types of location the role's users must hold at least
	// one of; nil when the role holds none or any.
	kinds     []LocationType
	kindWords string
}

var roleInfos = map[Role]roleInfo{
	RolePMU: {label: "Population Management Unit (PMU)",
		hint: "Sees every move, reviews prison transfers, and may cancel and redirect moves"},
	RoleOCA: {label: "Allocation staff at a prison (OCA)",
		hint:      "Fills allocations from their prisons with people, and follows their prisons' moves",
		kinds:     []LocationType{LocPrison, LocYOI, LocSCH, LocSTC},
		kindWords: "An allocation user's locations must be prisons, young offender institutions, secure children's homes or secure training centres"},
	RolePolice: {label: "Police custody suite staff",
		hint:      "Requests and follows moves from their police custody suites",
		kinds:     []LocationType{LocPolice},
		kindWords: "A police user's locations must be police custody suites"},
	RolePrison: {label: "Prison staff",
		hint:      "Requests and follows moves from their prisons, young offender institutions and secure homes",
		kinds:     []LocationType{LocPrison, LocYOI, LocSCH, LocSTC},
		kindWords: "A prison user's locations must be prisons, young offender institutions, secure children's homes or secure training centres"},
	RoleCourt: {label: "Court staff",
		hint:      "Follows moves to and from their courts, without changing them",
		kinds:     []LocationType{LocCourt},
		kindWords: "A court user's locations must be courts"},
	RoleSupplier: {label: "Escort supplier staff",
		hint: "Follows the moves their supplier carries out"},
	RoleAdmin: {label: "Service administrator",
		hint: "Manages users, locations, suppliers and API clients"},
}

// Label names a role for people, or returns it as it is when unknown.
func (r Role) Label() string {
	if i, ok := roleInfos[r]; ok {
		return i.label
	}
	return string(r)
}

// Hint says in one sentence what a role's users do.
func (r Role) Hint() string { return roleInfos[r].hint }

// LocationKinds lists the types of location a role's users hold, for the
// roles that must hold at least one. PMU may hold any (to choose from);
// suppliers and administrators hold none.
func (r Role) LocationKinds() []LocationType {
	return append([]LocationType(nil), roleInfos[r].kinds...)
}

// HoldsLocations reports whether users of the role hold locations.
func (r Role) HoldsLocations() bool { return r == RolePMU || roleInfos[r].kinds != nil }

// CheckLocationKind says what is wrong with giving a user of the role a
// location of type t, or "" when it is one of the role's kinds.
func (r Role) CheckLocationKind(t LocationType, title string) string {
	i := roleInfos[r]
	if i.kinds == nil || containsLocType(i.kinds, t) {
		return ""
	}
	return i.kindWords + ": " + title + " is not one"
}

func containsLocType(list []LocationType, t LocationType) bool {
	for _, v := range list {
		if v == t {
			return true
		}
	}
	return false
}

// SeesEveryLocation reports whether the role works across every location
// (PMU) rather than at the ones they hold.
func (r Role) SeesEveryLocation() bool { return r == RolePMU }

// ChoosesLocation reports whether a user of the role who holds several
// locations must choose one to work at before anything else: police,
// prison and court staff. PMU may choose but need not; suppliers and
// administrators have nothing to choose.
func (r Role) ChoosesLocation() bool {
	return r == RolePolice || r == RolePrison || r == RoleCourt || r == RoleOCA
}

// Password policy: at least MinPasswordLength characters, and at most
// MaxPasswordBytes bytes, bcrypt's limit (it refuses longer ones).
const (
	MinPasswordLength = 12
	MaxPasswordBytes  = 72
)

// CheckPassword says what is wrong with a new password for the user
// username, or "" when it is acceptable.
func CheckPassword(password, username string) string {
	switch {
	case password == "":
		return "Enter a password"
	case utf8.RuneCountInString(password) < MinPasswordLength:
		return fmt.Sprintf("Password must be %d characters or more", MinPasswordLength)
	case len(password) > MaxPasswordBytes:
		return fmt.Sprintf("Password must be %d characters or fewer", MaxPasswordBytes)
	case username != "" && strings.EqualFold(strings.TrimSpace(password), strings.TrimSpace(username)):
		return "Password must not be the same as the username"
	}
	return ""
}
