package auth

import "fmt"

// Role is what a user may do in their organization (Burki's roles: admins,
// members, viewers):
//
//	                                         admin  user  viewer
//	read assistants, calls, numbers, logs      ✓     ✓      ✓
//	change assistants, numbers; place calls    ✓     ✓      –
//	organization settings, API keys, audit     ✓     –      –
//
// Secrets read back masked for every role.
type Role string

// The roles.
const (
	RoleAdmin  Role = "admin"
	RoleUser   Role = "user"
	RoleViewer Role = "viewer"
)

// ParseRole checks a role's name.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleAdmin, RoleUser, RoleViewer:
		return r, nil
	}
	return "", fmt.Errorf("auth: unknown role %q: admin, user or viewer", s)
}

// CanChange reports whether the role may change anything at all.
func (r Role) CanChange() bool { return r == RoleAdmin || r == RoleUser }
