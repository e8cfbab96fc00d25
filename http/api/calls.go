package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/contrib/websocket"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/internal/ptr"
	"github.com/switchboard-voice/switchboard/persistence"
)

// CallStore is what the calls routes read.
type CallStore interface {
	ListCalls(ctx context.Context, orgID int64, f persistence.CallFilter) ([]persistence.CallRow, int, error)
	GetCall(ctx context.Context, orgID, id int64) (persistence.CallRow, error)
	GetCallBySID(ctx context.Context, orgID int64, sid string) (persistence.CallRow, error)
	ListTranscripts(ctx context.Context, orgID, callID int64, speaker string) ([]persistence.TranscriptRow, error)
	ListChatMessages(ctx context.Context, orgID, callID int64) ([]persistence.ChatMessageRow, error)
	ListCallEvents(ctx context.Context, orgID, callID int64, kind string) ([]persistence.CallEventRow, error)
	ListWebhookLogs(ctx context.Context, orgID, callID int64, webhookType string) ([]persistence.WebhookLogRow, error)
	GetCallAnalysis(ctx context.Context, orgID, callID int64) (persistence.CallAnalysis, error)
}

// terminateWait is how long terminate waits for the call to end before
// answering 202.
const terminateWait = 3 * time.Second

// mountCalls registers the calls routes: the record always, terminate and
// outbound when this node has live calls and a dialer.
func (a *API) mountCalls(v1 openapi.Router) {
	cs := v1.Group("/calls").With(callsTag)
	cs.Get("/", docListCalls, a.listCalls)
	if a.Analytics != nil { // before /:call_id
		cs.Get("/count", docCountCalls, a.countCalls)
		cs.Get("/stats", docCallStats, a.callStats)
		cs.Get("/analytics", docCallAnalytics, a.callAnalytics)
		cs.Get("/export", docExportCalls, a.exportCalls)
	}
	if a.LiveCalls != nil {
		cs.Get("/live", docListLiveCalls, a.listLiveCalls) // before /:call_id
	}
	cs.Get("/sid/:call_sid", docGetCallBySID, a.getCallBySID)
	cs.Get("/:call_id", docGetCall, a.getCall)
	cs.Get("/:call_id/transcripts", docListTranscripts, a.listTranscripts)
	cs.Get("/:call_id/transcripts/export", docExportTranscripts, a.exportTranscripts)
	cs.Get("/:call_id/messages", docListMessages, a.listChatMessages)
	cs.Get("/:call_id/events", docListEvents, a.listCallEvents)
	cs.Get("/:call_id/webhook-logs", docListWebhookLogs, a.listWebhookLogs)
	cs.Get("/:call_id/analysis", docGetCallAnalysis, a.getCallAnalysis)
	if a.LiveCalls != nil {
		cs.Post("/:call_sid/terminate", docTerminateCall, a.terminateCall)
	}
	if a.LiveCalls != nil && a.Watchers != nil {
		cs.Get("/:call_sid/live", docWatchCall, a.watchCall, websocket.New(a.streamCall, websocket.Config{
			HandshakeTimeout: 10 * time.Second,
			RecoverHandler: func(*websocket.Conn) { // never echo a panic to the client
				a.Log.Error("live call stream panicked")
			},
		}))
	}
	if a.Dialer != nil && a.Placed != nil {
		cs.Post("/outbound", docPlaceCall, a.placeCall)
	}
	if a.Recordings != nil {
		cs.Get("/:call_id/recordings", docListRecordings, a.listRecordings)
		cs.Get("/:call_id/recordings/:recording_id/download", docDownloadRecording, a.downloadRecording)
	}
}

// callFail turns a store error into the HTTP error clients see.
func callFail(err error, subject string) error {
	if errors.Is(err, persistence.ErrNotFound) {
		return server.Detail(fiber.StatusNotFound, subject+" not found in your organization")
	}
	return &server.Error{Status: fiber.StatusServiceUnavailable, Body: fiber.Map{"detail": "Service temporarily unavailable, retry shortly"}, Err: err}
}

