// Package calltest runs calls in other packages' tests on scripted parts:
// the voicetest providers and a fixed assistant.
package calltest

import (
	"context"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/actors/call"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/voice"
	"github.com/switchboard-voice/switchboard/voice/voicetest"
)

// Providers hands every call the same scripted providers. The scripted
// services speak fakespeech μ-law; a call on a PCM16 line gets it
// converted losslessly (fakespeech.Widen and Narrow).
type Providers struct {
	STT   *voicetest.STT
	TTS   *voicetest.TTS
	Model voice.LLM
}

var _ call.Providers = Providers{}

// OpenSTT implements call.Providers.
func (p Providers) OpenSTT(ctx context.Context, _ *voice.CallInfo, cfg assistant.Config, f voice.Format, emit func(voice.STTEvent)) (voice.STTStream, error) {
	st, err := p.STT.OpenSTT(ctx, voice.STTOptions{Settings: cfg.STTSettings, Format: voice.Telephony}, emit)
	if err != nil || f == voice.Telephony {
		return st, err
	}
	return narrowSTT{st, f}, nil
}

type narrowSTT struct {
	voice.STTStream
	f voice.Format
}

func (n narrowSTT) SendAudio(frame []byte) error {
	return n.STTStream.SendAudio(fakespeech.Narrow(frame, n.f))
}

// OpenTTS implements call.Providers.
func (p Providers) OpenTTS(ctx context.Context, _ *voice.CallInfo, cfg assistant.Config, f voice.Format) (voice.TTSSession, error) {
	s, err := p.TTS.OpenTTS(ctx, voice.TTSOptions{Settings: cfg.TTSSettings, Format: voice.Telephony})
	if err != nil || f == voice.Telephony {
		return s, err
	}
	return widenTTS{s, f}, nil
}

type widenTTS struct {
	voice.TTSSession
	f voice.Format
}

func (w widenTTS) Speak(emit func(voice.TTSEvent)) (voice.Utterance, error) {
	return w.TTSSession.Speak(func(ev voice.TTSEvent) {
		if a, ok := ev.(*voice.TTSAudio); ok && len(a.Audio) > 0 {
			ev = &voice.TTSAudio{Audio: fakespeech.Widen(a.Audio, w.f), Words: a.Words}
		}
		emit(ev)
	})
}

// LLM implements call.Providers.
func (p Providers) LLM(*voice.CallInfo, assistant.Config) (voice.LLM, error) { return p.Model, nil }

// Assistant serves one fixed assistant to calls, whatever they ask for.
type Assistant struct{ Snapshot *assistants.Snapshot }

var _ call.Assistants = Assistant{}

// Get implements call.Assistants.
func (a Assistant) Get(context.Context, int64, int64) (*assistants.Snapshot, error) {
	return a.Snapshot, nil
}

// Subscribe implements call.Assistants; the assistant never changes.
func (a Assistant) Subscribe(context.Context, int64, int64, *actor.PID) (*assistants.Snapshot, error) {
	return a.Snapshot, nil
}

// Unsubscribe implements call.Assistants.
func (a Assistant) Unsubscribe(int64, *actor.PID) {}
