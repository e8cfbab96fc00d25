package nodes

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/auth"
	"github.com/switchboard-voice/switchboard/persistence"
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