// callResponse is Burki's CallResponse without its cost fields, plus the
// end reason, the configuration version the call started with and its
// post-call analysis.
type callResponse struct {
	ID                  int64             `json:"id"`
	CallSID             string            `json:"call_sid"`
	AssistantID         *int64            `json:"assistant_id"`
	AssistantName       *string           `json:"assistant_name"`
	ToPhoneNumber       string            `json:"to_phone_number"` // the assistant's number
	CustomerPhoneNumber string            `json:"customer_phone_number"`
	Status              string            `json:"status"`
	Duration            *int64            `json:"duration"` // seconds
	StartedAt           *time.Time        `json:"started_at"`
	EndedAt             *time.Time        `json:"ended_at"`
	EndedReason         *string           `json:"ended_reason"`
	Consent             *string           `json:"consent"`     // agreed, declined, no-answer; null: not asked
	AnsweredBy          *string           `json:"answered_by"` // human or machine; null: not detected
	ConfigVersion       *int              `json:"config_version"`
	CallMeta            callMeta          `json:"call_meta"`
	Analysis            *analysisResponse `json:"analysis"` // null: the call is not analysed
	CreatedAt           time.Time         `json:"created_at"`
	UpdatedAt           time.Time         `json:"updated_at"`
}

type callMeta struct {
	Direction string `json:"direction"`
	Carrier   string `json:"carrier"`
	From      string `json:"from"`
	To        string `json:"to"`
}

