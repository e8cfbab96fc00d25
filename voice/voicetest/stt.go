package voicetest

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/switchboard-voice/switchboard/internal/fakespeech"
	"github.com/switchboard-voice/switchboard/voice"
)

// STT opens scripted recognition streams. The test makes them emit, or,
// with Recognize set, they recognise fakespeech audio themselves: speech
// started on the first word, an interim per word, and a final with an
// endpoint after EndpointFrames of silence.
type STT struct {
	Recognize      bool
	EndpointFrames int   // silence frames before the endpoint; 0 means 10 (200 ms)
	FailOpen       error // when set, OpenSTT fails with it

	mu      sync.Mutex
	streams []*STTStream
}

// STTStream is one scripted stream.
type STTStream struct {
	mu        sync.Mutex
	emit      func(voice.STTEvent)
	closed    bool
	frames    int
	finalizes int

	recognize bool
	endpoint  int
	words     []string
	silent    int
}

// OpenSTT implements voice.STT.
func (s *STT) OpenSTT(_ context.Context, _ voice.STTOptions, emit func(voice.STTEvent)) (voice.STTStream, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.FailOpen != nil {
		return nil, s.FailOpen
	}
	st := &STTStream{emit: emit, recognize: s.Recognize, endpoint: s.EndpointFrames}
	if st.endpoint == 0 {
		st.endpoint = 10
	}
	s.streams = append(s.streams, st)
	return st, nil
}

// FailOpens makes every later OpenSTT fail with err (nil: succeed again).
func (s *STT) FailOpens(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.FailOpen = err
}

// Streams returns the streams opened so far.
func (s *STT) Streams() []*STTStream {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*STTStream(nil), s.streams...)
}

// Last is the most recently opened stream, or nil.
func (s *STT) Last() *STTStream {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.streams) == 0 {
		return nil
	}
	return s.streams[len(s.streams)-1]
}

// Emit makes the stream report an event, as the service would.
func (st *STTStream) Emit(ev voice.STTEvent) {
	st.mu.Lock()
	emit, closed := st.emit, st.closed
	st.mu.Unlock()
	if !closed {
		emit(ev)
	}
}

// Fail makes the stream die, as a dropped connection that cannot recover.
func (st *STTStream) Fail() { st.Emit(&voice.STTError{Err: errors.New("stream failed"), Fatal: true}) }

// SendAudio implements voice.STTStream.
func (st *STTStream) SendAudio(frame []byte) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed {
		return errors.New("stream closed")
	}
	st.frames++
	if st.recognize {
		st.recognizeFrame(frame)
	}
	return nil
}

func (st *STTStream) recognizeFrame(frame []byte) {
	d := fakespeech.Decode(frame)
	switch {
	case d.Kind == fakespeech.KindWord:
		if len(st.words) == 0 {
			st.emit(&voice.SpeechStarted{})
		}
		st.words = append(st.words, d.Word)
		st.silent = 0
		st.emit(&voice.Transcript{Text: strings.Join(st.words, " "), Confidence: d.Confidence})
	case d.Kind != fakespeech.KindNone:
		st.silent = 0
	case len(st.words) > 0:
		st.silent++
		if st.silent == st.endpoint {
			st.emit(&voice.Transcript{Text: strings.Join(st.words, " "), Confidence: 0.99, Final: true, SpeechFinal: true})
			st.words = nil
		}
	}
}

// Finalize implements voice.STTStream.
func (st *STTStream) Finalize() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.finalizes++
	return nil
}

// Close implements voice.STTStream.
func (st *STTStream) Close() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.closed = true
	return nil
}

// Frames counts the audio frames received.
func (st *STTStream) Frames() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.frames
}

// Closed reports whether the engine closed the stream.
func (st *STTStream) Closed() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.closed
}
