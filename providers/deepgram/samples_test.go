package deepgram

// Server messages as Deepgram documents them, for parser tests, fuzz seeds
// and benchmarks.
var (
	sampleResults = []byte(`{"type":"Results","channel_index":[0,1],"duration":1.04,"start":2.5,"is_final":true,` +
		`"speech_final":true,"from_finalize":false,"channel":{"alternatives":[{"transcript":"Hello, how are you doing?",` +
		`"confidence":0.9921875,"languages":[],"words":[` +
		`{"word":"hello","start":2.56,"end":2.8,"confidence":0.99609375,"punctuated_word":"Hello,","speaker":0},` +
		`{"word":"how","start":2.88,"end":3.04,"confidence":0.98828125,"punctuated_word":"how"},` +
		`{"word":"are","start":3.04,"end":3.2,"confidence":0.99,"punctuated_word":"are"},` +
		`{"word":"you","start":3.2,"end":3.36,"confidence":0.995,"punctuated_word":"you"},` +
		`{"word":"doing","start":3.36,"end":3.54,"confidence":0.97,"punctuated_word":"doing?"}]}]},` +
		`"metadata":{"request_id":"5d3f6b0e-7c2a-4b8e-9f1a-2c4d6e8f0a1b","model_info":{"name":"2-general-nova",` +
		`"version":"2024-01-18.26916","arch":"nova-2"},"model_uuid":"c0d1a568-ce81-4fea-97e7-bd45cb1fdf3c"}}`)
	sampleInterim = []byte(`{"type":"Results","channel_index":[0,1],"duration":0.5,"start":2.5,"is_final":false,` +
		`"speech_final":false,"channel":{"alternatives":[{"transcript":"hello how","confidence":0.95,"words":[` +
		`{"word":"hello","start":2.56,"end":2.8,"confidence":0.99},{"word":"how","start":2.88,"end":3.0,"confidence":0.9}]}]},` +
		`"metadata":{"request_id":"5d3f6b0e-7c2a-4b8e-9f1a-2c4d6e8f0a1b","model_info":{"name":"2-general-nova",` +
		`"version":"2024-01-18.26916","arch":"nova-2"},"model_uuid":"c0d1a568-ce81-4fea-97e7-bd45cb1fdf3c"}}`)
	sampleUtteranceEnd  = []byte(`{"type":"UtteranceEnd","channel":[0,1],"last_word_end":3.54}`)
	sampleSpeechStarted = []byte(`{"type":"SpeechStarted","channel":[0],"timestamp":2.52}`)
	sampleMetadata      = []byte(`{"type":"Metadata","transaction_key":"deprecated","request_id":"5d3f6b0e-7c2a-4b8e-9f1a-2c4d6e8f0a1b",` +
		`"sha256":"f0e4c2f76c58916ec258f246851bea091d14d4247a2fc3e18694461b1816e13b","created":"2026-11-21T10:00:00.000Z",` +
		`"duration":4.2,"channels":1}`)
	sampleTurnInfo = []byte(`{"type":"TurnInfo","request_id":"5d3f6b0e-7c2a-4b8e-9f1a-2c4d6e8f0a1b","sequence_id":42,` +
		`"event":"EndOfTurn","turn_index":3,"audio_window_start":12.08,"audio_window_end":14.4,` +
		`"transcript":"I'd like to book a table for two","words":[` +
		`{"word":"I'd","confidence":0.98,"start":12.1,"end":12.3},{"word":"like","confidence":0.99,"start":12.3,"end":12.5},` +
		`{"word":"to","confidence":0.99,"start":12.5,"end":12.6},{"word":"book","confidence":0.97,"start":12.6,"end":12.9},` +
		`{"word":"a","confidence":0.99,"start":12.9,"end":13.0},{"word":"table","confidence":0.98,"start":13.0,"end":13.4},` +
		`{"word":"for","confidence":0.99,"start":13.4,"end":13.6},{"word":"two","confidence":0.96,"start":13.6,"end":13.9}],` +
		`"end_of_turn_confidence":0.91,"trigger":"model"}`)
	sampleConnected = []byte(`{"type":"Connected","request_id":"5d3f6b0e-7c2a-4b8e-9f1a-2c4d6e8f0a1b","sequence_id":0}`)
	sampleFluxError = []byte(`{"type":"Error","sequence_id":7,"code":"INTERNAL_SERVER_ERROR","description":"try again"}`)
)
