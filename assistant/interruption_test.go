package assistant

import (
	"reflect"
	"testing"
)

func TestInterruptionModeAppliesPreset(t *testing.T) {
	doc := mustApply(t, nil, `{"name":"a","interruption_settings":{"interruption_mode":"conservative"}}`).Doc
	got := mustApply(t, doc, `{}`).Config.InterruptionSettings
	want := presets["conservative"]
	want.InterruptionMode = ptr("conservative")
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("conservative preset: got %+v want %+v", got, want)
	}

	// Explicit fields in the same write win over the preset.
	res := mustApply(t, doc, `{"interruption_settings":{"interruption_mode":"aggressive","min_speaking_time":0.9}}`)
	got = res.Config.InterruptionSettings
	want = presets["aggressive"]
	want.InterruptionMode = ptr("aggressive")
	want.MinSpeakingTime = 0.9
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("aggressive with override: got %+v want %+v", got, want)
	}

	// A later write of one field keeps the rest, and does not re-apply the preset.
	got = mustApply(t, res.Doc, `{"interruption_settings":{"tail_protection_ms":1500}}`).Config.InterruptionSettings
	want.TailProtectionMS = 1500
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("single-field write: got %+v want %+v", got, want)
	}

	// Clearing the mode keeps the values, now as custom settings.
	got = mustApply(t, res.Doc, `{"interruption_settings":{"interruption_mode":null}}`).Config.InterruptionSettings
	if got.InterruptionMode != nil || got.TentativeConfirmWords != presets["aggressive"].TentativeConfirmWords {
		t.Fatalf("mode cleared: got %+v", got)
	}
}

func TestDefaultInterruptionIsBalanced(t *testing.T) {
	d := Defaults().InterruptionSettings
	b := presets["balanced"]
	if !reflect.DeepEqual(d, b) {
		t.Fatalf("defaults %+v differ from the balanced preset %+v", d, b)
	}
}
