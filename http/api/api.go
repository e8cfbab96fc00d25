// Package api is the authenticated admin REST API under /api/v1, compatible
// with Burki's assistants API.
package api

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/auth"
	"github.com/switchboard-voice/switchboard/http/openapi"
	"github.com/switchboard-voice/switchboard/internal/typeddoc"
	"github.com/switchboard-voice/switchboard/persistence"
)

// Store is what the API reads and writes directly in the database;
// assistants' writes go through their actors instead.
type Store interface {
	ListAssistants(ctx context.Context, orgID int64, f persistence.AssistantFilter) ([]persistence.AssistantRow, int, error)
	AssistantIDByUUID(ctx context.Context, orgID int64, uuid string) (int64, error)
	UserEmail(ctx context.Context, userID int64) (string, error)
	ListHistory(ctx context.Context, assistantID int64, skip, limit int) ([]persistence.HistoryEntry, int, error)
	GetHistory(ctx context.Context, assistantID, id int64) (persistence.HistoryEntry, error)

	CreatePhoneNumber(ctx context.Context, n persistence.PhoneNumber) (persistence.PhoneNumber, error)
	ListPhoneNumbers(ctx context.Context, orgID int64, f persistence.PhoneNumberFilter) ([]persistence.PhoneNumber, int, error)
	PhoneNumber(ctx context.Context, orgID, id int64) (persistence.PhoneNumber, error)
	PhoneNumberByNumber(ctx context.Context, number string) (persistence.PhoneNumber, error)
	UpdatePhoneNumber(ctx context.Context, orgID, id int64, u persistence.PhoneNumberUpdate) (persistence.PhoneNumber, error)
	DeletePhoneNumber(ctx context.Context, orgID, id int64) error

	CreateSIPTrunk(ctx context.Context, t persistence.SIPTrunk) (persistence.SIPTrunk, error)
	ListSIPTrunks(ctx context.Context, orgID int64, skip, limit int) ([]persistence.SIPTrunk, int, error)
	SIPTrunk(ctx context.Context, orgID, id int64) (persistence.SIPTrunk, error)
	ReplaceSIPTrunk(ctx context.Context, t persistence.SIPTrunk) (persistence.SIPTrunk, error)
	SetSIPTrunkActive(ctx context.Context, orgID, id int64, active bool) (persistence.SIPTrunk, error)
	DeleteSIPTrunk(ctx context.Context, orgID, id int64) error
}

// Deps are the API's collaborators.
type Deps struct {
	Log           *slog.Logger
	Assistants    *assistants.Registry
	Store         Store
	Organizations Organizations
	Sealer        typeddoc.Sealer // seals SIP trunks' passwords; nil: no /sip-trunks routes
	Authenticator *auth.Authenticator
	Keys          KeyStore        // nil: no API-key routes
	Providers     ProviderCatalog // nil: no /assistants/providers
	Audit         AuditLog        // nil: changes are not audited
	Stats         Stats           // nil: assistants show no calls

	// The calls routes are mounted when Calls is set; terminate needs
	// LiveCalls, outbound needs Dialer and Placed.
	Calls     CallStore
	Analytics CallAnalytics // with Calls: count, stats, analytics, export
	LiveCalls LiveCalls
	Watchers  Watchers // the live-call websocket, with LiveCalls
	// Nodes are the cluster's other nodes, whose calls and recordings
	// the routes reach too; nil when the engine runs alone.
	Nodes OtherNodes

	// The recordings routes are mounted when Recordings is set.
	Recordings     Recordings
	RecordingsRoot string
	Links          *RecordingLinks
	Sounds         SoundStore // nil: no background-sound uploads
	// The documents routes are mounted when Documents is set; Knowledge
	// hears of their changes, DocumentClient fetches documents by URL
	// (nil: public addresses only).
	Documents      DocumentStore
	Knowledge      KnowledgeBase
	DocumentClient *http.Client
	WebCalls       WebCalls // nil: no web call tokens
	Dialer         Dialer
	Placed         CallPlacer

	// AllowPrivateURLs accepts tenants' URLs (webhook_url, custom tools,
	// sound and provider URLs) on loopback and private addresses; without
	// it a write setting one is refused (the engine would refuse to reach it).
	AllowPrivateURLs bool
}

// API serves the admin routes.
type API struct {
	Deps
	stats *statsCache
}

// New returns the API.
func New(d Deps) *API { return &API{Deps: d, stats: newStatsCache(d.Stats)} }

// guard is what runs before every route of an API: authentication in its
// error shape, then the audit of what the route changes.
func (a *API) guard(shape errorShape) []fiber.Handler {
	hs := []fiber.Handler{func(c *fiber.Ctx) error { return a.authenticateAs(c, shape) }}
	if a.Audit != nil {
		hs = append(hs, a.audit)
	}
	return hs
}

