package api

import (
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/persistence"
)

// The audit routes' operations.

var auditTag = openapi.Defaults{Tags: []string{"audit"}, Responses: map[int]openapi.Response{
	403: openapi.JSON("Only organization admins read the audit log.", errorModel),
}}

var (
	auditModel = response[persistence.AuditEntry]("AuditEntry",
		"A change made through the API: the operation (action), the request's method, path and status, "+
			"the user and the API key that made it.", nil)
	auditPageModel  = pageOf[persistence.AuditEntry]("AuditPage", auditModel)
	eventTypesModel = response[eventTypes]("AuditEventTypes", "Every action the audit log records.", nil)

	docListAudit = openapi.Operation{
		ID: "listAuditLogs", Summary: "The organization's audit log, newest first (Burki's path)",
		Description: "Every successful change made through /api/v1 (any method but GET and HEAD).",
		Params: append(listLimits.params(),
			openapi.QueryParam("action", "Only this action (see event-types).", openapi.Schema{"type": "string"}),
			openapi.QueryParam("api_key_id", "Only the actions of this API key.", idSchema),
			openapi.QueryParam("date_from", "Only actions at or after this ISO 8601 date or date-time.", openapi.Schema{"type": "string"}),
			openapi.QueryParam("date_to", "Only actions at or before this date (its whole day) or date-time.", openapi.Schema{"type": "string"})),
		Responses: map[int]openapi.Response{200: openapi.JSON("One page of entries.", auditPageModel), 422: invalid},
	}
	docAuditEventTypes = openapi.Operation{
		ID: "listAuditEventTypes", Summary: "The actions the audit log records (Burki's path)",
		Responses: map[int]openapi.Response{200: openapi.JSON("The actions.", eventTypesModel)},
	}
)
