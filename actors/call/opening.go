package call

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/actors/turn"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/privacy"
	"github.com/switchboard-voice/switchboard/voice"
)

// minBeep is the shortest tone taken for an answering machine's beep.
const minBeep = 150 * time.Millisecond

// beepListener finds the beep of an answering machine in the caller's
// audio, while the machine screens the call.
type beepListener struct {
	f   voice.Format
	det *codecs.ToneDetector
	pcm []int16
}

func newBeepListener(f voice.Format) *beepListener {
	det, err := codecs.NewToneDetector(f.SampleRate, voice.FrameDuration, minBeep)
	if err != nil {
		return nil // a format without a rate: nothing to listen to
	}
	return &beepListener{f: f, det: det}
}

// heard reports whether a beep has just completed in frame.
func (b *beepListener) heard(frame []byte) bool {
	if b == nil {
		return false
	}
	switch b.f.Encoding {
	case voice.ULaw:
		b.pcm = codecs.DecodeUlaw(b.pcm[:0], frame)
	case voice.ALaw:
		b.pcm = codecs.DecodeAlaw(b.pcm[:0], frame)
	default:
		b.pcm, _ = codecs.DecodePCM16LE(b.pcm[:0], frame[:len(frame)&^1])
	}
	return b.det.Process(b.pcm)
}

// render fills the configuration's {{variables}}: the caller's facts, the
// assistant's variables, then the call's own, each overriding the one
// before. A name no one gives renders empty and is logged once.
func (a *callActor) render(cfg assistant.Config) *assistant.Config {
	vars := a.facts(cfg)
	for k, v := range cfg.Variables {
		vars[k] = v
	}
	for k, v := range a.spec.Variables {
		vars[k] = v
	}
	out, missing := cfg.WithVariables(vars)
	for _, name := range missing {
		if !slices.Contains(a.missingVars, name) {
			a.missingVars = append(a.missingVars, name)
			a.log.Warn("variable not given: it renders empty", "variable", name)
		}
	}
	return &out
}

// facts are what the engine knows of a call, as variables.
func (a *callActor) facts(cfg assistant.Config) map[string]string {
	loc, err := time.LoadLocation(cfg.CallFlowSettings.Timezone)
	if err != nil {
		loc = time.UTC
	}
	now := a.now().In(loc)
	customer, own := a.spec.From, a.spec.To
	if a.spec.Direction == "outbound" {
		customer, own = a.spec.To, a.spec.From
	}
	if cfg.PrivacySettings.GDPRMode {
		customer = privacy.Mask(customer)
	}
	return map[string]string{
		"customer_number": customer, "assistant_number": own, "call_id": a.spec.ID, "direction": a.spec.Direction,
		"now": now.Format("Monday 2 January 2006, 15:04 MST"), "date": now.Format("Monday 2 January 2006"),
		"time": now.Format("15:04"), "timezone": loc.String(),
	}
}

// handoverLoaded is the configuration of the assistant a call is handed
// to, or why it could not be had.
type handoverLoaded struct {
	snap *assistants.Snapshot
	err  error
}

// HandOver implements turn.Port: the assistant taking the call over is
// loaded off the actor, from the call's own organization only.
func (a *callActor) HandOver(id int64) {
	org := a.spec.OrganizationID
	a.mgr.goTracked(a.log, func() {
		ctx, cancel := context.WithTimeout(a.ctx, lineTimeout)
		defer cancel()
		snap, err := a.mgr.Assistants.Get(ctx, org, id)
		if err == nil && snap.OrganizationID != org {
			err = fmt.Errorf("assistant %d is not the organization's", id)
		}
		a.send(&handoverLoaded{snap: snap, err: err})
	})
}

func (a *callActor) handoverLoaded(m *handoverLoaded) {
	if m.err != nil {
		a.log.Warn("handover failed", "err", m.err)
		a.m.HandoverFailed(a.now(), m.err.Error())
		return
	}
	a.keepSecrets(m.snap)
	a.m.ChangeConfig(a.now(), turn.SettingsFrom(m.snap.ID, a.render(m.snap.Config), m.snap.Version))
}
