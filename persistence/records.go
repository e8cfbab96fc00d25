package persistence

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/switchboard-voice/switchboard/assistant"
)

// ErrInvalidRecord means a call record lacks what its kind needs.
var ErrInvalidRecord = errors.New("persistence: invalid call record")

// RecordKind says what a Record writes.
type RecordKind string

// Record kinds.
const (
	RecordPlaced     RecordKind = "placed"     // an outbound call was placed: the call row, queued
	RecordStarted    RecordKind = "started"    // the call's media began: the call row, in progress
	RecordStatus     RecordKind = "status"     // a carrier status callback
	RecordTranscript RecordKind = "transcript" // a transcript row and/or a live transcript webhook
	RecordEvent      RecordKind = "event"      // a call_events row
	RecordHistory    RecordKind = "history"    // the conversation: chat_messages
	RecordEnded      RecordKind = "ended"      // the call ended: its end, and its end-of-call webhooks
	RecordRecording  RecordKind = "recording"  // the call's recording files: recordings rows
)

// Record is one write of a call's record. Records of a call are written in
// the order they were made; each is idempotent (keyed by call SID and Seq,
// or guarded by the call's state), so writing one again changes nothing.
// Its JSON form is the writer's spill file format: keep it compatible.
type Record struct {
	Kind    RecordKind `json:"kind"`
	CallSID string     `json:"call_sid"`
	Seq     int32      `json:"seq,omitempty"` // the event's number within its call
	At      time.Time  `json:"at"`

	Call       *CallInfo         `json:"call,omitempty"`       // placed, started
	Status     *StatusUpdate     `json:"status,omitempty"`     // status
	Transcript *TranscriptRecord `json:"transcript,omitempty"` // transcript
	Event      *EventRecord      `json:"event,omitempty"`      // event
	Messages   []ChatMessage     `json:"messages,omitempty"`   // history
	End        *CallEnd          `json:"end,omitempty"`        // ended
	Recordings []RecordingFile   `json:"recordings,omitempty"` // recording
}

// RecordingFile is one track file of a call's recording.
type RecordingFile struct {
	Type       string `json:"type"` // user, assistant or mixed
	Format     string `json:"format"`
	SampleRate int    `json:"sample_rate"`
	Channels   int    `json:"channels"`
	DurationMS int64  `json:"duration_ms"`
	Size       int64  `json:"size"`
	Path       string `json:"path"` // relative to the recordings root
}

// CallInfo is what a call row starts from.
type CallInfo struct {
	OrganizationID int64  `json:"organization_id"`
	AssistantID    int64  `json:"assistant_id"`
	ConfigVersion  int    `json:"config_version,omitempty"`
	From           string `json:"from"`
	To             string `json:"to"`
	Direction      string `json:"direction"`
	Carrier        string `json:"carrier"`
	WebhookURL     string `json:"webhook_url,omitempty"`
	Boot           string `json:"boot,omitempty"` // the engine process running the call (started records)
	// Private: GDPR mode; the customer's number is masked by the caller.
	Private bool `json:"private,omitempty"`
	// Webhook says how the call's webhooks are sent; nil: Switchboard's
	// defaults.
	Webhook *CallWebhook `json:"webhook,omitempty"`
	// DialID names the call-time variables of a placed call (placed
	// records), sealed in dial_variables.
	DialID string `json:"dial_id,omitempty"`
}

// CallWebhook is how a call's webhooks are sent (the calls.webhook_*
// columns): assistant.CallWebhook without the URL.
type CallWebhook struct {
	Format    string    `json:"format"`           // switchboard, voicedock or famulor
	Events    *[]string `json:"events,omitempty"` // the only types sent; nil: every type
	Reports   string    `json:"reports"`          // answered, completed or all
	Recording bool      `json:"recording"`
}

// SetWebhook sets where and how the call's webhooks go.
func (c *CallInfo) SetWebhook(w assistant.CallWebhook) {
	c.WebhookURL = w.URL
	c.Webhook = &CallWebhook{Format: w.Format, Events: w.Events, Reports: w.Reports, Recording: w.Recording}
	if w.URL == "" {
		c.Webhook = nil
	}
}

// columns gives the webhook columns' values, the defaults for nil.
func (w *CallWebhook) columns() (format string, events *[]string, reports string, recording bool) {
	if w == nil {
		return "switchboard", nil, "answered", true
	}
	return w.Format, w.Events, w.Reports, w.Recording
}

