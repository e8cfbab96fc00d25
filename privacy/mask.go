// Package privacy carries out GDPR mode (privacy_settings.gdpr_mode): the
// caller's number is masked wherever the call is described, and what was
// said is deleted once the call's analysis and webhooks are done with it.
package privacy

import "strings"

// Mask keeps a phone number's last three digits: enough for a person to
// tell their own calls apart, too little to call anyone back.
func Mask(number string) string {
	if len(number) <= 3 {
		return strings.Repeat("*", len(number))
	}
	return strings.Repeat("*", len(number)-3) + number[len(number)-3:]
}

// Parties masks the customer's side of a call: From of an inbound call,
// To of an outbound one. The assistant's own number stays as it is.
func Parties(direction, from, to string) (string, string) {
	if direction == "outbound" {
		return from, Mask(to)
	}
	return Mask(from), to
}
