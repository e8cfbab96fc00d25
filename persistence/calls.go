package persistence

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/events"
	"github.com/switchboard-voice/switchboard/voice"
)

// CallRow is a call as stored.
type CallRow struct {
	ID              int64
	CallSID         string
	OrganizationID  int64
	AssistantID     *int64
	AssistantName   *string
	Carrier         string
	Direction       string
	From, To        string
	CustomerNumber  string // the other party
	AssistantNumber string // the number the assistant answers or calls from
	Status          string
	ConfigVersion   *int
	WebhookURL      string
	CreatedAt       time.Time
	StartedAt       *time.Time
	EndedAt         *time.Time
	DurationMS      *int64
	EndedReason     *string
	Consent         *string // the caller's answer to the recording-consent question, if asked
	AnsweredBy      *string // human or machine, if it was detected
	UpdatedAt       time.Time
	// Analysis is the call's post-call analysis; nil when it has none.
	Analysis *CallAnalysis
	// How its webhooks are rendered (CallWebhook).
	WebhookFormat    string
	WebhookRecording bool
	AssistantUUID    *string
	DialID           *string // a placed call's dial, naming its call-time variables
}

const callColumns = `c.id, c.call_sid, c.organization_id, c.assistant_id, a.name, c.carrier, c.direction, c.from_number,
	c.to_number, c.customer_phone_number, c.assistant_phone_number, c.status, c.config_version, c.webhook_url,
	c.created_at, c.started_at, c.ended_at, c.duration_ms, c.ended_reason, c.consent, c.answered_by, c.updated_at, ` + analysisJSON + `,
	c.webhook_format, c.webhook_recording, a.uuid::text, c.dial_id`

const callFrom = ` FROM calls c LEFT JOIN assistants a ON a.id = c.assistant_id`

func scanCall(row pgx.Row) (CallRow, error) {
	var c CallRow
	err := row.Scan(&c.ID, &c.CallSID, &c.OrganizationID, &c.AssistantID, &c.AssistantName, &c.Carrier, &c.Direction,
		&c.From, &c.To, &c.CustomerNumber, &c.AssistantNumber, &c.Status, &c.ConfigVersion, &c.WebhookURL,
		&c.CreatedAt, &c.StartedAt, &c.EndedAt, &c.DurationMS, &c.EndedReason, &c.Consent, &c.AnsweredBy, &c.UpdatedAt, &c.Analysis,
		&c.WebhookFormat, &c.WebhookRecording, &c.AssistantUUID, &c.DialID)
	if errors.Is(err, pgx.ErrNoRows) {
		return CallRow{}, ErrNotFound
	}
	return c, err
}

// CallFilter narrows a listing; zero fields do not filter.
type CallFilter struct {
	Status         string
	AssistantID    int64
	CustomerNumber string
	From, To       *time.Time // created_at within [From, To]
	Skip, Limit    int
}

// where is the filter as SQL over calls c, with its arguments.
func (f CallFilter) where(orgID int64) (string, []any) {
	where := []string{"c.organization_id = $1"}
	args := []any{orgID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Status != "" {
		add("c.status = $%d", f.Status)
	}
	if f.AssistantID != 0 {
		add("c.assistant_id = $%d", f.AssistantID)
	}
	if f.CustomerNumber != "" {
		add("c.customer_phone_number = $%d", f.CustomerNumber)
	}
	if f.From != nil {
		add("c.created_at >= $%d", *f.From)
	}
	if f.To != nil {
		add("c.created_at <= $%d", *f.To)
	}
	return strings.Join(where, " AND "), args
}

// ListCalls returns one page of an organization's calls, newest first, and
// the total matching the filter.
func (s *Store) ListCalls(ctx context.Context, orgID int64, f CallFilter) ([]CallRow, int, error) {
	total, err := s.CountCalls(ctx, orgID, f)
	if err != nil {
		return nil, 0, err
	}
	cond, args := f.where(orgID)
	args = append(args, f.Limit, f.Skip)
	rows, _ := s.pool.Query(ctx, fmt.Sprintf(`SELECT %s%s WHERE %s ORDER BY c.created_at DESC, c.id DESC LIMIT $%d OFFSET $%d`,
		callColumns, callFrom, cond, len(args)-1, len(args)), args...)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (CallRow, error) { return scanCall(r) })
	if err != nil {
		return nil, 0, fmt.Errorf("persistence: list calls: %w", err)
	}
	return list, total, nil
}