// Mount registers the routes under /api/v1, each with its operation.
func (a *API) Mount(app openapi.Router) {
	v1 := app.Group("/api/v1", a.guard(burkiErrors)...).With(authenticated)
	as := v1.Group("/assistants").With(assistantsTag)
	as.Post("/", docCreateAssistant, a.createAssistant)
	as.Get("/", docListAssistants, a.listAssistants)
	as.Get("/count", docCountAssistants, a.countAssistants) // before /:assistant_id
	as.Get("/export", docExportAssistants, a.exportAssistants)
	if a.Providers != nil {
		as.Get("/providers", docAssistantProviders, a.assistantProviders)
	}
	as.Get("/by-phone/:phone_number", docAssistantByPhone, a.assistantByPhone)
	as.Get("/:assistant_id", docGetAssistant, a.getAssistant)
	as.Put("/:assistant_id", docPutAssistant, a.updateAssistant)
	as.Patch("/:assistant_id", docPatchAssistant, a.updateAssistant)
	as.Delete("/:assistant_id", docDeleteAssistant, a.deleteAssistant)
	as.Post("/:assistant_id/duplicate", docDuplicateAssistant, a.duplicateAssistant)
	as.Patch("/:assistant_id/status", docAssistantStatus, a.setAssistantStatus)
	as.Get("/:assistant_id/settings-history", docListHistory, a.listHistory)
	as.Get("/:assistant_id/settings-history/:version_id", docGetHistory, a.getHistory)
	as.Post("/:assistant_id/settings-history/:version_id/rollback", docRollback, a.rollback)
	as.Get("/:assistant_id/phone-numbers", docAssistantNumbers, a.assistantNumbers)
	as.Post("/:assistant_id/phone-numbers/:phone_number_id/assign", docAssignToAssistant, a.assignNumber)
	as.Post("/:assistant_id/phone-numbers/:phone_number_id/unassign", docUnassignFromAssistant, a.unassignNumber)

	pn := v1.Group("/phone-numbers").With(numbersTag)
	pn.Post("/", docCreateNumber, a.createNumber)
	pn.Get("/", docListNumbers, a.listNumbers)
	pn.Get("/:phone_number_id", docGetNumber, a.getNumber)
	pn.Patch("/:phone_number_id", docUpdateNumber, a.updateNumber)
	pn.Delete("/:phone_number_id", docDeleteNumber, a.deleteNumber)
	pn.Post("/:phone_number_id/assign", docAssignNumber, a.assignNumber)
	pn.Post("/:phone_number_id/unassign", docUnassignNumber, a.unassignNumber)

	if a.Sealer != nil {
		st := v1.Group("/sip-trunks").With(trunksTag)
		st.Get("/", docListTrunks, a.listTrunks)
		st.Post("/", docCreateTrunk, a.createTrunk)
		st.Get("/:trunk_id", docGetTrunk, a.getTrunk)
		st.Put("/:trunk_id", docReplaceTrunk, a.replaceTrunk)
		st.Delete("/:trunk_id", docDeleteTrunk, a.deleteTrunk)
		st.Post("/:trunk_id/enable", docEnableTrunk, a.setTrunkActive(true))
		st.Post("/:trunk_id/disable", docDisableTrunk, a.setTrunkActive(false))
	}

	v1.Get("/organization", docGetOrganization, a.getOrganization)
	v1.Patch("/organization", docUpdateOrganization, a.updateOrganization(Organizations.Update))
	v1.Put("/organization", docReplaceOrganization, a.updateOrganization(Organizations.Replace))
	v1.Post("/organization/webhook-secret", docRotateWebhookSecret, a.rotateWebhookSecret)
	as.Get("/me/organization", docGetMyOrganization, a.getOrganization) // Burki's path
	if a.Sounds != nil {
		as.Post("/:assistant_id/background-sounds/upload", docUploadSound, a.uploadSound)
	}
	if a.Documents != nil {
		as.Post("/:assistant_id/documents/upload", docUploadDocument, a.uploadDocument)
		as.Get("/:assistant_id/documents", docListDocuments, a.listDocuments)
		as.Get("/:assistant_id/documents/:document_id/status", docDocumentStatus, a.documentStatusOf)
		as.Delete("/:assistant_id/documents/:document_id", docDeleteDocument, a.deleteDocument)
		as.Post("/:assistant_id/documents/:document_id/process", docProcessDocument, a.processDocument)
	}
	if a.WebCalls != nil {
		as.Post("/:assistant_id/web-call", docWebCall, a.webCall)
	}

	if a.Keys != nil {
		a.mountKeys(v1)
	}
	if a.Audit != nil {
		a.mountAudit(v1)
	}
	if a.Calls != nil {
		a.mountCalls(v1)
	}
	a.mountFamulor(app)
	a.mountVoiceDock(app)
	if a.Recordings != nil && a.Links != nil {
		app.Get("/recordings/:recording_id", docPublicRecording, a.publicRecording)
	}
}

// principal is the authenticated caller of a request.
func principal(c *fiber.Ctx) auth.Principal {
	p, _ := c.Locals(principalKey).(auth.Principal)
	return p
}