// StatusUpdate is a carrier's status callback; Status is one of the
// Status* values.
type StatusUpdate struct {
	Carrier string `json:"carrier"`
	Status  string `json:"status"`
}

// TranscriptRecord is one transcript. A final one is stored; a live one
// (final or not) is also sent as a `transcript` webhook.
type TranscriptRecord struct {
	Speaker    string  `json:"speaker"`
	Text       string  `json:"text"`
	Final      bool    `json:"final,omitempty"`
	Live       bool    `json:"live,omitempty"`
	Confidence float64 `json:"confidence,omitempty"`
	Start      float64 `json:"start"` // seconds from the start of the call
	End        float64 `json:"end"`
}

// EventRecord is any other event: its kind and its data as a JSON object.
type EventRecord struct {
	Kind string          `json:"kind"`
	Data json.RawMessage `json:"data"`
}

// ChatMessage is one message of a call's conversation with its model.
type ChatMessage struct {
	Role       string          `json:"role"`
	Content    string          `json:"content"`
	ToolCalls  json.RawMessage `json:"tool_calls,omitempty"`
	ToolCallID string          `json:"tool_call_id,omitempty"`
}

// CallEnd is how a call ended.
type CallEnd struct {
	Reason     string `json:"reason"`
	DurationMS int64  `json:"duration_ms"`
	// AwaitRecording: the call's recording files follow in a
	// RecordRecording, which enqueues the end-of-call report (with the
	// recording's link) instead.
	AwaitRecording bool `json:"await_recording,omitempty"`
}

// Call statuses: Twilio's vocabulary, which carriers' callbacks are mapped to.
const (
	StatusQueued     = "queued"
	StatusRinging    = "ringing"
	StatusInProgress = "in-progress"
	StatusCompleted  = "completed"
	StatusBusy       = "busy"
	StatusFailed     = "failed"
	StatusNoAnswer   = "no-answer"
	StatusCanceled   = "canceled"
)

// CallStatuses lists every status a call row may have.
var CallStatuses = []string{StatusQueued, StatusRinging, StatusInProgress, StatusCompleted, StatusBusy, StatusFailed, StatusNoAnswer, StatusCanceled}

// WriteRecords writes records in one batch: one round trip and one
// (implicit) transaction, so either all of them are written or none. Call
// rows come first, then the rows that belong to them, then the calls'
// ends (so an end-of-call report is enqueued after the call's last live
// transcript); the last history of each call in records wins.
func (s *Store) WriteRecords(ctx context.Context, records []Record) error {
	b := &pgx.Batch{}
	var (
		tr   transcriptColumns
		ev   eventColumns
		hs   chatColumns
		lt   liveColumns
		idx  = map[string]int{} // call SID → its last history in records
		end  []*Record
		recs []*Record
	)
	for i := range records {
		r := &records[i]
		switch r.Kind {
		case RecordPlaced:
			queuePlaced(b, r)
		case RecordStarted:
			queueStarted(b, r)
		case RecordStatus:
			queueStatus(b, r)
		case RecordEnded:
			end = append(end, r) // after the call's last rows and live transcripts
		case RecordRecording:
			recs = append(recs, r) // after the call's end, which they follow
		case RecordTranscript:
			if r.Transcript.Final {
				tr.add(r)
			}
			if r.Transcript.Live {
				lt.add(r)
			}
		case RecordEvent:
			ev.add(r)
		case RecordHistory:
			if j, ok := idx[r.CallSID]; !ok || records[j].Seq < r.Seq {
				idx[r.CallSID] = i
			}
		}
	}
	for _, i := range idx {
		hs.add(&records[i])
	}
	tr.queue(b)
	ev.queue(b)
	hs.queue(b)
	lt.queue(b)
	for _, r := range end {
		queueEnded(b, r)
	}
	for _, r := range recs {
		queueRecordings(b, r)
	}
	if b.Len() == 0 {
		return nil
	}
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("persistence: write %d records: %w", len(records), err)
	}
	return nil
}

