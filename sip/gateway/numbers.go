package gateway

import (
	"strings"

	"github.com/emiago/sipgo/sip"
)

// e164 reads a SIP URI's user part as an E.164 number: +digits, or digits
// alone (trunks often leave the plus out) when there are 8 to 15; visual
// separators are dropped. Anything else is "".
func e164(u sip.Uri) string {
	user := u.User
	if i := strings.IndexByte(user, ';'); i >= 0 { // tel-URI parameters in the user part
		user = user[:i]
	}
	plus := strings.HasPrefix(user, "+")
	var b strings.Builder
	for _, r := range strings.TrimPrefix(user, "+") {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '-' || r == '.' || r == '(' || r == ')' || r == ' ':
		default:
			return ""
		}
	}
	d := b.String()
	switch {
	case len(d) < 2 || len(d) > 15 || d[0] == '0':
		return ""
	case !plus && len(d) < 8:
		return ""
	}
	return "+" + d
}
