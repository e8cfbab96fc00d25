package carriertest

import (
	"crypto/rand"
	"encoding/hex"
)

// Hex is n random bytes in hex: ids and secrets of fake accounts.
func Hex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// UUID is a random id in UUID form.
func UUID() string {
	h := Hex(16)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
