package api

import (
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/telephony/web"
)

// The operations of recordings, background sounds and web calls.

var (
	recordingsModel  = response[[]recordingResponse]("Recordings", "A call's recording files, the mixed track first.", nil)
	soundModel       = response[soundUploaded]("BackgroundSound", "An uploaded background sound, now the assistant's.", nil)
	webTokenModel    = response[web.Token]("WebCallToken", "A one-time token for one browser call to the assistant.", nil)
	recordingIDParam = openapi.PathParam("recording_id", "The recording file's id.", idSchema)
	soundFormModel   = &openapi.Model{Name: "BackgroundSoundUpload", Description: "A WAV or MP3 file, at most 10 MiB, 0.5 s to 10 min.",
		Schema: openapi.Schema{"type": "object", "required": []string{"file"},
			"properties": openapi.Schema{"file": openapi.Schema{"type": "string", "contentMediaType": "application/octet-stream"}}}}
	audioFile = openapi.Response{Description: "The audio file (audio/wav or audio/mpeg); Range requests give 206 Partial Content.",
		MediaType: "application/octet-stream", Schema: openapi.Schema{"type": "string", "contentMediaType": "application/octet-stream"}}
)

var (
	docListRecordings = openapi.Operation{
		ID: "listCallRecordings", Summary: "List a call's recording files",
		Params: []openapi.Param{callIDParam}, Responses: callReadResponses(recordingsModel, "The files."),
	}
	docDownloadRecording = openapi.Operation{
		ID: "downloadCallRecording", Summary: "Download or stream a recording file, with byte ranges",
		Params: []openapi.Param{callIDParam, recordingIDParam},
		Responses: map[int]openapi.Response{200: audioFile, 206: audioFile,
			404: openapi.JSON("The call, the recording or its file is not found.", errorModel), 422: invalid},
	}
	docPublicRecording = openapi.Operation{
		ID: "getSignedRecording", Summary: "Download a recording through a signed link",
		Description: "The recording URL of end-of-call webhooks: signed, it needs no API key until it expires.",
		Tags:        []string{"calls"}, Security: []*openapi.SecurityScheme{},
		Params: []openapi.Param{recordingIDParam,
			openapi.QueryParam("expires", "When the link expires, in Unix seconds.", openapi.Schema{"type": "integer"}),
			openapi.QueryParam("signature", "The link's signature.", openapi.Schema{"type": "string"})},
		Responses: map[int]openapi.Response{200: audioFile, 206: audioFile,
			403: openapi.JSON("The link is forged, altered or expired.", errorModel),
			404: openapi.JSON("The recording or its file is gone.", errorModel), 422: invalid},
	}
	docUploadSound = openapi.Operation{
		ID: "uploadBackgroundSound", Summary: "Upload a background sound for an assistant",
		Description: "The file is checked, stored under its content hash, and set as the assistant's " +
			"tts_settings.background_sound (enabled, storage_key).",
		Params: []openapi.Param{assistantIDParam},
		Body:   &openapi.Body{Model: soundFormModel, MediaType: "multipart/form-data", Required: true},
		Responses: map[int]openapi.Response{
			201: openapi.JSON("Stored and set.", soundModel),
			404: notFound("Assistant"),
			422: openapi.JSON("No file, or not a usable WAV or MP3 file.", validationModel),
		},
	}
	docWebCall = openapi.Operation{
		ID: "createWebCallToken", Summary: "Issue a token for a browser call to an assistant",
		Description: "Open the token's url (a websocket on /telephony/web/stream) within its lifetime, once: " +
			"PCM16 16 kHz audio as binary messages, JSON control messages as text.",
		Params: []openapi.Param{assistantIDParam},
		Responses: map[int]openapi.Response{
			201: openapi.JSON("The token.", webTokenModel),
			404: notFound("Assistant"),
			409: openapi.JSON("The assistant is not active.", errorModel),
			503: openapi.JSON("The server is shutting down.", errorModel),
			422: invalid,
		},
	}
)
