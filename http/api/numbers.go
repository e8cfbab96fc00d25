package api

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/persistence"
)

// numberCreate is a POST /phone-numbers body.
type numberCreate struct {
	PhoneNumber  string  `json:"phone_number" check:"required,e164"`
	Provider     string  `json:"provider" check:"required,enum=twilio|telnyx|vonage|plivo|web|sip"`
	FriendlyName *string `json:"friendly_name" check:"maxlen=200"`
	AssistantID  *int64  `json:"assistant_id" check:"min=1"`
	IsActive     *bool   `json:"is_active"`
	SIPTrunkID   *int64  `json:"sip_trunk_id" check:"min=1"`
}

// numberUpdate is a PATCH /phone-numbers/{id} body: the fields sent
// change; a null friendly_name clears it and a null assistant_id unassigns.
type numberUpdate struct {
	FriendlyName *string `json:"friendly_name" check:"maxlen=200"`
	AssistantID  *int64  `json:"assistant_id" check:"min=1"`
	IsActive     *bool   `json:"is_active"`
	SIPTrunkID   *int64  `json:"sip_trunk_id" check:"min=1"`
}

// numberAssign is a POST /phone-numbers/{id}/assign body.
type numberAssign struct {
	AssistantID int64 `json:"assistant_id" check:"min=1"`
}

var (
	numberCreateBody = newStrictBody[numberCreate]()
	numberUpdateBody = newStrictBody[numberUpdate]()
	numberAssignBody = newStrictBody[numberAssign]()
)

// parseNumberUpdate reads a PATCH body into the change it asks for.
func parseNumberUpdate(body []byte) (persistence.PhoneNumberUpdate, error) {
	doc, err := decodeBody(body)
	if err != nil {
		return persistence.PhoneNumberUpdate{}, err
	}
	var fixed []assistant.FieldError
	for _, k := range []string{"phone_number", "provider"} {
		if _, present := doc[k]; present {
			fixed = append(fixed, assistant.FieldError{Loc: []any{k}, Msg: "cannot be changed; delete the number and add it again", Type: "value_error"})
		}
	}
	if len(fixed) > 0 {
		return persistence.PhoneNumberUpdate{}, validation("body", fixed)
	}
	w, err := numberUpdateBody.check(doc)
	if err != nil {
		return persistence.PhoneNumberUpdate{}, err
	}
	_, setName := doc["friendly_name"]
	_, setAssistant := doc["assistant_id"]
	_, setTrunk := doc["sip_trunk_id"]
	return persistence.PhoneNumberUpdate{
		FriendlyName: w.FriendlyName, SetFriendlyName: setName,
		AssistantID: w.AssistantID, SetAssistant: setAssistant,
		IsActive: w.IsActive, SIPTrunkID: w.SIPTrunkID, SetSIPTrunk: setTrunk,
	}, nil
}

// checkAssistant makes sure an assistant to assign is in the caller's
// organization.
func (a *API) checkAssistant(c *fiber.Ctx, id *int64) error {
	if id == nil {
		return nil
	}
	if _, err := a.Assistants.Get(c.UserContext(), principal(c).OrganizationID, *id); err != nil {
		if errors.Is(err, assistants.ErrNotFound) {
			return validation("body", []assistant.FieldError{{Loc: []any{"assistant_id"}, Msg: "no such assistant in your organization", Type: "value_error"}})
		}
		return fail(err, "Assistant")
	}
	return nil
}

func numberError(err error, id int64) error {
	switch {
	case errors.Is(err, persistence.ErrNotFound):
		return server.Detail(fiber.StatusNotFound, fmt.Sprintf("Phone number %d not found in your organization", id))
	case errors.Is(err, persistence.ErrDuplicate):
		return server.Detail(fiber.StatusConflict, "This phone number is already registered")
	default:
		return fail(fmt.Errorf("%w: %w", assistants.ErrUnavailable, err), "Phone number")
	}
}

func (a *API) createNumber(c *fiber.Ctx) error {
	body, err := jsonBody(c)
	if err != nil {
		return err
	}
	w, err := numberCreateBody.parse(body)
	if err != nil {
		return err
	}
	if err := a.checkAssistant(c, w.AssistantID); err != nil {
		return err
	}
	if w.SIPTrunkID != nil && w.Provider != "sip" {
		return validation("body", []assistant.FieldError{{Loc: []any{"sip_trunk_id"}, Msg: "only a number whose provider is sip has a SIP trunk", Type: "value_error"}})
	}
	if err := a.checkTrunk(c, w.SIPTrunkID); err != nil {
		return err
	}
	active := w.IsActive == nil || *w.IsActive
	n, err := a.Store.CreatePhoneNumber(c.UserContext(), persistence.PhoneNumber{
		OrganizationID: principal(c).OrganizationID, PhoneNumber: w.PhoneNumber, Provider: w.Provider,
		FriendlyName: w.FriendlyName, AssistantID: w.AssistantID, IsActive: active, SIPTrunkID: w.SIPTrunkID,
	})
	if err != nil {
		return numberError(err, 0)
	}
	return c.Status(fiber.StatusCreated).JSON(n)
}

func (a *API) listNumbers(c *fiber.Ctx) error {
	pg, err := pagination(c, listLimits)
	if err != nil {
		return err
	}
	f := persistence.PhoneNumberFilter{Skip: pg.Skip, Limit: pg.Limit}
	if raw := c.Query("assistant_id"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return badParam("query", "assistant_id", "must be an integer")
		}
		f.AssistantID = &id
	}
	return a.sendNumbers(c, f, pg)
}

