package api

import (
	"context"
	"math"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/internal/ptr"
	"github.com/switchboard-voice/switchboard/persistence"
)

// CallAnalytics is what the calls' count, stats, analytics and export read.
type CallAnalytics interface {
	CountCalls(ctx context.Context, orgID int64, f persistence.CallFilter) (int, error)
	TallyCalls(ctx context.Context, orgID int64, f persistence.CallFilter) ([]persistence.CallTally, error)
	CallPeriods(ctx context.Context, orgID int64, f persistence.CallFilter, by persistence.Bucket) ([]persistence.CallPeriod, error)
	TurnPeriods(ctx context.Context, orgID int64, f persistence.CallFilter, by persistence.Bucket) ([]persistence.TurnPeriod, error)
	CallsBefore(ctx context.Context, orgID int64, f persistence.CallFilter, after *persistence.CallCursor, limit int) ([]persistence.CallRow, error)
}

func (a *API) countCalls(c *fiber.Ctx) error {
	f, err := callFilter(c)
	if err != nil {
		return err
	}
	n, err := a.Analytics.CountCalls(c.UserContext(), principal(c).OrganizationID, f)
	if err != nil {
		return callFail(err, "Calls")
	}
	return c.JSON(countBody{Count: n})
}

// callStats sums up the calls matching a filter.
type callStats struct {
	TotalCalls int64 `json:"total_calls"`
	// ByStatus counts calls by status; EndedReasons counts ended calls by
	// why they ended.
	ByStatus     map[string]int64 `json:"by_status"`
	EndedReasons map[string]int64 `json:"ended_reasons"`
	// CompletionRate is completed calls over calls with a final status
	// (null when none has one).
	CompletionRate     *float64 `json:"completion_rate"`
	TotalMinutes       float64  `json:"total_minutes"`
	AvgDurationSeconds *float64 `json:"avg_duration_seconds"` // over calls with a duration; null when none
}

// finalStatuses are the statuses a call ends in.
var finalStatuses = map[string]bool{persistence.StatusCompleted: true, persistence.StatusBusy: true,
	persistence.StatusFailed: true, persistence.StatusNoAnswer: true, persistence.StatusCanceled: true}

func (a *API) callStats(c *fiber.Ctx) error {
	f, err := callFilter(c)
	if err != nil {
		return err
	}
	tallies, err := a.Analytics.TallyCalls(c.UserContext(), principal(c).OrganizationID, f)
	if err != nil {
		return callFail(err, "Calls")
	}
	out := callStats{ByStatus: map[string]int64{}, EndedReasons: map[string]int64{}}
	var final, timed, durationMS int64
	for _, t := range tallies {
		out.TotalCalls += t.Calls
		out.ByStatus[t.Status] += t.Calls
		if t.EndedReason != nil {
			out.EndedReasons[*t.EndedReason] += t.Calls
		}
		if finalStatuses[t.Status] {
			final += t.Calls
		}
		timed += t.Timed
		durationMS += t.DurationMS
	}
	if final > 0 {
		out.CompletionRate = ratio(out.ByStatus[persistence.StatusCompleted], final)
	}
	out.TotalMinutes = round2(float64(durationMS) / 60_000)
	if timed > 0 {
		avg := round2(float64(durationMS) / 1000 / float64(timed))
		out.AvgDurationSeconds = &avg
	}
	return c.JSON(out)
}

