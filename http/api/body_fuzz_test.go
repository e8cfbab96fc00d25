package api

import (
	"errors"
	"testing"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/internal/typeddoc"
)

// FuzzRequestBodies runs every REST body decoder on the same bytes: none
// panics, each refuses with a 422 (or, for assistant writes, a validation
// error the API answers with a 422), and none accepts a body holding text
// PostgreSQL cannot store.
func FuzzRequestBodies(f *testing.F) {
	for _, s := range []string{`{"name":"a"}`, `{"name":"a\u0000b"}`, "{\"name\":\"\xff\"}", `{"is_active":true}`,
		`{"phone_number":"+15550001111","provider":"twilio","assistant_id":1,"friendly_name":"x"}`,
		`{"assistant_id":1,"to":"+15551234567","from":"+15550000000"}`, `{"friendly_name":"\u0000","assistant_id":null}`,
		`{"change_description":"\u0000"}`, `{"a":[{"b":"\u0000"}]} }`, `[]`, `null`, ``,
		`{"assistant_id":"3","phone_number":"+15551234567","variables":{"a":1,"b":true,"c":"x"}}`,
		`{"assistant_id":"6f1c2a9e-1b2c-4d5e-8f90-123456789abc","phone_number":"+15551234567","variables":{"a":"\u0000"}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		storable := true
		if _, err := typeddoc.DecodeDocument(body); err != nil {
			var te *typeddoc.TextError
			storable = !errors.As(err, &te)
		}
		check := func(name string, err error) {
			if err == nil {
				if !storable {
					t.Fatalf("%s accepted text that cannot be stored: %q", name, body)
				}
				return
			}
			var se *server.Error
			if !errors.As(err, &se) || se.Status != 422 {
				t.Fatalf("%s: %v is not a 422", name, err)
			}
		}
		_, err := decodeBody(body)
		check("decodeBody", err)
		_, err = statusBody.parse(body)
		check("status", err)
		_, err = numberCreateBody.parse(body)
		check("number create", err)
		_, err = numberAssignBody.parse(body)
		check("number assign", err)
		_, err = outboundBody.parse(body)
		check("outbound call", err)
		_, err = parseNumberUpdate(body)
		check("number update", err)
		_, err = famulorCallBody(body)
		check("Famulor make_call", err)
		if _, err := assistant.ParseWrite(body); err != nil {
			var ve *assistant.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("assistant write: %v is not a validation error", err)
			}
		} else if !storable {
			t.Fatalf("assistant write accepted text that cannot be stored: %q", body)
		}
	})
}