func newCallResponse(c persistence.CallRow) callResponse {
	out := callResponse{ID: c.ID, CallSID: c.CallSID, AssistantID: c.AssistantID, AssistantName: c.AssistantName,
		ToPhoneNumber: c.AssistantNumber, CustomerPhoneNumber: c.CustomerNumber, Status: c.Status, StartedAt: c.StartedAt,
		EndedAt: c.EndedAt, EndedReason: c.EndedReason, Consent: c.Consent, AnsweredBy: c.AnsweredBy, ConfigVersion: c.ConfigVersion,
		CallMeta:  callMeta{Direction: c.Direction, Carrier: c.Carrier, From: c.From, To: c.To},
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	if c.DurationMS != nil {
		s := (*c.DurationMS + 500) / 1000
		out.Duration = &s
	}
	if c.Analysis != nil {
		a := newAnalysisResponse(*c.Analysis)
		out.Analysis = &a
	}
	return out
}

func (a *API) listCalls(c *fiber.Ctx) error {
	pg, err := pagination(c, listLimits)
	if err != nil {
		return err
	}
	f, err := callFilter(c)
	if err != nil {
		return err
	}
	f.Skip, f.Limit = pg.Skip, pg.Limit
	rows, total, err := a.Calls.ListCalls(c.UserContext(), principal(c).OrganizationID, f)
	if err != nil {
		return callFail(err, "Calls")
	}
	out := listPage[callResponse]{Items: make([]callResponse, len(rows)), Total: total, page: pg}
	for i, r := range rows {
		out.Items[i] = newCallResponse(r)
	}
	return c.JSON(out)
}

// callFilter reads the calls' filters: status, assistant_id,
// customer_phone, date_from and date_to.
func callFilter(c *fiber.Ctx) (persistence.CallFilter, error) {
	customer, err := queryText(c, "customer_phone")
	if err != nil {
		return persistence.CallFilter{}, err
	}
	f := persistence.CallFilter{CustomerNumber: strings.TrimSpace(customer)}
	if s := c.Query("status"); s != "" {
		if !slices.Contains(persistence.CallStatuses, s) {
			return f, badParam("query", "status", "must be one of %s", strings.Join(persistence.CallStatuses, ", "))
		}
		f.Status = strings.Clone(s)
	}
	if raw := c.Query("assistant_id"); raw != "" {
		if f.AssistantID, err = strconv.ParseInt(raw, 10, 64); err != nil || f.AssistantID <= 0 {
			return f, badParam("query", "assistant_id", "must be a positive integer")
		}
	}
	if f.From, err = queryTime(c, "date_from", false); err != nil {
		return f, err
	}
	if f.To, err = queryTime(c, "date_to", true); err != nil {
		return f, err
	}
	if f.From != nil && f.To != nil && f.To.Before(*f.From) {
		return f, badParam("query", "date_to", "must not be before date_from")
	}
	return f, nil
}

// queryTime reads an ISO 8601 date or date-time; one without a zone is
// UTC. A date alone means the start of that day, or with endOfDay its last
// instant, so date_to=2026-11-21 includes the whole day.
func queryTime(c *fiber.Ctx, name string, endOfDay bool) (*time.Time, error) {
	raw := c.Query(name)
	if raw == "" {
		return nil, nil
	}
	t, err := parseISOTime(raw, endOfDay)
	if err != nil {
		return nil, badParam("query", name, "must be an ISO 8601 date or date-time, e.g. 2026-11-21 or 2026-11-21T09:30:00Z")
	}
	return &t, nil
}

var isoLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999", "2006-01-02T15:04Z07:00", "2006-01-02T15:04"}

func parseISOTime(raw string, endOfDay bool) (time.Time, error) {
	if d, err := time.Parse(time.DateOnly, raw); err == nil {
		if endOfDay {
			d = d.AddDate(0, 0, 1).Add(-time.Nanosecond)
		}
		return d, nil
	}
	var err error
	for _, layout := range isoLayouts {
		var t time.Time
		if t, err = time.Parse(layout, raw); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

func (a *API) getCall(c *fiber.Ctx) error {
	row, err := a.callOf(c)
	if err != nil {
		return err
	}
	return c.JSON(newCallResponse(row))
}

func (a *API) getCallBySID(c *fiber.Ctx) error {
	sid, err := pathText(c, "call_sid")
	if err != nil {
		return err
	}
	row, err := a.Calls.GetCallBySID(c.UserContext(), principal(c).OrganizationID, sid)
	if err != nil {
		return callFail(err, fmt.Sprintf("Call with SID %s", sid))
	}
	return c.JSON(newCallResponse(row))
}

// callOf loads the call of the path's call_id, in the caller's organization.
func (a *API) callOf(c *fiber.Ctx) (persistence.CallRow, error) {
	id, err := pathID(c, "call_id")
	if err != nil {
		return persistence.CallRow{}, err
	}
	row, err := a.Calls.GetCall(c.UserContext(), principal(c).OrganizationID, id)
	if err != nil {
		return persistence.CallRow{}, callFail(err, fmt.Sprintf("Call with ID %d", id))
	}
	return row, nil
}

// queryEnum reads an optional query parameter restricted to values.
func queryEnum(c *fiber.Ctx, name string, values ...string) (string, error) {
	v := c.Query(name)
	if v != "" && !slices.Contains(values, v) {
		return "", badParam("query", name, "must be one of %s", strings.Join(values, ", "))
	}
	return strings.Clone(v), nil
}

type transcriptResponse struct {
	ID           int64     `json:"id"`
	CallID       int64     `json:"call_id"`
	Content      string    `json:"content"`
	IsFinal      bool      `json:"is_final"`
	Speaker      string    `json:"speaker"`
	SegmentStart float64   `json:"segment_start"`
	SegmentEnd   float64   `json:"segment_end"`
	Confidence   *float64  `json:"confidence"`
	CreatedAt    time.Time `json:"created_at"`
}

func (a *API) listTranscripts(c *fiber.Ctx) error {
	out, err := a.transcriptsOf(c)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// transcriptsOf reads the transcript of the call in the path, optionally
// one ?speaker='s.
func (a *API) transcriptsOf(c *fiber.Ctx) ([]transcriptResponse, error) {
	speaker, err := queryEnum(c, "speaker", string(events.Caller), string(events.Assistant))
	if err != nil {
		return nil, err
	}
	row, err := a.callOf(c)
	if err != nil {
		return nil, err
	}
	ts, err := a.Calls.ListTranscripts(c.UserContext(), row.OrganizationID, row.ID, speaker)
	if err != nil {
		return nil, callFail(err, "Transcripts")
	}
	out := make([]transcriptResponse, len(ts))
	for i, t := range ts {
		out[i] = transcriptResponse{ID: t.ID, CallID: t.CallID, Content: t.Content, IsFinal: true, Speaker: t.Speaker,
			SegmentStart: t.SegmentStart, SegmentEnd: t.SegmentEnd, Confidence: t.Confidence, CreatedAt: t.CreatedAt}
	}
	return out, nil
}

type chatMessageResponse struct {
	ID           int64           `json:"id"`
	CallID       int64           `json:"call_id"`
	Role         string          `json:"role"`
	Content      string          `json:"content"`
	MessageIndex int             `json:"message_index"`
	ToolCalls    json.RawMessage `json:"tool_calls"`
	ToolCallID   *string         `json:"tool_call_id"`
	Timestamp    time.Time       `json:"timestamp"`
}

func (a *API) listChatMessages(c *fiber.Ctx) error {
	row, err := a.callOf(c)
	if err != nil {
		return err
	}
	ms, err := a.Calls.ListChatMessages(c.UserContext(), row.OrganizationID, row.ID)
	if err != nil {
		return callFail(err, "Messages")
	}
	out := make([]chatMessageResponse, len(ms))
	for i, m := range ms {
		out[i] = chatMessageResponse{ID: m.ID, CallID: m.CallID, Role: m.Role, Content: m.Content, MessageIndex: m.Index,
			ToolCalls: jsonOrNull(m.ToolCalls), ToolCallID: m.ToolCallID, Timestamp: m.CreatedAt}
	}
	return c.JSON(out)
}

// jsonOrNull keeps a stored JSON value, or null when there is none.
func jsonOrNull(v json.RawMessage) json.RawMessage {
	if len(v) == 0 {
		return json.RawMessage("null")
	}
	return v
}

type callEventResponse struct {
	ID        int64           `json:"id"`
	CallID    int64           `json:"call_id"`
	Seq       int32           `json:"seq"`
	Kind      string          `json:"kind"`
	Data      json.RawMessage `json:"data"`
	CreatedAt time.Time       `json:"created_at"`
}

func (a *API) listCallEvents(c *fiber.Ctx) error {
	row, err := a.callOf(c)
	if err != nil {
		return err
	}
	kind, err := queryText(c, "kind")
	if err != nil {
		return err
	}
	evs, err := a.Calls.ListCallEvents(c.UserContext(), row.OrganizationID, row.ID, kind)
	if err != nil {
		return callFail(err, "Events")
	}
	out := make([]callEventResponse, len(evs))
	for i, e := range evs {
		out[i] = callEventResponse{ID: e.ID, CallID: e.CallID, Seq: e.Seq, Kind: e.Kind, Data: e.Data, CreatedAt: e.CreatedAt}
	}
	return c.JSON(out)
}

type webhookLogResponse struct {
	ID                 int64           `json:"id"`
	CallID             int64           `json:"call_id"`
	AssistantID        *int64          `json:"assistant_id"`
	WebhookURL         string          `json:"webhook_url"`
	WebhookType        string          `json:"webhook_type"`
	RequestPayload     json.RawMessage `json:"request_payload"`
	RequestHeaders     json.RawMessage `json:"request_headers"`
	ResponseStatusCode *int            `json:"response_status_code"`
	ResponseBody       *string         `json:"response_body"`
	ResponseTimeMS     int             `json:"response_time_ms"`
	Success            bool            `json:"success"`
	ErrorMessage       *string         `json:"error_message"`
	RetryCount         int             `json:"retry_count"`
	AttemptedAt        time.Time       `json:"attempted_at"`
}

func (a *API) listWebhookLogs(c *fiber.Ctx) error {
	typ, err := queryEnum(c, "webhook_type", persistence.WebhookStatusUpdate, persistence.WebhookEndOfCall, persistence.WebhookTranscript)
	if err != nil {
		return err
	}
	row, err := a.callOf(c)
	if err != nil {
		return err
	}
	logs, err := a.Calls.ListWebhookLogs(c.UserContext(), row.OrganizationID, row.ID, typ)
	if err != nil {
		return callFail(err, "Webhook logs")
	}
	out := make([]webhookLogResponse, len(logs))
	for i, l := range logs {
		out[i] = webhookLogResponse{ID: l.ID, CallID: l.CallID, AssistantID: l.AssistantID, WebhookURL: l.WebhookURL,
			WebhookType: l.WebhookType, RequestPayload: jsonOrNull(l.RequestPayload), RequestHeaders: l.RequestHeaders,
			ResponseStatusCode: l.ResponseStatusCode, ResponseBody: l.ResponseBody, ResponseTimeMS: l.ResponseTimeMS,
			Success: l.Success, ErrorMessage: l.ErrorMessage, RetryCount: l.Attempt - 1, AttemptedAt: l.AttemptedAt}
	}
	return c.JSON(out)
}

// terminated is what terminating a call answers.
type terminated struct {
	CallSID     string  `json:"call_sid"`
	Status      string  `json:"status" check:"enum=ended|ending"` // ending: still saying goodbye after a few seconds
	EndedReason *string `json:"ended_reason"`
}

// terminateCall ends a live call of the organization through its actor.
func (a *API) terminateCall(c *fiber.Ctx) error {
	sid, err := pathText(c, "call_sid")
	if err != nil {
		return err
	}
	org := principal(c).OrganizationID
	live, ok := a.LiveCalls.Get(sid)
	if !ok || live.OrganizationID != org {
		return a.terminateElsewhere(c, org, sid)
	}
	live.End(events.EndTerminated, "")
	t := time.NewTimer(terminateWait)
	defer t.Stop()
	select {
	case <-live.Done():
		reason := live.Reason()
		return c.JSON(terminated{CallSID: live.ID, Status: "ended", EndedReason: &reason})
	case <-t.C:
		return c.Status(fiber.StatusAccepted).JSON(terminated{CallSID: live.ID, Status: "ending"})
	}
}

// terminateElsewhere ends a call another node runs.
func (a *API) terminateElsewhere(c *fiber.Ctx, org int64, sid string) error {
	var t Termination
	if a.Nodes != nil {
		t = a.Nodes.TerminateCall(org, sid, terminateWait)
	}
	switch {
	case !t.Found:
		return server.Detail(fiber.StatusNotFound, fmt.Sprintf("No live call %s in your organization", sid))
	case t.Ended:
		return c.JSON(terminated{CallSID: sid, Status: "ended", EndedReason: &t.Reason})
	}
	return c.Status(fiber.StatusAccepted).JSON(terminated{CallSID: sid, Status: "ending"})
}

// outboundRequest is POST /calls/outbound's body.
type outboundRequest struct {
	AssistantID int64  `json:"assistant_id" check:"required,min=1"`
	To          string `json:"to" check:"required,e164"`
	From        string `json:"from" check:"required,e164"` // one of the organization's numbers
	// Variables fill {{name}} for this call, over the assistant's own
	// (optional: a pointer).
	Variables *map[string]string `json:"variables" check:"maxitems=100,varname,maxlen=1000"`
}

var outboundBody = newStrictBody[outboundRequest]()

// placed is a call the carrier accepted, recorded as queued.
type placed struct {
	CallSID     string `json:"call_sid"`
	Status      string `json:"status"`
	AssistantID int64  `json:"assistant_id"`
	From        string `json:"from"`
	To          string `json:"to"`
	Carrier     string `json:"carrier"`
}

// placeCall places an outbound call for an active assistant of the
// organization and records it as queued.
func (a *API) placeCall(c *fiber.Ctx) error {
	body, err := jsonBody(c)
	if err != nil {
		return err
	}
	req, err := outboundBody.parse(body)
	if err != nil {
		return err
	}
	org := principal(c).OrganizationID
	snap, err := a.Assistants.Get(c.UserContext(), org, req.AssistantID)
	if err != nil {
		return fail(err, fmt.Sprintf("Assistant with ID %d", req.AssistantID))
	}
	out := OutboundCall{OrganizationID: org, AssistantID: snap.ID, From: req.From, To: req.To, Variables: ptr.Value(req.Variables)}
	dialed, err := a.place(c.UserContext(), snap, out)
	var refused *dialRefused
	switch {
	case errors.As(err, &refused):
		return badParam("body", refused.field, "%s", refused.msg)
	case err != nil:
		return &server.Error{Status: fiber.StatusBadGateway, Body: fiber.Map{"detail": "The carrier did not place the call"}, Err: err}
	}
	return c.Status(fiber.StatusCreated).JSON(placed{CallSID: dialed.CallSID, Status: persistence.StatusQueued,
		AssistantID: snap.ID, From: out.From, To: out.To, Carrier: dialed.Carrier})
}
