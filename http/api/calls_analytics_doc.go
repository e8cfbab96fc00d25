package api

import (
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/persistence"
)

// The calls' count, stats, analytics and export operations.

var (
	callFilterParams = []openapi.Param{
		openapi.QueryParam("status", "Only calls in this status.", openapi.Schema{"type": "string", "enum": persistence.CallStatuses}),
		openapi.QueryParam("assistant_id", "Only this assistant's calls.", idSchema),
		openapi.QueryParam("customer_phone", "Only calls with this customer number.", openapi.Schema{"type": "string"}),
		openapi.QueryParam("date_from", "Only calls created at or after this ISO 8601 date or date-time (UTC without a zone).",
			openapi.Schema{"type": "string"}),
		openapi.QueryParam("date_to", "Only calls created at or before this date (its whole day) or date-time.",
			openapi.Schema{"type": "string"}),
	}

	callStatsModel = response[callStats]("CallStats",
		"The calls matching the filters, summed up: by status, by why they ended, completion rate "+
			"(completed over calls with a final status), minutes and average duration (over calls with a duration).", nil)
	callAnalyticsModel = response[callAnalytics]("CallAnalytics",
		"The calls created in each UTC day or hour of the window, oldest first, periods without calls included.", nil)
	callListModel = listOf("CallList", callModel)

	docCountCalls = openapi.Operation{
		ID: "countCalls", Summary: "Count the organization's calls (Burki's path)",
		Params:    callFilterParams,
		Responses: map[int]openapi.Response{200: openapi.JSON("The count.", countModel), 422: invalid},
	}
	docCallStats = openapi.Operation{
		ID: "callStats", Summary: "Sum up the organization's calls (Burki's path)",
		Description: "Without date_from and date_to, every call; a month of a million-call organization takes well under 200 ms (BENCHMARKS.md).",
		Params:      callFilterParams,
		Responses:   map[int]openapi.Response{200: openapi.JSON("The statistics.", callStatsModel), 422: invalid},
	}
	docCallAnalytics = openapi.Operation{
		ID: "callAnalytics", Summary: "The organization's calls by day or hour (Burki's path)",
		Description: "The window is date_from to date_to, by default the last 30 days (interval=day, at most 366 days) " +
			"or the last 24 hours (interval=hour, at most 31 days).",
		Params: append([]openapi.Param{openapi.QueryParam("interval", "Group calls by UTC day or hour.",
			openapi.Schema{"type": "string", "enum": []any{"day", "hour"}, "default": "day"}),
			openapi.QueryParam("turns", "Also each period's turns: count, latency percentiles (the caller's turn ending to the "+
				"reply's first audio out, from the recorded stage timings) and confirmed interruptions. Reads every turn of the window.",
				openapi.Schema{"type": "boolean", "default": false})}, callFilterParams...),
		Responses: map[int]openapi.Response{200: openapi.JSON("The periods.", callAnalyticsModel), 422: invalid},
	}
	transcriptListModel  = listOf("TranscriptList", response[transcriptResponse]("TranscriptSegment", "One final transcript segment.", nil))
	docExportTranscripts = openapi.Operation{
		ID: "exportCallTranscripts", Summary: "Download a call's transcript as CSV or JSON (Burki's path)",
		Params: []openapi.Param{callIDParam, formatParam,
			openapi.QueryParam("speaker", "Only this speaker's segments.", openapi.Schema{"type": "string", "enum": []string{"user", "assistant"}})},
		Responses: map[int]openapi.Response{
			200: {Description: "The segments, in order.", Model: transcriptListModel,
				Alternatives: map[string]openapi.Schema{"text/csv": csvSchema(transcriptColumns)}},
			404: callNotFound,
			422: invalid,
		},
	}
	docExportCalls = openapi.Operation{
		ID: "exportCalls", Summary: "Export the organization's calls as CSV or JSON, newest first (Burki's path)",
		Description: "Streamed page by page, so any number of calls can be exported. JSON items are call objects.",
		Params:      append([]openapi.Param{formatParam}, callFilterParams...),
		Responses: map[int]openapi.Response{
			200: {Description: "The calls.", Model: callListModel,
				Alternatives: map[string]openapi.Schema{"text/csv": csvSchema(callCSVColumns)}},
			422: invalid,
		},
	}
)
