package assistant

import "github.com/switchboard-voice/switchboard/internal/typeddoc"

// presets are the interruption modes' values for the advanced barge-in
// fields; "" holds the schema defaults, which are the balanced preset.
//
//   - aggressive ("fast barge-in"): playback yields on the first confident
//     word, shortly after the assistant starts.
//   - balanced: two confident words within 400 ms, fillers filtered.
//   - conservative ("patient listener"): three confident words within 700 ms
//     and a long protected tail.
var presets = map[string]InterruptionSettings{
	"": {
		InterruptionThreshold: 3, MinSpeakingTime: 0.5, InterruptionCooldown: 2,
		MinSTTConfidence: 0.65, ConfirmationWindowMS: 400, TentativeConfirmWords: 2,
		BackchannelFilter: true, TailProtectionMS: 2000, AllowInterruptions: true, FalseInterruptionTimeoutMS: 700,
	},
	"aggressive": {
		InterruptionThreshold: 1, MinSpeakingTime: 0.2, InterruptionCooldown: 0.5,
		MinSTTConfidence: 0.5, ConfirmationWindowMS: 250, TentativeConfirmWords: 1,
		BackchannelFilter: true, TailProtectionMS: 800, AllowInterruptions: true, FalseInterruptionTimeoutMS: 500,
	},
	"balanced": {
		InterruptionThreshold: 3, MinSpeakingTime: 0.5, InterruptionCooldown: 2,
		MinSTTConfidence: 0.65, ConfirmationWindowMS: 400, TentativeConfirmWords: 2,
		BackchannelFilter: true, TailProtectionMS: 2000, AllowInterruptions: true, FalseInterruptionTimeoutMS: 700,
	},
	"conservative": {
		InterruptionThreshold: 5, MinSpeakingTime: 1, InterruptionCooldown: 3,
		MinSTTConfidence: 0.8, ConfirmationWindowMS: 700, TentativeConfirmWords: 3,
		BackchannelFilter: true, TailProtectionMS: 3000, AllowInterruptions: true, FalseInterruptionTimeoutMS: 1000,
	},
}

// applyInterruptionPreset fills the advanced interruption fields from the
// mode a write just set, except those the same write gives explicitly. The
// preset is applied once, at write time, so what is stored (and shown) is
// exactly what calls will use.
func applyInterruptionPreset(merged Document, patch Document) {
	ps, _ := patch["interruption_settings"].(map[string]any)
	mode, _ := ps["interruption_mode"].(string)
	preset, ok := presets[mode]
	if mode == "" || !ok {
		return
	}
	values := typeddoc.Encode(preset).(map[string]any)
	target, _ := merged["interruption_settings"].(map[string]any)
	for k, v := range values {
		// Whether the caller may interrupt at all is not a preset's to change.
		if _, explicit := ps[k]; explicit || k == "interruption_mode" || k == "allow_interruptions" {
			continue
		}
		target[k] = v
	}
}