// CountCalls counts an organization's calls matching the filter.
func (s *Store) CountCalls(ctx context.Context, orgID int64, f CallFilter) (int, error) {
	cond, args := f.where(orgID)
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM calls c WHERE `+cond, args...).Scan(&total); err != nil {
		return 0, fmt.Errorf("persistence: count calls: %w", err)
	}
	return total, nil
}

// CallCursor is where a walk through calls, newest first, has got to.
type CallCursor struct {
	CreatedAt time.Time
	ID        int64
}

// CallsBefore returns up to limit calls matching the filter that come after
// the cursor (nil: from the newest), newest first. Unlike skip and limit,
// its cost does not grow with how far the walk has gone.
func (s *Store) CallsBefore(ctx context.Context, orgID int64, f CallFilter, after *CallCursor, limit int) ([]CallRow, error) {
	cond, args := f.where(orgID)
	if after != nil {
		args = append(args, after.CreatedAt, after.ID)
		cond += fmt.Sprintf(" AND (c.created_at, c.id) < ($%d, $%d)", len(args)-1, len(args))
	}
	args = append(args, limit)
	rows, _ := s.pool.Query(ctx, fmt.Sprintf(`SELECT %s%s WHERE %s ORDER BY c.created_at DESC, c.id DESC LIMIT $%d`,
		callColumns, callFrom, cond, len(args)), args...)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (CallRow, error) { return scanCall(r) })
	if err != nil {
		return nil, fmt.Errorf("persistence: walk calls: %w", err)
	}
	return list, nil
}

// CallTally is how many calls ended one way, and how long they lasted.
type CallTally struct {
	Status      string
	EndedReason *string
	Calls       int64
	Timed       int64 // the calls with a duration
	DurationMS  int64 // summed over them
}

// TallyCalls counts an organization's calls matching the filter by status
// and end reason, in one pass over the calls' covering index.
func (s *Store) TallyCalls(ctx context.Context, orgID int64, f CallFilter) ([]CallTally, error) {
	cond, args := f.where(orgID)
	rows, _ := s.pool.Query(ctx, `SELECT c.status, c.ended_reason, count(*), count(c.duration_ms), coalesce(sum(c.duration_ms), 0)::bigint
		FROM calls c WHERE `+cond+` GROUP BY 1, 2`, args...)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (CallTally, error) {
		var t CallTally
		err := r.Scan(&t.Status, &t.EndedReason, &t.Calls, &t.Timed, &t.DurationMS)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("persistence: tally calls: %w", err)
	}
	return out, nil
}

// Bucket is a period analytics group calls by.
type Bucket string

// Calls are grouped by UTC day or hour.
const (
	ByDay  Bucket = "day"
	ByHour Bucket = "hour"
)

// CallPeriod is the calls created in one period.
type CallPeriod struct {
	Start      time.Time
	Calls      int64
	Completed  int64
	Failed     int64 // busy, failed, no-answer, canceled
	Timed      int64 // the calls with a duration
	DurationMS int64 // summed over them
}

// BucketSteps are how long each bucket lasts.
var BucketSteps = map[Bucket]time.Duration{ByDay: 24 * time.Hour, ByHour: time.Hour}

// CallPeriods groups an organization's calls matching the filter, which
// must bound the window, by UTC day or hour, oldest first; periods without
// calls are left out. Each period is its own range scan of the covering
// index: no sort and no per-row arithmetic, whatever the window holds.
func (s *Store) CallPeriods(ctx context.Context, orgID int64, f CallFilter, by Bucket) ([]CallPeriod, error) {
	step, err := periodStep(f, by)
	if err != nil {
		return nil, err
	}
	cond, args := f.where(orgID)
	args = append(args, periodStarts(f, step), fmt.Sprintf("%d seconds", int64(step/time.Second)))
	rows, _ := s.pool.Query(ctx, fmt.Sprintf(`SELECT b, x.* FROM unnest($%d::timestamptz[]) b,
		LATERAL (SELECT count(*),
				count(*) FILTER (WHERE c.status = 'completed'),
				count(*) FILTER (WHERE c.status IN ('busy', 'failed', 'no-answer', 'canceled')),
				count(c.duration_ms), coalesce(sum(c.duration_ms), 0)::bigint
			FROM calls c WHERE %s AND c.created_at >= b AND c.created_at < b + $%d::interval) x(calls, completed, failed, timed, ms)
		WHERE x.calls > 0 ORDER BY b`, len(args)-1, cond, len(args)), args...)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (CallPeriod, error) {
		var p CallPeriod
		err := r.Scan(&p.Start, &p.Calls, &p.Completed, &p.Failed, &p.Timed, &p.DurationMS)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("persistence: call periods: %w", err)
	}
	return out, nil
}

// GetCall returns a call of the organization.
func (s *Store) GetCall(ctx context.Context, orgID, id int64) (CallRow, error) {
	return s.oneCall(ctx, `c.id = $1 AND c.organization_id = $2`, id, orgID)
}

// GetCallBySID returns a call of the organization by its carrier call ID.
func (s *Store) GetCallBySID(ctx context.Context, orgID int64, sid string) (CallRow, error) {
	return s.oneCall(ctx, `c.call_sid = $1 AND c.organization_id = $2`, sid, orgID)
}

// LoadCall returns any call (for the webhook dispatcher, which serves every
// organization).
func (s *Store) LoadCall(ctx context.Context, id int64) (CallRow, error) {
	return s.oneCall(ctx, `c.id = $1`, id)
}

func (s *Store) oneCall(ctx context.Context, cond string, args ...any) (CallRow, error) {
	c, err := scanCall(s.pool.QueryRow(ctx, `SELECT `+callColumns+callFrom+` WHERE `+cond, args...))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return CallRow{}, fmt.Errorf("persistence: get call: %w", err)
	}
	return c, err
}

// TranscriptRow is a stored transcript.
type TranscriptRow struct {
	ID           int64
	CallID       int64
	Seq          int32
	Speaker      string
	Content      string
	SegmentStart float64
	SegmentEnd   float64
	Confidence   *float64
	CreatedAt    time.Time
}

// ListTranscripts returns a call's transcripts in the order they were
// spoken, optionally one speaker's only. The call must belong to orgID.
func (s *Store) ListTranscripts(ctx context.Context, orgID, callID int64, speaker string) ([]TranscriptRow, error) {
	rows, _ := s.pool.Query(ctx, `
		SELECT t.id, t.call_id, t.seq, t.speaker, t.content, t.segment_start, t.segment_end, t.confidence, t.created_at
		FROM transcripts t JOIN calls c ON c.id = t.call_id
		WHERE t.call_id = $1 AND c.organization_id = $2 AND ($3 = '' OR t.speaker = $3)
		ORDER BY t.seq`, callID, orgID, speaker)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (TranscriptRow, error) {
		var t TranscriptRow
		err := r.Scan(&t.ID, &t.CallID, &t.Seq, &t.Speaker, &t.Content, &t.SegmentStart, &t.SegmentEnd, &t.Confidence, &t.CreatedAt)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("persistence: list transcripts: %w", err)
	}
	return list, nil
}

// ChatMessageRow is a stored message of a call's conversation.
type ChatMessageRow struct {
	ID         int64
	CallID     int64
	Index      int
	Role       string
	Content    string
	ToolCalls  json.RawMessage
	ToolCallID *string
	CreatedAt  time.Time
}

// ListChatMessages returns a call's conversation in order.
func (s *Store) ListChatMessages(ctx context.Context, orgID, callID int64) ([]ChatMessageRow, error) {
	rows, _ := s.pool.Query(ctx, `
		SELECT m.id, m.call_id, m.message_index, m.role, m.content, m.tool_calls, m.tool_call_id, m.created_at
		FROM chat_messages m JOIN calls c ON c.id = m.call_id
		WHERE m.call_id = $1 AND c.organization_id = $2
		ORDER BY m.message_index`, callID, orgID)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ChatMessageRow, error) {
		var m ChatMessageRow
		err := r.Scan(&m.ID, &m.CallID, &m.Index, &m.Role, &m.Content, &m.ToolCalls, &m.ToolCallID, &m.CreatedAt)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("persistence: list chat messages: %w", err)
	}
	return list, nil
}

// CallEventRow is a stored call event.
type CallEventRow struct {
	ID        int64
	CallID    int64
	Seq       int32
	Kind      string
	Data      json.RawMessage
	CreatedAt time.Time
}

// ListCallEvents returns a call's events in order, optionally of one kind.
func (s *Store) ListCallEvents(ctx context.Context, orgID, callID int64, kind string) ([]CallEventRow, error) {
	rows, _ := s.pool.Query(ctx, `
		SELECT e.id, e.call_id, e.seq, e.kind, e.data, e.created_at
		FROM call_events e JOIN calls c ON c.id = e.call_id
		WHERE e.call_id = $1 AND c.organization_id = $2 AND ($3 = '' OR e.kind = $3)
		ORDER BY e.seq`, callID, orgID, kind)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (CallEventRow, error) {
		var e CallEventRow
		err := r.Scan(&e.ID, &e.CallID, &e.Seq, &e.Kind, &e.Data, &e.CreatedAt)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("persistence: list call events: %w", err)
	}
	return list, nil
}

// normalEnds are the reasons a call counts as successful in an assistant's
// statistics: the caller or the assistant ended the conversation, or the
// caller was transferred as intended. Limits (maximum length, silence),
// terminations through the API, shutdowns and failures are not.
var normalEnds = []string{events.EndCallerHungUp, events.EndAssistantTool, events.EndTransferred}

// AssistantStats summarises an assistant's calls: how many there were, the
// mean duration of those that connected, and the share of connected calls
// that ended normally (see normalEnds). Calls that never connected (busy,
// no answer) count in the total only.
func (s *Store) AssistantStats(ctx context.Context, assistantID int64) (assistant.Stats, error) {
	m, err := s.AssistantStatsMany(ctx, []int64{assistantID})
	return m[assistantID], err
}

// AssistantStatsMany is AssistantStats for several assistants in one query
// (for listings); assistants without calls have zero stats.
func (s *Store) AssistantStatsMany(ctx context.Context, ids []int64) (map[int64]assistant.Stats, error) {
	rows, _ := s.pool.Query(ctx, `
		SELECT assistant_id, count(*),
			round(avg(duration_ms) FILTER (WHERE ended_reason IS NOT NULL) / 1000)::bigint,
			round(100.0 * count(*) FILTER (WHERE ended_reason = ANY($2))
				/ nullif(count(*) FILTER (WHERE ended_reason IS NOT NULL), 0), 1)::float8
		FROM calls WHERE assistant_id = ANY($1)
		GROUP BY assistant_id`, ids, normalEnds)
	out := make(map[int64]assistant.Stats, len(ids))
	var (
		id int64
		st assistant.Stats
	)
	_, err := pgx.ForEachRow(rows, []any{&id, &st.TotalCalls, &st.AvgCallDuration, &st.SuccessRate}, func() error {
		out[id] = st
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("persistence: assistant stats: %w", err)
	}
	for _, id := range ids {
		if _, ok := out[id]; !ok {
			out[id] = assistant.Stats{}
		}
	}
	return out, nil
}

// ContinuedMessages bounds the conversation a call continues. The last
// call's conversation already holds the one it continued, so without a
// bound a caller who keeps calling back carries every earlier call into
// the next: memory per call, and the prompt, grow with their history.
const ContinuedMessages = 40

// RecentConversation is the conversation of the caller's last call with
// the assistant that ended within the last within, for conversation
// continuity: at most its last ContinuedMessages messages, from a
// caller's message on (whole turns: no tool result without its call);
// nil when there is none.
func (s *Store) RecentConversation(ctx context.Context, assistantID int64, caller string, within time.Duration) ([]voice.Message, error) {
	msgs, err := s.conversation(ctx, ContinuedMessages, `
		SELECT id FROM calls
		WHERE assistant_id = $1 AND customer_phone_number = $2 AND ended_at >= now() - $3 * interval '1 microsecond'
		ORDER BY ended_at DESC LIMIT 1`, assistantID, caller, within.Microseconds())
	if err != nil || len(msgs) < ContinuedMessages {
		return msgs, err
	}
	for i, m := range msgs { // the tail may start mid-turn
		if m.Role == voice.RoleUser {
			return msgs[i:], nil
		}
	}
	return nil, nil
}

// Conversation is the conversation of one call of an organization, by its
// carrier's call id (a call coming back to its assistant after a warm
// transfer nobody took); nil when the call has none.
func (s *Store) Conversation(ctx context.Context, orgID int64, callSID string) ([]voice.Message, error) {
	return s.conversation(ctx, 0, `SELECT id FROM calls WHERE organization_id = $1 AND call_sid = $2`, orgID, callSID)
}

// HasCalled reports whether the caller has had a call with the assistant
// that ended.
func (s *Store) HasCalled(ctx context.Context, assistantID int64, caller string) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM calls
		WHERE assistant_id = $1 AND customer_phone_number = $2 AND ended_at IS NOT NULL)`, assistantID, caller).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("persistence: earlier calls: %w", err)
	}
	return ok, nil
}