func (a *API) sendNumbers(c *fiber.Ctx, f persistence.PhoneNumberFilter, pg page) error {
	list, total, err := a.Store.ListPhoneNumbers(c.UserContext(), principal(c).OrganizationID, f)
	if err != nil {
		return numberError(err, 0)
	}
	return c.JSON(listPage[persistence.PhoneNumber]{Items: list, Total: total, page: pg})
}

func (a *API) getNumber(c *fiber.Ctx) error {
	id, err := pathID(c, "phone_number_id")
	if err != nil {
		return err
	}
	n, err := a.Store.PhoneNumber(c.UserContext(), principal(c).OrganizationID, id)
	if err != nil {
		return numberError(err, id)
	}
	return c.JSON(n)
}

// ownedNumber is the path's phone_number_id once the number is the
// caller's organization's (else a 404): checked before any body is read.
func (a *API) ownedNumber(c *fiber.Ctx) (persistence.PhoneNumber, error) {
	id, err := pathID(c, "phone_number_id")
	if err != nil {
		return persistence.PhoneNumber{}, err
	}
	n, err := a.Store.PhoneNumber(c.UserContext(), principal(c).OrganizationID, id)
	if err != nil {
		return persistence.PhoneNumber{}, numberError(err, id)
	}
	return n, nil
}

func (a *API) updateNumber(c *fiber.Ctx) error {
	n, err := a.ownedNumber(c)
	if err != nil {
		return err
	}
	id := n.ID
	body, err := jsonBody(c)
	if err != nil {
		return err
	}
	u, err := parseNumberUpdate(body)
	if err != nil {
		return err
	}
	if u.SIPTrunkID != nil && n.Provider != "sip" {
		return validation("body", []assistant.FieldError{{Loc: []any{"sip_trunk_id"}, Msg: "only a number whose provider is sip has a SIP trunk", Type: "value_error"}})
	}
	if err := a.checkTrunk(c, u.SIPTrunkID); err != nil {
		return err
	}
	return a.applyNumber(c, id, u)
}

func (a *API) applyNumber(c *fiber.Ctx, id int64, u persistence.PhoneNumberUpdate) error {
	if err := a.checkAssistant(c, u.AssistantID); err != nil {
		return err
	}
	n, err := a.Store.UpdatePhoneNumber(c.UserContext(), principal(c).OrganizationID, id, u)
	if err != nil {
		return numberError(err, id)
	}
	return c.JSON(n)
}

func (a *API) deleteNumber(c *fiber.Ctx) error {
	id, err := pathID(c, "phone_number_id")
	if err != nil {
		return err
	}
	if err := a.Store.DeletePhoneNumber(c.UserContext(), principal(c).OrganizationID, id); err != nil {
		return numberError(err, id)
	}
	return c.JSON(messageBody{Message: fmt.Sprintf("Phone number %d deleted", id)})
}

// assignNumber serves both POST /phone-numbers/{id}/assign {assistant_id}
// and Burki's POST /assistants/{id}/phone-numbers/{phone_number_id}/assign.
func (a *API) assignNumber(c *fiber.Ctx) error {
	// the resources in the path first (404), then the body (422)
	var assistantID int64
	var err error
	inPath := c.Params("assistant_id") != ""
	if inPath {
		if assistantID, err = a.ownedAssistant(c); err != nil {
			return err
		}
	}
	n, err := a.ownedNumber(c)
	if err != nil {
		return err
	}
	id := n.ID
	if !inPath {
		body, err := jsonBody(c)
		if err != nil {
			return err
		}
		w, err := numberAssignBody.parse(body)
		if err != nil {
			return err
		}
		assistantID = w.AssistantID
	}
	return a.applyNumber(c, id, persistence.PhoneNumberUpdate{SetAssistant: true, AssistantID: &assistantID})
}

func (a *API) unassignNumber(c *fiber.Ctx) error {
	var aid int64
	var err error
	inPath := c.Params("assistant_id") != ""
	if inPath {
		if aid, err = a.ownedAssistant(c); err != nil {
			return err
		}
	}
	n, err := a.ownedNumber(c)
	if err != nil {
		return err
	}
	id := n.ID
	if inPath {
		if n.AssistantID == nil || *n.AssistantID != aid {
			return server.Detail(fiber.StatusNotFound, fmt.Sprintf("Phone number %d is not assigned to assistant %d", id, aid))
		}
	}
	return a.applyNumber(c, id, persistence.PhoneNumberUpdate{SetAssistant: true})
}

// assistantNumbers lists the numbers assigned to an assistant.
func (a *API) assistantNumbers(c *fiber.Ctx) error {
	id, err := a.ownedAssistant(c)
	if err != nil {
		return err
	}
	pg, err := pagination(c, listLimits)
	if err != nil {
		return err
	}
	return a.sendNumbers(c, persistence.PhoneNumberFilter{AssistantID: &id, Skip: pg.Skip, Limit: pg.Limit}, pg)
}

// assistantByPhone finds the assistant a number of the caller's
// organization is assigned to.
func (a *API) assistantByPhone(c *fiber.Ctx) error {
	number, err := pathText(c, "phone_number")
	if err != nil {
		return err
	}
	n, err := a.Store.PhoneNumberByNumber(c.UserContext(), number)
	org := principal(c).OrganizationID
	if errors.Is(err, persistence.ErrNotFound) || (err == nil && (n.OrganizationID != org || n.AssistantID == nil)) {
		return server.Detail(fiber.StatusNotFound, fmt.Sprintf("No assistant is assigned to phone number %s", number))
	}
	if err != nil {
		return numberError(err, 0)
	}
	snap, err := a.Assistants.Get(c.UserContext(), org, *n.AssistantID)
	if err != nil {
		return fail(err, fmt.Sprintf("Assistant with ID %d", *n.AssistantID))
	}
	return a.sendSnapshot(c, fiber.StatusOK, snap)
}
