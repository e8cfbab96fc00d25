package siptest

// reasonPhrase is the usual reason phrase of the status codes a trunk
// answers a REFER and reports its outcome with (RFC 3261 §21).
func reasonPhrase(code int) string {
	switch code {
	case 200:
		return "OK"
	case 202:
		return "Accepted"
	case 403:
		return "Forbidden"
	case 405:
		return "Method Not Allowed"
	case 480:
		return "Temporarily Unavailable"
	case 486:
		return "Busy Here"
	case 501:
		return "Not Implemented"
	case 603:
		return "Decline"
	}
	return "Status"
}
