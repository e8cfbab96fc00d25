package api

import "github.com/switchboard-voice/switchboard/http/openapi"

// The SIP-trunk routes' operations.

var trunksTag = openapi.Defaults{Tags: []string{"sip-trunks"}}

var trunkIDParam = openapi.PathParam("trunk_id", "The SIP trunk's id.", idSchema)

var (
	docCreateTrunk = openapi.Operation{
		ID: "createSIPTrunk", Summary: "Add a SIP trunk",
		Body: &openapi.Body{Model: trunkWriteModel, Required: true},
		Responses: map[int]openapi.Response{
			201: openapi.JSON("The trunk, passwords masked.", trunkModel),
			422: openapi.JSON("The body is invalid.", validationModel),
		},
	}
	docListTrunks = openapi.Operation{
		ID: "listSIPTrunks", Summary: "List the organization's SIP trunks, oldest first",
		Params: listLimits.params(),
		Responses: map[int]openapi.Response{
			200: openapi.JSON("One page of trunks.", trunkPageModel),
			422: invalid,
		},
	}
	docGetTrunk = openapi.Operation{
		ID: "getSIPTrunk", Summary: "Get a SIP trunk",
		Params: []openapi.Param{trunkIDParam},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("The trunk, passwords masked.", trunkModel),
			404: notFound("SIP trunk"),
			422: invalid,
		},
	}
	docReplaceTrunk = openapi.Operation{
		ID: "updateSIPTrunk", Summary: "Replace a SIP trunk's settings",
		Params: []openapi.Param{trunkIDParam},
		Body:   &openapi.Body{Model: trunkWriteModel, Required: true},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("The trunk as changed.", trunkModel),
			404: notFound("SIP trunk"),
			422: openapi.JSON("A parameter or the body is invalid.", validationModel),
		},
	}
	docDeleteTrunk = openapi.Operation{
		ID: "deleteSIPTrunk", Summary: "Remove a SIP trunk; numbers tied to it then take calls from any of the organization's trunks",
		Params: []openapi.Param{trunkIDParam},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("Removed.", messageModel),
			404: notFound("SIP trunk"),
			422: invalid,
		},
	}
	docEnableTrunk = openapi.Operation{
		ID: "enableSIPTrunk", Summary: "Enable a SIP trunk",
		Params: []openapi.Param{trunkIDParam},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("The trunk, enabled.", trunkModel),
			404: notFound("SIP trunk"),
			422: invalid,
		},
	}
	docDisableTrunk = openapi.Operation{
		ID: "disableSIPTrunk", Summary: "Disable a SIP trunk without deleting it: its INVITEs are refused",
		Params: []openapi.Param{trunkIDParam},
		Responses: map[int]openapi.Response{
			200: openapi.JSON("The trunk, disabled.", trunkModel),
			404: notFound("SIP trunk"),
			422: invalid,
		},
	}
)