// Valid reports whether a record has what its kind needs (records read
// back from a spill file are checked before they are written).
func (r *Record) Valid() error {
	ok := r.CallSID != ""
	switch r.Kind {
	case RecordPlaced, RecordStarted:
		ok = ok && r.Call != nil
	case RecordStatus:
		ok = ok && r.Status != nil && slices.Contains(CallStatuses, r.Status.Status)
	case RecordTranscript:
		ok = ok && r.Transcript != nil
	case RecordEvent:
		ok = ok && r.Event != nil && json.Valid(r.Event.Data)
	case RecordHistory:
		for _, m := range r.Messages {
			ok = ok && (len(m.ToolCalls) == 0 || json.Valid(m.ToolCalls))
		}
	case RecordEnded:
		ok = ok && r.End != nil
	case RecordRecording:
		// no files: the recording failed or is not kept in the database
	default:
		ok = false
	}
	if !ok {
		return fmt.Errorf("%w: %q of call %q", ErrInvalidRecord, r.Kind, r.CallSID)
	}
	return nil
}

// Rejected reports whether PostgreSQL refused the data itself (a data
// exception or an integrity violation): writing it again cannot succeed.
// Any other error (connection refused or lost, timeouts, shutdowns) may
// pass once the server is back.
func Rejected(err error) bool {
	var pg *pgconn.PgError
	if !errors.As(err, &pg) || len(pg.Code) < 2 {
		return false
	}
	class := pg.Code[:2]
	return class == "22" || class == "23"
}

// outboxInsert enqueues webhooks for the calls returned by a data-modifying
// CTE named up (id, organization_id, assistant_id, webhook_url).
const outboxInsert = `
	INSERT INTO webhook_outbox (organization_id, call_id, assistant_id, webhook_url, webhook_type, dedup_key, next_attempt_at, created_at)`

func queuePlaced(b *pgx.Batch, r *Record) {
	c := r.Call
	format, events, reports, recording := c.Webhook.columns()
	b.Queue(`
		INSERT INTO calls (call_sid, organization_id, assistant_id, carrier, direction, from_number, to_number,
			status, webhook_url, private, created_at, updated_at, webhook_format, webhook_events, webhook_reports, webhook_recording, dial_id)
		VALUES ($1, $2, (SELECT id FROM assistants WHERE id = $3), $4, $5, $6, $7, 'queued', $8, $9, $10, $10, $11, $12, $13, $14, nullif($15, ''))
		ON CONFLICT (call_sid) DO NOTHING`,
		r.CallSID, c.OrganizationID, c.AssistantID, c.Carrier, direction(c.Direction), c.From, c.To, c.WebhookURL, c.Private, r.At,
		format, events, reports, recording, c.DialID)
}

// queueStarted creates the call row, or completes the one placed earlier,
// and enqueues the in-progress status update unless the call is already
// past it.
func queueStarted(b *pgx.Batch, r *Record) {
	c := r.Call
	format, events, reports, recording := c.Webhook.columns()
	b.Queue(`
		WITH up AS (
			INSERT INTO calls (call_sid, organization_id, assistant_id, carrier, direction, from_number, to_number,
				status, config_version, webhook_url, private, created_at, started_at, updated_at, boot_id,
				webhook_format, webhook_events, webhook_reports, webhook_recording)
			VALUES ($1, $2, (SELECT id FROM assistants WHERE id = $3), $4, $5, $6, $7, 'in-progress', $8, $9, $11, $10, $10, $10, nullif($12, ''),
				$13, $14, $15, $16)
			ON CONFLICT (call_sid) DO UPDATE SET
				started_at = EXCLUDED.started_at, config_version = EXCLUDED.config_version, boot_id = EXCLUDED.boot_id,
				-- a call becomes private when it starts in GDPR mode: its
				-- numbers as masked then
				private = calls.private OR EXCLUDED.private,
				from_number = CASE WHEN EXCLUDED.private THEN EXCLUDED.from_number ELSE calls.from_number END,
				to_number = CASE WHEN EXCLUDED.private THEN EXCLUDED.to_number ELSE calls.to_number END,
				webhook_url = EXCLUDED.webhook_url, carrier = EXCLUDED.carrier, updated_at = EXCLUDED.updated_at,
				webhook_format = EXCLUDED.webhook_format, webhook_events = EXCLUDED.webhook_events,
				webhook_reports = EXCLUDED.webhook_reports, webhook_recording = EXCLUDED.webhook_recording,
				status = CASE WHEN call_status_rank(calls.status) < 2 THEN 'in-progress' ELSE calls.status END
			WHERE calls.started_at IS NULL
			RETURNING id, organization_id, assistant_id, webhook_url, webhook_events, status)`+outboxInsert+`
		SELECT organization_id, id, assistant_id, webhook_url, 'status-update', 'in-progress', $10, $10 FROM up
		WHERE webhook_url <> '' AND status = 'in-progress' AND webhook_wanted(webhook_events, 'status-update')
		ON CONFLICT DO NOTHING`,
		r.CallSID, c.OrganizationID, c.AssistantID, c.Carrier, direction(c.Direction), c.From, c.To,
		c.ConfigVersion, c.WebhookURL, r.At, c.Private, c.Boot, format, events, reports, recording)
}

