package deepgram

import "github.com/switchboard-voice/switchboard/providers/internal/sttsocket"

// Config tunes a Client; see sttsocket.Config for the fields and defaults.
type Config = sttsocket.Config