func ratio(n, of int64) *float64 {
	r := math.Round(float64(n)/float64(of)*10_000) / 10_000
	return &r
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

func roundMS(ms *float64) *float64 {
	if ms == nil {
		return nil
	}
	r := math.Round(*ms*10) / 10
	return &r
}

// callAnalytics is the calls in each period of a window.
type callAnalytics struct {
	Interval persistence.Bucket `json:"interval"`
	DateFrom time.Time          `json:"date_from"`
	DateTo   time.Time          `json:"date_to"`
	Periods  []callPeriod       `json:"periods"`
}

type callPeriod struct {
	Start              time.Time  `json:"start"`
	Calls              int64      `json:"calls"`
	Completed          int64      `json:"completed"`
	Failed             int64      `json:"failed"` // busy, failed, no-answer or canceled
	CompletionRate     *float64   `json:"completion_rate"`
	Minutes            float64    `json:"minutes"`
	AvgDurationSeconds *float64   `json:"avg_duration_seconds"`
	Turns              *turnStats `json:"turns"` // null unless asked for with turns=true
}

// turnStats are how a period's turns went, from their recorded stage timings.
type turnStats struct {
	Count int64 `json:"count"`
	// LatencyP50MS and LatencyP95MS: the caller's turn ending to the
	// reply's first audio frame out; null without turns.
	LatencyP50MS  *float64 `json:"latency_p50_ms"`
	LatencyP95MS  *float64 `json:"latency_p95_ms"`
	Interruptions int64    `json:"interruptions"` // confirmed barge-ins
}

// analyticsWindows are each interval's default window and the most
// periods a window may hold.
var analyticsWindows = map[persistence.Bucket]struct {
	def time.Duration
	max int
}{
	persistence.ByDay:  {def: 30 * 24 * time.Hour, max: 366},
	persistence.ByHour: {def: 24 * time.Hour, max: 31 * 24},
}

func (a *API) callAnalytics(c *fiber.Ctx) error {
	by := persistence.Bucket(c.Query("interval", string(persistence.ByDay)))
	w, ok := analyticsWindows[by]
	if !ok {
		return badParam("query", "interval", "must be day or hour")
	}
	f, err := callFilter(c)
	if err != nil {
		return err
	}
	if f.To == nil {
		now := time.Now().UTC()
		f.To = &now
	}
	if f.From == nil {
		from := f.To.Add(-w.def)
		f.From = &from
	}
	step := persistence.BucketSteps[by]
	first := f.From.UTC().Truncate(step)
	if n := int(f.To.Sub(first)/step) + 1; n > w.max {
		return badParam("query", "date_from", "the window holds %d %ss; at most %d", n, by, w.max)
	}
	withTurns, err := queryBool(c, "turns")
	if err != nil {
		return err
	}
	periods, err := a.Analytics.CallPeriods(c.UserContext(), principal(c).OrganizationID, f, by)
	if err != nil {
		return callFail(err, "Calls")
	}
	var turns []persistence.TurnPeriod
	if withTurns != nil && *withTurns {
		if turns, err = a.Analytics.TurnPeriods(c.UserContext(), principal(c).OrganizationID, f, by); err != nil {
			return callFail(err, "Calls")
		}
	}
	out := callAnalytics{Interval: by, DateFrom: f.From.UTC(), DateTo: f.To.UTC(), Periods: []callPeriod{}}
	i, j := 0, 0
	for start := first; !start.After(*f.To); start = start.Add(step) {
		p := callPeriod{Start: start}
		if withTurns != nil && *withTurns {
			p.Turns = &turnStats{}
			if j < len(turns) && turns[j].Start.Equal(start) {
				t := turns[j]
				j++
				p.Turns = &turnStats{Count: t.Turns, LatencyP50MS: roundMS(t.LatencyP50), LatencyP95MS: roundMS(t.LatencyP95), Interruptions: t.Interruptions}
			}
		}
		if i < len(periods) && periods[i].Start.Equal(start) {
			got := periods[i]
			i++
			p.Calls, p.Completed, p.Failed = got.Calls, got.Completed, got.Failed
			p.Minutes = round2(float64(got.DurationMS) / 60_000)
			if ended := got.Completed + got.Failed; ended > 0 {
				p.CompletionRate = ratio(got.Completed, ended)
			}
			if got.Timed > 0 {
				avg := round2(float64(got.DurationMS) / 1000 / float64(got.Timed))
				p.AvgDurationSeconds = &avg
			}
		}
		out.Periods = append(out.Periods, p)
	}
	return c.JSON(out)
}

// callColumns are the calls CSV export's columns.
var callCSVColumns = []string{"id", "call_sid", "assistant_id", "assistant_name", "direction", "carrier", "from", "to",
	"customer_phone_number", "status", "ended_reason", "duration_seconds", "created_at", "started_at", "ended_at"}

func (a *API) exportCalls(c *fiber.Ctx) error {
	format, err := exportFormatParam(c)
	if err != nil {
		return err
	}
	f, err := callFilter(c)
	if err != nil {
		return err
	}
	org := principal(c).OrganizationID
	var after *persistence.CallCursor
	return a.sendExport(c, format, "calls", callCSVColumns, func(ctx context.Context) ([]exportRecord, error) {
		rows, err := a.Analytics.CallsBefore(ctx, org, f, after, exportPageSize)
		if err != nil || len(rows) == 0 {
			return nil, err
		}
		last := rows[len(rows)-1]
		after = &persistence.CallCursor{CreatedAt: last.CreatedAt, ID: last.ID}
		out := make([]exportRecord, len(rows))
		for i, r := range rows {
			if format == jsonExport {
				out[i].json = newCallResponse(r)
				continue
			}
			out[i].csv = []string{strconv.FormatInt(r.ID, 10), r.CallSID, optInt(r.AssistantID), ptr.Value(r.AssistantName),
				r.Direction, r.Carrier, r.From, r.To, r.CustomerNumber, r.Status, ptr.Value(r.EndedReason),
				optSeconds(r.DurationMS), stampOf(&r.CreatedAt), stampOf(r.StartedAt), stampOf(r.EndedAt)}
		}
		return out, nil
	})
}

func optInt(n *int64) string {
	if n == nil {
		return ""
	}
	return strconv.FormatInt(*n, 10)
}

func optSeconds(ms *int64) string {
	if ms == nil {
		return ""
	}
	return strconv.FormatFloat(float64(*ms)/1000, 'f', 3, 64)
}

func stampOf(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// transcriptColumns are a transcript CSV export's columns.
var transcriptColumns = []string{"id", "call_id", "speaker", "content", "segment_start", "segment_end", "confidence", "created_at"}

// exportTranscripts serves a call's transcript as a CSV or JSON download.
func (a *API) exportTranscripts(c *fiber.Ctx) error {
	format, err := exportFormatParam(c)
	if err != nil {
		return err
	}
	ts, err := a.transcriptsOf(c)
	if err != nil {
		return err
	}
	out := make([]exportRecord, len(ts))
	for i, t := range ts {
		out[i].json = t
		confidence := ""
		if t.Confidence != nil {
			confidence = strconv.FormatFloat(*t.Confidence, 'f', -1, 64)
		}
		out[i].csv = []string{strconv.FormatInt(t.ID, 10), strconv.FormatInt(t.CallID, 10), t.Speaker, t.Content,
			strconv.FormatFloat(t.SegmentStart, 'f', 3, 64), strconv.FormatFloat(t.SegmentEnd, 'f', 3, 64), confidence, stampOf(&t.CreatedAt)}
	}
	id, err := pathID(c, "call_id") // decoded as transcriptsOf did: the file is named after the number
	if err != nil {
		return err
	}
	name := "call-" + strconv.FormatInt(id, 10) + "-transcript"
	return a.sendExport(c, format, name, transcriptColumns, func(context.Context) ([]exportRecord, error) {
		batch := out
		out = nil // one page: the whole transcript
		return batch, nil
	})
}
