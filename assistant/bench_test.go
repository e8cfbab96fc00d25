package assistant

import "testing"

// BenchmarkApply is the CPU cost of one PATCH on a configured assistant:
// merge, validation, sealing, canonical form and the change list.
func BenchmarkApply(b *testing.B) {
	stored := mustApply(b, nil, secretfulBody).Doc
	w := mustWrite(b, `{"llm_settings":{"temperature":0.9},"custom_settings":{"k":1}}`)
	box := testBox(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Apply(stored, w, box); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMasked is the cost of rendering a stored document for a response.
func BenchmarkMasked(b *testing.B) {
	stored := mustApply(b, nil, secretfulBody).Doc
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Masked(stored); err != nil {
			b.Fatal(err)
		}
	}
}
