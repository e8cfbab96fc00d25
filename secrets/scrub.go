package secrets

import (
	"regexp"
	"strings"
)

// Redacted replaces a credential in scrubbed text.
const Redacted = "[redacted]"

// credentialPatterns match text that looks like a credential, in what
// providers echo back: bearer tokens, key=value pairs, the key formats of
// the providers the engine calls, long hex or base64url tokens. Group 1,
// when present, is kept (the name of the credential).
var credentialPatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?i)((?:authorization|proxy-authorization)["']?\s*[:=]\s*["']?(?:bearer|basic|token)?\s*)[^\s"',;}]+`),
	regexp.MustCompile(`(?i)(\b(?:bearer|basic|token)\s+)[A-Za-z0-9._~+/=-]{8,}`),
	regexp.MustCompile(`(?i)((?:api[_-]?key|apikey|x-api-key|xi-api-key|access[_-]?token|auth[_-]?token|secret|password|passwd|client[_-]?secret|key|token)["']?\s*[:=]\s*["']?)[^\s"'&,;}]{6,}`),
	regexp.MustCompile(`\b(?:sk|pk|rk)-[A-Za-z0-9_-]{12,}`),                                                                                               // OpenAI, Anthropic (sk-ant-…), Cartesia
	regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{30,}`),                                                                                                        // Google (Gemini)
	regexp.MustCompile(`\bgsk_[0-9A-Za-z]{20,}`),                                                                                                          // Groq
	regexp.MustCompile(`\bxai-[0-9A-Za-z]{20,}`),                                                                                                          // xAI
	regexp.MustCompile(`\b[0-9a-fA-F]{32,}\b`),                                                                                                            // Deepgram, ElevenLabs, Twilio tokens
	regexp.MustCompile(`\b[A-Za-z0-9_-]*[0-9][A-Za-z0-9_-]*[A-Za-z][A-Za-z0-9_-]{38,}\b|\b[A-Za-z0-9_-]*[A-Za-z][A-Za-z0-9_-]*[0-9][A-Za-z0-9_-]{38,}\b`), // long mixed tokens
}

// Scrub removes from text (a provider's error, which may echo a request)
// every one of keys and anything else that looks like a credential.
func Scrub(text string, keys ...string) string {
	for _, k := range keys {
		if len(k) >= 4 {
			text = strings.ReplaceAll(text, k, Redacted)
		}
	}
	for _, p := range credentialPatterns {
		if p.NumSubexp() > 0 {
			text = p.ReplaceAllString(text, "${1}"+Redacted)
		} else {
			text = p.ReplaceAllString(text, Redacted)
		}
	}
	return text
}