// queueStatus moves a call's status forward (never back) and enqueues the
// status update it causes: ringing, in-progress, or ended for any final
// status.
func queueStatus(b *pgx.Batch, r *Record) {
	b.Queue(`
		WITH up AS (
			UPDATE calls SET status = $3, updated_at = $4,
				ended_at = CASE WHEN call_status_rank($3) = 3 THEN coalesce(ended_at, $4) ELSE ended_at END
			WHERE call_sid = $1 AND carrier = $2 AND call_status_rank(status) < call_status_rank($3)
			RETURNING id, organization_id, assistant_id, webhook_url, webhook_events, webhook_reports, started_at, status)`+outboxInsert+`
		SELECT organization_id, id, assistant_id, webhook_url, w.type,
			CASE WHEN w.ord = 2 THEN '' WHEN call_status_rank(status) = 3 THEN 'ended' ELSE status END, $4, $4
		FROM up, (VALUES (1, 'status-update'), (2, 'end-of-call-report')) AS w(ord, type)
		WHERE webhook_url <> '' AND status <> 'queued' AND webhook_wanted(webhook_events, w.type)
			-- a call never answered gets its report now, when its calls want one
			AND (w.ord = 1 OR (webhook_reports = 'all' AND started_at IS NULL AND call_status_rank(status) = 3))
		ORDER BY w.ord
		ON CONFLICT DO NOTHING`,
		r.CallSID, r.Status.Carrier, r.Status.Status, r.At)
}

// queueEnded records a call's end once, and enqueues the ended status
// update (unless a carrier callback already did), unless its recording is
// awaited the end-of-call report, and the call's analysis (queueAnalysis).
func queueEnded(b *pgx.Batch, r *Record) {
	b.Queue(`
		WITH up AS (
			UPDATE calls SET ended_at = $2, duration_ms = $3, ended_reason = $4, updated_at = $2,
				status = CASE WHEN call_status_rank(status) < 3 THEN 'completed' ELSE status END
			WHERE call_sid = $1 AND ended_reason IS NULL
			RETURNING id, organization_id, assistant_id, webhook_url, webhook_events, webhook_reports, status)`+outboxInsert+`
		SELECT organization_id, id, assistant_id, webhook_url, w.type, w.key, $2, $2
		FROM up, (VALUES (1, 'status-update', 'ended'), (2, 'end-of-call-report', '')) AS w(ord, type, key)
		WHERE webhook_url <> '' AND webhook_wanted(webhook_events, w.type)
			AND (w.ord = 1 OR (NOT $5 AND (webhook_reports <> 'completed' OR status = 'completed')))
		ORDER BY w.ord
		ON CONFLICT DO NOTHING`,
		r.CallSID, r.At, r.End.DurationMS, r.End.Reason, r.End.AwaitRecording)
	queueAnalysis(b, r)
}

// queueRecordings records a call's recording files, once each, then
// enqueues the end-of-call report that waited for them.
func queueRecordings(b *pgx.Batch, r *Record) {
	for _, f := range r.Recordings {
		b.Queue(`
			INSERT INTO recordings (call_id, organization_id, recording_type, format, sample_rate, channels,
				duration_ms, file_size, file_path, created_at)
			SELECT id, organization_id, $2, $3, $4, $5, $6, $7, $8, $9 FROM calls WHERE call_sid = $1
			ON CONFLICT (call_id, recording_type) DO NOTHING`,
			r.CallSID, f.Type, f.Format, f.SampleRate, f.Channels, f.DurationMS, f.Size, f.Path, r.At)
	}
	b.Queue(outboxInsert+`
		SELECT organization_id, id, assistant_id, webhook_url, 'end-of-call-report', '', $2, $2
		FROM calls WHERE call_sid = $1 AND webhook_url <> '' AND ended_reason IS NOT NULL
			AND webhook_wanted(webhook_events, 'end-of-call-report') AND (webhook_reports <> 'completed' OR status = 'completed')
		ON CONFLICT DO NOTHING`, r.CallSID, r.At)
}

