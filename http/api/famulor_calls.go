package api

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/internal/jsonobj"
	"github.com/switchboard-voice/switchboard/internal/phone"
	"github.com/switchboard-voice/switchboard/internal/typeddoc"
	"github.com/switchboard-voice/switchboard/persistence"
)

// Famulor's POST /user/make_call: {phone_number, assistant_id, variables}
// places an outbound call from the assistant's phone number, its
// variables filling {{name}} for this call as POST /api/v1/calls/outbound's
// do.

// famulorCallRequest is make_call's body, once read.
type famulorCallRequest struct {
	assistantID int64
	uuid        string
	to          string
	variables   map[string]string
}

// famulorPlaced answers a placed call: Famulor's {message, data}.
type famulorPlaced struct {
	Message string            `json:"message"`
	Data    famulorPlacedCall `json:"data"`
}

type famulorPlacedCall struct {
	CallSID     string `json:"call_sid"`
	Status      string `json:"status"` // queued
	AssistantID int64  `json:"assistant_id"`
	PhoneNumber string `json:"phone_number"`
	FromNumber  string `json:"from_number"`
	Carrier     string `json:"carrier"`
}

// famulorCallBody reads make_call's body; problems name its fields.
func famulorCallBody(body []byte) (famulorCallRequest, error) {
	doc, err := assistant.DecodeDocument(body)
	if err != nil {
		return famulorCallRequest{}, famulorProblems([]jsonobj.Problem{viewBodyProblem(err)})
	}
	var errs jsonobj.Problems
	o := jsonobj.Read(doc, &errs)
	o.Unknown("phone_number", "assistant_id", "variables")
	var r famulorCallRequest
	switch id := o.Raw("assistant_id").(type) {
	case nil:
		o.Fail("assistant_id", "is required")
	case json.Number:
		if n, err := id.Int64(); err == nil && n > 0 {
			r.assistantID = n
		} else {
			o.Fail("assistant_id", "must be an assistant's id or uuid")
		}
	case string:
		if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 {
			r.assistantID = n
		} else {
			r.uuid = id
		}
	default:
		o.Fail("assistant_id", "must be an assistant's id or uuid")
	}
	if to, ok := o.String("phone_number", 1, 32); ok && to != nil && phone.IsE164(*to) {
		r.to = *to
	} else if ok || !o.Has("phone_number") {
		o.Fail("phone_number", "must be an E.164 phone number such as +4915112345678")
	}
	if v, ok := o.Object("variables"); ok && !v.IsNull() {
		r.variables = famulorCallVariables(v)
	}
	if len(errs.List) > 0 {
		return r, famulorProblems(errs.List)
	}
	return r, nil
}

// maxCallVariables bounds a call's variables, as POST /calls/outbound does.
const maxCallVariables = 100

// famulorCallVariables reads the call's variables: text, numbers and
// booleans, as the text they fill in.
func famulorCallVariables(v jsonobj.Object) map[string]string {
	out := map[string]string{}
	keys := v.Keys()
	if len(keys) > maxCallVariables {
		v.Fail("", "must have at most %d variables", maxCallVariables)
		return nil
	}
	for _, k := range keys {
		if !typeddoc.IsVarName(k) {
			v.Fail(k, "must be a name of letters, digits and _ that does not start with a digit (at most 64)")
			continue
		}
		var text string
		switch x := v.Raw(k).(type) {
		case string:
			text = x
		case json.Number:
			text = x.String()
		case bool:
			text = strconv.FormatBool(x)
		default:
			v.Fail(k, "must be a string, a number or a boolean")
			continue
		}
		if len([]rune(text)) > 1000 {
			v.Fail(k, "must not be longer than 1000 characters")
			continue
		}
		out[k] = text
	}
	return out
}

// famulorAssistantNumber is the number the assistant calls from: the first
// of those assigned to it.
func (a *API) famulorAssistantNumber(ctx context.Context, orgID, assistantID int64) (string, error) {
	numbers, _, err := a.Store.ListPhoneNumbers(ctx, orgID, persistence.PhoneNumberFilter{AssistantID: &assistantID, Limit: 1})
	if err != nil || len(numbers) == 0 {
		return "", err
	}
	return numbers[0].PhoneNumber, nil
}

func (a *API) famulorMakeCall(c *fiber.Ctx) error {
	r, err := famulorCallBody(c.Body())
	if err != nil {
		return err
	}
	ctx, org := c.UserContext(), principal(c).OrganizationID
	if r.uuid != "" {
		if r.assistantID, err = a.Store.AssistantIDByUUID(ctx, org, r.uuid); err != nil {
			return famulorFail(err)
		}
	}
	snap, err := a.Assistants.Get(ctx, org, r.assistantID)
	if err != nil {
		return famulorFail(err)
	}
	from, err := a.famulorAssistantNumber(ctx, org, snap.ID)
	if err != nil {
		return famulorErrors.unavailable(err)
	}
	if from == "" {
		return famulorProblems([]jsonobj.Problem{{Path: "assistant_id", Msg: "has no phone number to call from: assign one (phone_number_id)"}})
	}
	dialed, err := a.place(ctx, snap, OutboundCall{OrganizationID: org, AssistantID: snap.ID, From: from, To: r.to, Variables: r.variables})
	if err != nil {
		return famulorDialFail(err)
	}
	return c.JSON(famulorPlaced{Message: "Call initiated successfully", Data: famulorPlacedCall{CallSID: dialed.CallSID,
		Status: persistence.StatusQueued, AssistantID: snap.ID, PhoneNumber: r.to, FromNumber: from, Carrier: dialed.Carrier}})
}

// famulorDialFail answers a call that was not placed in Famulor's shape.
func famulorDialFail(err error) error {
	var refused *dialRefused
	if errors.As(err, &refused) {
		field := refused.field
		if field == "from" {
			field, refused.msg = "assistant_id", "has a phone number (phone_number_id) its carrier cannot call from"
		}
		return famulorProblems([]jsonobj.Problem{{Path: field, Msg: refused.msg}})
	}
	return &server.Error{Status: fiber.StatusBadGateway, Body: famulorMessage{Message: "The carrier did not place the call."}, Err: err}
}
