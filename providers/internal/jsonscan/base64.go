package jsonscan

import "encoding/base64"

// Base64 reads a string of standard base64, the services' audio, and
// decodes it into dst's storage, growing it if needed. A bad encoding is
// returned rather than recorded: the message's shape is still good, and
// the caller reports it as bad audio.
func (s *Scanner) Base64(dst []byte) ([]byte, error) {
	raw := s.Str()
	n := base64.StdEncoding.DecodedLen(len(raw))
	if cap(dst) < n {
		dst = make([]byte, n)
	}
	n, err := base64.StdEncoding.Decode(dst[:n], raw)
	return dst[:n], err
}
