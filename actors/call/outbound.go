package call

import (
	"context"
	"time"

	"github.com/switchboard-voice/switchboard/actors/turn"
	"github.com/switchboard-voice/switchboard/ambience"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/codecs"
	"github.com/switchboard-voice/switchboard/recording"
	"github.com/switchboard-voice/switchboard/voice"
)

// Sounds resolves an assistant's background sound: *ambience.Library.
type Sounds interface {
	Sound(ctx context.Context, bs assistant.BackgroundSound) (*ambience.Sound, error)
}

// Recordings learns of a call's finished recording files, e.g. to record
// them with the call.
type Recordings interface {
	RecordingSaved(c *voice.CallInfo, s assistant.RecordingSettings, at time.Time, tracks []recording.Track)
}

// bedReady is a background sound loaded for the call; gen says which load.
type bedReady struct {
	bed *ambience.Bed
	gen int
}

// outbound is the call's outbound clock: each time the carrier's queue
// has room for a frame (codecs.Pacer), it pulls the frame from the
// conversation machine, mixes the background sound under it (or plays the
// sound alone between replies), records it at the time it will be heard,
// and writes it to the carrier.
type outbound struct {
	a       *callActor
	pacer   *codecs.Pacer
	bed     *ambience.Bed
	bedGen  int                 // background sound loads; a superseded one is dropped
	rec     *recording.Recorder // nil: not recorded
	recSet  assistant.RecordingSettings
	recFrom time.Time // the recording's start: the call's, or the caller's consent
	recWant bool      // the call is to be recorded, once it may be
	flowing bool      // the last pump stopped for want of time, not of audio
}

func newOutbound(a *callActor) *outbound {
	p, err := codecs.NewPacer(voice.FrameDuration, turn.Lead)
	if err != nil {
		panic(err) // constants
	}
	return &outbound{a: a, pacer: p}
}

// start decides whether the call is recorded and loads the background
// sound, as the configuration asks. A recording that is not auto_save is
// not kept, so it is not made at all; in GDPR mode none is.
func (o *outbound) start(cfg assistant.Config) {
	a := o.a
	rs := cfg.RecordingSettings
	o.recWant = rs.Enabled && rs.AutoSave && a.mgr.RecordingsRoot != "" && !cfg.PrivacySettings.GDPRMode
	o.recSet = rs
	o.loadBed(cfg.TTSSettings.BackgroundSound)
}

// record starts the recording once the call may be recorded: at once, or
// when the caller has agreed to it.
func (o *outbound) record(now time.Time, allowed bool) {
	if !o.recWant || !allowed {
		return
	}
	a := o.a
	o.recWant = false
	rec, err := recording.Start(recording.Options{Root: a.mgr.RecordingsRoot, CallID: a.spec.ID,
		Settings: o.recSet, In: a.spec.Line.Format(), Encoders: a.mgr.encoders})
	if err != nil {
		a.log.Error("call not recorded", "err", err)
	}
	o.rec, o.recFrom = rec, now
}

// loadBed switches to a background sound, loaded off the actor; a
// disabled one stops the current sound at once.
func (o *outbound) loadBed(bs assistant.BackgroundSound) {
	a := o.a
	o.bedGen++
	o.bed = nil
	if !bs.Enabled || a.mgr.Sounds == nil {
		return
	}
	gen, f := o.bedGen, a.spec.Line.Format()
	a.mgr.goTracked(a.log, func() {
		sound, err := a.mgr.Sounds.Sound(a.ctx, bs)
		if err != nil || sound == nil {
			a.log.Warn("no background sound", "err", err)
			return
		}
		bed, err := ambience.NewBed(sound, bs.Volume, bs.Loop, f)
		if err != nil {
			a.log.Warn("no background sound", "err", err)
			return
		}
		a.send(&bedReady{bed: bed, gen: gen})
	})
}

func (o *outbound) bedLoaded(m *bedReady) {
	if m.gen == o.bedGen {
		o.bed = m.bed
	}
}

// caller records a frame of the caller's.
func (o *outbound) caller(frame []byte) {
	o.rec.Caller(o.a.now().Sub(o.recFrom), frame)
}

// topUp is how far ahead of its due time pump sends a frame. The caller's
// frames wake the actor every 20 ms; a frame falling due before the next
// of them goes out with this one, so the clock's own timer, set for the
// due time, seldom fires while the caller's audio flows: one wake-up per
// frame instead of two. The carrier's queue then holds between Lead and
// Lead plus one frame.
const topUp = voice.FrameDuration

// pump sends every frame due by now plus topUp.
func (o *outbound) pump(now time.Time) {
	o.flowing = false
	for o.pacer.Due(now.Add(topUp)) {
		f, ok := o.a.m.NextFrame(now)
		switch {
		case ok && o.bed != nil:
			f.Audio = o.bed.Mix(f.Audio)
		case !ok && o.bed != nil && !o.bed.Ended():
			f.Audio = o.bed.Next(make([]byte, 0, o.a.spec.Line.Format().FrameBytes()))
		case !ok:
			return // nothing to play until something happens
		}
		o.write(now, f)
	}
	o.flowing = true
}

// next is when frames fall due again, if the clock is running.
func (o *outbound) next() (time.Time, bool) { return o.pacer.Next(), o.flowing }

// write sends a frame (and a mark after it) to the carrier and records it
// at the time it will be heard.
func (o *outbound) write(now time.Time, f turn.Frame) {
	a := o.a
	o.rec.Assistant(o.pacer.Send(now).Sub(o.recFrom), f.Audio)
	if err := a.sendAudio(f); err != nil {
		a.log.Debug("audio not sent", "err", err)
	}
	if f.Mark != "" {
		_ = a.spec.Line.SendMark(f.Mark)
	}
}

// clear drops what the carrier has not played yet (a barge-in): it is not
// heard, so not recorded either.
func (o *outbound) clear(why turn.Silencing) {
	now := o.a.now()
	o.rec.Truncate(now.Sub(o.recFrom))
	o.pacer.Clear(now)
	_ = o.a.clearLine(why)
}

// recording reports whether the call's recording will be reported when
// it is finished.
func (o *outbound) recording() bool { return o.rec != nil && o.a.mgr.Recordings != nil }

// close finishes the recording off the actor, then reports its files
// (none if it failed).
func (o *outbound) close(end time.Time) {
	a := o.a
	if o.rec == nil {
		return
	}
	rec, length, cfg, info := o.rec, end.Sub(o.recFrom), o.recSet, a.spec.CallInfo
	a.mgr.goTracked(a.log, func() {
		tracks, err := rec.Close(length)
		if err != nil {
			a.log.Error("recording not finished", "err", err)
		}
		if st := rec.Stats(); st != (recording.Stats{}) {
			a.log.Warn("recording lost audio", "dropped", st.Dropped, "late", st.Late, "truncate_missed", st.TruncateMissed)
		}
		if a.mgr.Recordings != nil {
			a.mgr.Recordings.RecordingSaved(&info, cfg, end, tracks)
		}
	})
}