// conversation reads the chat messages of the call the query (one id,
// parameters args) selects: its last ones, when last is above 0.
func (s *Store) conversation(ctx context.Context, last int, call string, args ...any) ([]voice.Message, error) {
	limit := "ALL"
	if last > 0 {
		limit = strconv.Itoa(last)
	}
	rows, _ := s.pool.Query(ctx, `
		SELECT role, content, tool_calls, tool_call_id FROM (
			SELECT m.role, m.content, m.tool_calls, coalesce(m.tool_call_id, '') AS tool_call_id, m.message_index
			FROM chat_messages m
			WHERE m.call_id = (`+call+`)
			ORDER BY m.message_index DESC LIMIT `+limit+`) tail
		ORDER BY message_index`, args...)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ChatMessage, error) {
		var m ChatMessage
		err := r.Scan(&m.Role, &m.Content, &m.ToolCalls, &m.ToolCallID)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("persistence: conversation: %w", err)
	}
	out := make([]voice.Message, len(list))
	for i, m := range list {
		if out[i], err = m.Message(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// toolCall is how a voice.ToolCall is stored in chat_messages.tool_calls.
type toolCall struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Arguments    string `json:"arguments"`
	ProviderData string `json:"provider_data,omitempty"`
}

// NewChatMessage converts a conversation message for storage.
func NewChatMessage(m voice.Message) ChatMessage {
	out := ChatMessage{Role: string(m.Role), Content: m.Content, ToolCallID: m.ToolCallID}
	if len(m.ToolCalls) > 0 {
		calls := make([]toolCall, len(m.ToolCalls))
		for i, c := range m.ToolCalls {
			calls[i] = toolCall(c)
		}
		out.ToolCalls, _ = json.Marshal(calls) // strings only: cannot fail
	}
	return out
}

// Message converts a stored message back.
func (m ChatMessage) Message() (voice.Message, error) {
	out := voice.Message{Role: voice.Role(m.Role), Content: m.Content, ToolCallID: m.ToolCallID}
	if len(m.ToolCalls) > 0 && string(m.ToolCalls) != "null" {
		var calls []toolCall
		if err := json.Unmarshal(m.ToolCalls, &calls); err != nil {
			return voice.Message{}, fmt.Errorf("persistence: stored tool calls: %w", err)
		}
		out.ToolCalls = make([]voice.ToolCall, len(calls))
		for i, c := range calls {
			out.ToolCalls[i] = voice.ToolCall(c)
		}
	}
	return out, nil
}

func periodStep(f CallFilter, by Bucket) (time.Duration, error) {
	step, ok := BucketSteps[by]
	if !ok || f.From == nil || f.To == nil {
		return 0, fmt.Errorf("persistence: call periods by %q need a bucket and a window", by)
	}
	return step, nil
}

// periodStarts are the starts of the periods the filter's window spans.
func periodStarts(f CallFilter, step time.Duration) []time.Time {
	var starts []time.Time
	for t := f.From.UTC().Truncate(step); !t.After(*f.To); t = t.Add(step) {
		starts = append(starts, t)
	}
	return starts
}

// TurnPeriod is how the turns of the calls created in one period went.
type TurnPeriod struct {
	Start time.Time
	Turns int64
	// LatencyP50 and LatencyP95 are percentiles of the turns' latency (the
	// caller's turn ending to the reply's first audio frame out), in ms.
	LatencyP50, LatencyP95 *float64
	Interruptions          int64 // confirmed barge-ins
}

// TurnPeriods reads the recorded stage timings and interruptions of an
// organization's calls matching the filter, by period as CallPeriods
// groups them; periods without calls are left out. It reads every turn of
// the window, so it costs far more than CallPeriods.
func (s *Store) TurnPeriods(ctx context.Context, orgID int64, f CallFilter, by Bucket) ([]TurnPeriod, error) {
	step, err := periodStep(f, by)
	if err != nil {
		return nil, err
	}
	cond, args := f.where(orgID)
	args = append(args, periodStarts(f, step), fmt.Sprintf("%d seconds", int64(step/time.Second)))
	rows, _ := s.pool.Query(ctx, fmt.Sprintf(`SELECT b, y.* FROM unnest($%d::timestamptz[]) b,
		LATERAL (SELECT count(*) FILTER (WHERE e.kind = 'stage-timings'),
				percentile_cont(0.5) WITHIN GROUP (ORDER BY (e.data->>'first_frame_out_ms')::float8) FILTER (WHERE e.kind = 'stage-timings'),
				percentile_cont(0.95) WITHIN GROUP (ORDER BY (e.data->>'first_frame_out_ms')::float8) FILTER (WHERE e.kind = 'stage-timings'),
				count(*) FILTER (WHERE e.kind = 'interruption' AND e.data->>'stage' = 'confirmed'),
				count(DISTINCT c.id)
			FROM calls c JOIN call_events e ON e.call_id = c.id AND e.kind IN ('stage-timings', 'interruption')
			WHERE %s AND c.created_at >= b AND c.created_at < b + $%d::interval) y(turns, p50, p95, interruptions, calls)
		WHERE y.calls > 0 ORDER BY b`, len(args)-1, cond, len(args)), args...)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (TurnPeriod, error) {
		var p TurnPeriod
		var calls int64
		err := r.Scan(&p.Start, &p.Turns, &p.LatencyP50, &p.LatencyP95, &p.Interruptions, &calls)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("persistence: turn periods: %w", err)
	}
	return out, nil
}

// CallStarted reports whether a carrier's call has started its
// conversation here before: a webhook for it is a replay.
func (s *Store) CallStarted(ctx context.Context, carrier, callSID string) (bool, error) {
	var started bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM calls WHERE call_sid = $1 AND carrier = $2 AND started_at IS NOT NULL)`,
		callSID, carrier).Scan(&started); err != nil {
		return false, fmt.Errorf("persistence: call started: %w", err)
	}
	return started, nil
}
