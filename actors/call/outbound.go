package call

import (
	"bytes"
	"context"
	"time"

	"github.com/switchboard-voice/switchboard/ambience"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/clock"
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

// ambienceLead is how far ahead of playing the background sound is sent
// between replies: enough to ride out a late timer, and all a reply waits
// for behind it.
const ambienceLead = 40 * time.Millisecond

type (
	bedReady     struct{ bed *ambience.Bed }
	ambienceTick struct{}
)

// outbound is the audio on its way to the caller: the background sound is
// mixed under it (and fills the silence between replies), the recording
// takes it as played, and playAt follows when the carrier will have
// played what it was sent.
type outbound struct {
	a      *callActor
	bed    *ambience.Bed
	rec    *recording.Recorder // nil: not recorded
	playAt time.Time
	timer  clock.Timer
}

// start opens the recording and loads the background sound, as the
// configuration asks. A recording that is not auto_save is not kept, so
// it is not made at all.
func (o *outbound) start(cfg assistant.Config) {
	a := o.a
	if rs := cfg.RecordingSettings; rs.Enabled && rs.AutoSave && a.mgr.RecordingsRoot != "" {
		rec, err := recording.Start(recording.Options{Root: a.mgr.RecordingsRoot, CallID: a.spec.ID,
			Settings: cfg.RecordingSettings, In: a.spec.Line.Format()})
		if err != nil {
			a.log.Error("call not recorded", "err", err)
		}
		o.rec = rec
	}
	bs := cfg.TTSSettings.BackgroundSound
	if bs.Enabled && a.mgr.Sounds != nil {
		f := a.spec.Line.Format()
		a.spawn(func() {
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
			a.send(&bedReady{bed: bed})
		})
	}
}

func (o *outbound) receive(msg any) {
	switch m := msg.(type) {
	case *bedReady:
		o.bed = m.bed
		o.fill()
	case *ambienceTick:
		o.fill()
	}
}

// caller records a frame of the caller's.
func (o *outbound) caller(frame []byte) {
	o.rec.Caller(o.a.now().Sub(o.a.started), frame)
}

// send plays a frame of the assistant's voice.
func (o *outbound) send(frame []byte) {
	if o.bed != nil {
		frame = o.bed.Mix(bytes.Clone(frame)) // the machine may hold the frame (cached acknowledgements)
	}
	o.play(frame)
}

// play sends a frame to the carrier and records it at the time it will be
// heard.
func (o *outbound) play(frame []byte) {
	a := o.a
	if now := a.now(); o.playAt.Before(now) {
		o.playAt = now
	}
	o.rec.Assistant(o.playAt.Sub(a.started), frame)
	o.playAt = o.playAt.Add(a.spec.Line.Format().Duration(len(frame)))
	if err := a.spec.Line.SendAudio(frame); err != nil {
		a.log.Debug("audio not sent", "err", err)
	}
}

// clear drops what the carrier has not played yet (a barge-in): it is not
// heard, so not recorded either.
func (o *outbound) clear() {
	now := o.a.now()
	o.rec.Truncate(now.Sub(o.a.started))
	o.playAt = now
	_ = o.a.spec.Line.Clear()
	o.fill()
}

// fill keeps the background sound going while no voice is queued, then
// comes back in a frame's time.
func (o *outbound) fill() {
	a := o.a
	if o.bed == nil || o.bed.Ended() || a.finished {
		return
	}
	f := a.spec.Line.Format()
	for horizon := a.now().Add(ambienceLead); o.playAt.Before(horizon); {
		o.play(o.bed.Next(make([]byte, 0, f.FrameBytes())))
	}
	if o.timer != nil {
		o.timer.Reset(voice.FrameDuration) // one timer for the call, not one a frame
		return
	}
	self, root := a.self, a.root
	o.timer = a.clk.AfterFunc(voice.FrameDuration, func() { root.Send(self, &ambienceTick{}) })
}

// recording reports whether the call's recording will be reported when
// it is finished.
func (o *outbound) recording() bool { return o.rec != nil && o.a.mgr.Recordings != nil }

// close stops the background sound and finishes the recording off the
// actor, then reports its files (none if it failed).
func (o *outbound) close(end time.Time) {
	a := o.a
	if o.timer != nil {
		o.timer.Stop()
	}
	if o.rec == nil {
		return
	}
	rec, length, cfg, info := o.rec, end.Sub(a.started), a.snap.Config.RecordingSettings, a.spec.CallInfo
	a.mgr.goTracked(func() {
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
