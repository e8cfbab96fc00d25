package api

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzAPIKeyCreate: any body is refused with a 422, or yields a name that
// is not blank and at most 100 characters, and an expiry in the future.
func FuzzAPIKeyCreate(f *testing.F) {
	f.Add([]byte(`{"name":"ci"}`))
	f.Add([]byte(`{"name":" ci ","expires_at":"2031-01-02T03:04:05Z"}`))
	f.Add([]byte(`{"name":"x","expires_at":"2001-01-02T03:04:05+02:00"}`))
	f.Add([]byte(`{"name":"","expires_at":null,"extra":1}`))
	f.Add([]byte(`{"name":1}`))
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		name, expires, err := parseKeyCreate(body, now)
		if err != nil {
			return
		}
		if strings.TrimSpace(name) != name || name == "" || utf8.RuneCountInString(name) > 100 || (expires != nil && !expires.After(now)) {
			t.Fatalf("accepted %q as %q, %v", body, name, expires)
		}
	})
}

// FuzzCSVExport: cells written to an export read back as written, but for
// the apostrophe that keeps formulas inert.
func FuzzCSVExport(f *testing.F) {
	f.Add("Sales", "=1+1", "+15551110001")
	f.Add("a,b", "\"quoted\"", "line\nbreak")
	f.Add("@SUM(A1)", "\tx", "\r")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		for _, s := range []string{a, b, c} {
			if !utf8.ValidString(s) {
				return
			}
		}
		var buf bytes.Buffer
		bw := bufio.NewWriter(&buf)
		w := exportWriter{format: csvExport, bw: bw, csv: csv.NewWriter(bw)}
		if err := w.begin([]string{"a", "b", "c"}); err != nil {
			t.Fatal(err)
		}
		if err := w.write(exportRecord{csv: []string{a, b, c}}); err != nil {
			t.Fatal(err)
		}
		if err := w.end(); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(rows) != 2 {
			t.Fatalf("%q %q %q: %v %q", a, b, c, err, rows)
		}
		for i, want := range []string{a, b, c} {
			got := rows[1][i]
			if inertCell(want) != want {
				if got != "'"+want && !(strings.HasPrefix(got, "'") && strings.ReplaceAll(got[1:], "\r\n", "\n") == strings.ReplaceAll(want, "\r\n", "\n")) {
					t.Fatalf("cell %q read back as %q", want, got)
				}
				continue
			}
			if strings.ReplaceAll(got, "\r\n", "\n") != strings.ReplaceAll(want, "\r\n", "\n") {
				t.Fatalf("cell %q read back as %q", want, got)
			}
		}
	})
}
