package nodes

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/assistant/famulor"
	"github.com/switchboard-voice/switchboard/assistant/voicedock"
	"github.com/switchboard-voice/switchboard/auth"
	"github.com/switchboard-voice/switchboard/internal/jsonobj"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/secrets"
)

// A routed write survives protobuf as the assistant's actor needs it.
func TestRoutedWriteRoundTrip(t *testing.T) {
	desc := "why"
	w, err := assistant.ParseWrite([]byte(`{"name":"x","llm_settings":{"temperature":0.25,"max_tokens":200},"change_description":"why"}`))
	if err != nil {
		t.Fatal(err)
	}
	w.Replace = [][]string{{"provider_config"}}
	by := auth.Principal{OrganizationID: 2, UserID: 3, KeyID: 4}
	for _, in := range []assistants.Routed{
		{Op: assistants.OpUpdate, By: by, Write: w},
		{Op: assistants.OpStatus, By: by, Active: true},
		{Op: assistants.OpRollback, By: by, HistoryID: 9, Description: &desc},
		{Op: assistants.OpDelete, By: by},
	} {
		m, err := toWrite(in)
		if err != nil {
			t.Fatal(err)
		}
		out, err := fromWrite(m)
		if err != nil {
			t.Fatal(err)
		}
		if out.Op != in.Op || out.By != in.By || out.Active != in.Active || out.HistoryID != in.HistoryID ||
			!reflect.DeepEqual(out.Description, in.Description) || !reflect.DeepEqual(out.Write.Replace, in.Write.Replace) ||
			!reflect.DeepEqual(out.Write.ChangeDescription, in.Write.ChangeDescription) ||
			fmt.Sprint(out.Write.Fields) != fmt.Sprint(in.Write.Fields) {
			t.Errorf("round trip of %+v gave %+v", in, out)
		}
	}
}

// The errors the API tells apart stay apart across nodes.
func TestWriteErrorsRoundTrip(t *testing.T) {
	ve := &assistant.ValidationError{Errors: []assistant.FieldError{{Loc: []any{"tts_limit"}, Msg: "must be between 1 and 1000", Type: "value_error"}}}
	for err, is := range map[error]error{
		assistants.ErrNotFound:         assistants.ErrNotFound,
		assistants.ErrHistoryNotFound:  assistants.ErrHistoryNotFound,
		assistants.ErrRejected:         assistants.ErrRejected,
		assistants.ErrCrashed:          assistants.ErrCrashed,
		persistence.ErrVersionConflict: persistence.ErrVersionConflict,
		fmt.Errorf("%w: %w", assistants.ErrUnavailable, errors.New("pool closed")): assistants.ErrUnavailable,
	} {
		if got := fromWriteError(toWriteError(err)); !errors.Is(got, is) {
			t.Errorf("%v came back as %v", err, got)
		}
	}
	var got *assistant.ValidationError
	if !errors.As(fromWriteError(toWriteError(fmt.Errorf("apply: %w", ve))), &got) || len(got.Errors) != 1 ||
		got.Errors[0].Msg != ve.Errors[0].Msg || fmt.Sprint(got.Errors[0].Loc) != "[tts_limit]" {
		t.Errorf("validation error came back as %+v", got)
	}
	if errors.Is(fromWriteError(toWriteError(errors.New("boom"))), assistants.ErrNotFound) {
		t.Error("an unknown error came back as not found")
	}
}

// A vendor view's write crosses as its body and is translated on the
// receiving node as on the one that received it: the same configuration,
// or the same problems in the view's terms.
func TestVendorWriteRoundTrip(t *testing.T) {
	box, err := secrets.NewBox(make([]byte, secrets.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	base, err := assistant.Apply(nil, assistant.Write{Fields: assistant.Document{"name": "Front desk"}}, box)
	if err != nil {
		t.Fatal(err)
	}
	body := func(s string) assistant.Document {
		doc, err := assistant.DecodeDocument([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	desc := "from a view"
	for name, w := range map[string]assistant.Write{
		"famulor":           famulor.Serialised(body(`{"system_prompt":"Be brief.","variables":{"shop":"Bikes"}}`), famulor.Update),
		"famulor refused":   famulor.Serialised(body(`{"name":null,"endpoint_type":"livekit"}`), famulor.Update),
		"voicedock":         voicedock.Serialised(body(`{"name":"Reception","llm_config":{"temperature":0.3}}`)),
		"voicedock refused": voicedock.Serialised(body(`{"max_duration_seconds":-4}`)),
	} {
		w.ChangeDescription = &desc
		m, err := toWrite(assistants.Routed{Op: assistants.OpUpdate, Write: w})
		if err != nil {
			t.Fatal(name, err)
		}
		out, err := fromWrite(m)
		if err != nil {
			t.Fatal(name, err)
		}
		if out.Write.ChangeDescription == nil || *out.Write.ChangeDescription != desc {
			t.Errorf("%s: change description %v", name, out.Write.ChangeDescription)
		}
		want, wantErr := assistant.Apply(base.Doc, w, box)
		got, gotErr := assistant.Apply(base.Doc, out.Write, box)
		// the refusal as the answering node sends it back
		if gotErr != nil {
			gotErr = fromWriteError(toWriteError(gotErr))
		}
		var wp, gp *jsonobj.Problems
		switch {
		case wantErr == nil && gotErr == nil:
			if string(got.JSON) != string(want.JSON) {
				t.Errorf("%s: translated here to %s, there to %s", name, want.JSON, got.JSON)
			}
		case errors.As(wantErr, &wp) && errors.As(gotErr, &gp):
			if !reflect.DeepEqual(wp.List, gp.List) {
				t.Errorf("%s: refused here for %v, there for %v", name, wp.List, gp.List)
			}
		default:
			t.Errorf("%s: here %v, there %v", name, wantErr, gotErr)
		}
		if strings.HasSuffix(name, "refused") != (wantErr != nil) {
			t.Errorf("%s: error %v", name, wantErr)
		}
	}
}
