// Package phone checks telephone numbers.
package phone

// E164Pattern is IsE164 as a regular expression, for schemas.
const E164Pattern = `^\+[1-9][0-9]{1,14}$`

// IsE164 reports whether s is an E.164 number: a plus, a non-zero digit,
// and at most fifteen digits in all.
func IsE164(s string) bool {
	if len(s) < 3 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