// direction keeps the row's CHECK satisfied whatever a carrier reported.
func direction(d string) string {
	if d == "outbound" {
		return d
	}
	return "inbound"
}

// The bulk rows go in as arrays, one statement per table: unnest joins
// them to their call rows (by SID) and ON CONFLICT makes them idempotent,
// which COPY cannot do.

type transcriptColumns struct {
	sid, speaker, text []string
	seq                []int32
	start, end, conf   []float64
	at                 []time.Time
}

func (c *transcriptColumns) add(r *Record) {
	t := r.Transcript
	c.sid = append(c.sid, r.CallSID)
	c.seq = append(c.seq, r.Seq)
	c.speaker = append(c.speaker, t.Speaker)
	c.text = append(c.text, t.Text)
	c.start = append(c.start, t.Start)
	c.end = append(c.end, t.End)
	c.conf = append(c.conf, t.Confidence)
	c.at = append(c.at, r.At)
}

func (c *transcriptColumns) queue(b *pgx.Batch) {
	if len(c.sid) == 0 {
		return
	}
	b.Queue(`
		INSERT INTO transcripts (call_id, seq, speaker, content, segment_start, segment_end, confidence, created_at)
		SELECT calls.id, t.seq, t.speaker, t.content, t.seg_start, t.seg_end, nullif(t.confidence, 0), t.at
		FROM unnest($1::text[], $2::int4[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::float8[], $8::timestamptz[])
			AS t(sid, seq, speaker, content, seg_start, seg_end, confidence, at)
		JOIN calls ON calls.call_sid = t.sid
		ON CONFLICT (call_id, seq) DO NOTHING`,
		c.sid, c.seq, c.speaker, c.text, c.start, c.end, c.conf, c.at)
}

type eventColumns struct {
	sid, kind, data []string
	seq             []int32
	at              []time.Time
	outcomes        bool // a consent or answered-by event, also set on its call
}

func (c *eventColumns) add(r *Record) {
	c.sid = append(c.sid, r.CallSID)
	c.seq = append(c.seq, r.Seq)
	c.kind = append(c.kind, r.Event.Kind)
	c.data = append(c.data, string(r.Event.Data))
	c.at = append(c.at, r.At)
	c.outcomes = c.outcomes || r.Event.Kind == "consent" || r.Event.Kind == "answered-by"
}

func (c *eventColumns) queue(b *pgx.Batch) {
	if len(c.sid) == 0 {
		return
	}
	b.Queue(`
		INSERT INTO call_events (call_id, seq, kind, data, created_at)
		SELECT calls.id, e.seq, e.kind, e.data::jsonb, e.at
		FROM unnest($1::text[], $2::int4[], $3::text[], $4::text[], $5::timestamptz[]) AS e(sid, seq, kind, data, at)
		JOIN calls ON calls.call_sid = e.sid
		ON CONFLICT (call_id, seq) DO NOTHING`,
		c.sid, c.seq, c.kind, c.data, c.at)
	if !c.outcomes {
		return
	}
	b.Queue(`
		UPDATE calls SET consent = coalesce(o.consent, calls.consent), answered_by = coalesce(o.answered_by, calls.answered_by)
		FROM (
			SELECT e.sid, max(e.data::jsonb->>'decision') FILTER (WHERE e.kind = 'consent') AS consent,
				max(e.data::jsonb->>'who') FILTER (WHERE e.kind = 'answered-by') AS answered_by
			FROM unnest($1::text[], $2::text[], $3::text[]) AS e(sid, kind, data)
			WHERE e.kind IN ('consent', 'answered-by')
			GROUP BY e.sid) AS o
		WHERE calls.call_sid = o.sid`,
		c.sid, c.kind, c.data)
}

// chatColumns replace each call's chat messages with its last history,
// unless a later one is already stored (every row of the stored history
// carries its seq): a message keeps its time while its content stays the
// same.
type chatColumns struct {
	sid, role, content, tools, toolID []string
	seq, index                        []int32
	at                                []time.Time
	// one per history: the messages beyond its length are removed
	cutSID   []string
	cutSeq   []int32
	cutCount []int32
}

func (c *chatColumns) add(r *Record) {
	for i, m := range r.Messages {
		c.sid = append(c.sid, r.CallSID)
		c.seq = append(c.seq, r.Seq)
		c.index = append(c.index, int32(i))
		c.role = append(c.role, m.Role)
		c.content = append(c.content, m.Content)
		c.tools = append(c.tools, string(m.ToolCalls))
		c.toolID = append(c.toolID, m.ToolCallID)
		c.at = append(c.at, r.At)
	}
	c.cutSID = append(c.cutSID, r.CallSID)
	c.cutSeq = append(c.cutSeq, r.Seq)
	c.cutCount = append(c.cutCount, int32(len(r.Messages)))
}

func (c *chatColumns) queue(b *pgx.Batch) {
	if len(c.cutSID) == 0 {
		return
	}
	b.Queue(`
		DELETE FROM chat_messages m USING calls, unnest($1::text[], $2::int4[], $3::int4[]) AS h(sid, seq, n)
		WHERE calls.call_sid = h.sid AND m.call_id = calls.id AND m.message_index >= h.n AND m.history_seq < h.seq`,
		c.cutSID, c.cutSeq, c.cutCount)
	if len(c.sid) == 0 {
		return
	}
	b.Queue(`
		INSERT INTO chat_messages AS m (call_id, message_index, role, content, tool_calls, tool_call_id, history_seq, created_at)
		SELECT calls.id, h.idx, h.role, h.content, nullif(h.tools, '')::jsonb, nullif(h.tool_id, ''), h.seq, h.at
		FROM unnest($1::text[], $2::int4[], $3::int4[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
			AS h(sid, seq, idx, role, content, tools, tool_id, at)
		JOIN calls ON calls.call_sid = h.sid
		WHERE NOT EXISTS (SELECT 1 FROM chat_messages n WHERE n.call_id = calls.id AND n.history_seq > h.seq)
		ON CONFLICT (call_id, message_index) DO UPDATE SET
			role = EXCLUDED.role, content = EXCLUDED.content, tool_calls = EXCLUDED.tool_calls,
			tool_call_id = EXCLUDED.tool_call_id, history_seq = EXCLUDED.history_seq,
			created_at = CASE WHEN (m.role, m.content) IS DISTINCT FROM (EXCLUDED.role, EXCLUDED.content)
				THEN EXCLUDED.created_at ELSE m.created_at END
		WHERE m.history_seq < EXCLUDED.history_seq`,
		c.sid, c.seq, c.index, c.role, c.content, c.tools, c.toolID, c.at)
}

// liveColumns enqueue live transcript webhooks.
type liveColumns struct {
	sid, key, data []string
	at             []time.Time
}

// LiveTranscript is what a transcript webhook is rendered from.
type LiveTranscript struct {
	Role       string `json:"role"`
	Final      bool   `json:"final"`
	Transcript string `json:"transcript"`
}

func (c *liveColumns) add(r *Record) {
	t := r.Transcript
	data, _ := json.Marshal(LiveTranscript{Role: t.Speaker, Final: t.Final, Transcript: t.Text}) // strings and a bool: cannot fail
	c.sid = append(c.sid, r.CallSID)
	c.key = append(c.key, strconv.Itoa(int(r.Seq)))
	c.data = append(c.data, string(data))
	c.at = append(c.at, r.At)
}

func (c *liveColumns) queue(b *pgx.Batch) {
	if len(c.sid) == 0 {
		return
	}
	b.Queue(`
		INSERT INTO webhook_outbox (organization_id, call_id, assistant_id, webhook_url, webhook_type, dedup_key, data, next_attempt_at, created_at)
		SELECT calls.organization_id, calls.id, calls.assistant_id, calls.webhook_url, 'transcript', t.key, t.data::jsonb, t.at, t.at
		FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS t(sid, key, data, at)
		JOIN calls ON calls.call_sid = t.sid
		WHERE calls.webhook_url <> '' AND webhook_wanted(calls.webhook_events, 'transcript')
		ORDER BY t.key::int
		ON CONFLICT DO NOTHING`,
		c.sid, c.key, c.data, c.at)
}
