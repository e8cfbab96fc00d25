package api

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/internal/ptr"
	"github.com/switchboard-voice/switchboard/internal/typeddoc"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/providers"
)

// countBody is Burki's count response.
type countBody struct {
	Count int `json:"count"`
}

// assistantFilter reads the list's filters: is_active and search.
func assistantFilter(c *fiber.Ctx) (persistence.AssistantFilter, error) {
	active, err := queryBool(c, "is_active")
	if err != nil {
		return persistence.AssistantFilter{}, err
	}
	search, err := queryText(c, "search")
	if err != nil {
		return persistence.AssistantFilter{}, err
	}
	return persistence.AssistantFilter{IsActive: active, Search: search}, nil
}

func (a *API) countAssistants(c *fiber.Ctx) error {
	f, err := assistantFilter(c)
	if err != nil {
		return err
	}
	_, total, err := a.Store.ListAssistants(c.UserContext(), principal(c).OrganizationID, f) // Limit 0: the count alone
	if err != nil {
		return fail(fmt.Errorf("%w: %w", assistants.ErrUnavailable, err), "Assistant")
	}
	return c.JSON(countBody{Count: total})
}

// assistantColumns are the CSV export's columns: what tells assistants
// apart, never a secret.
var assistantColumns = []string{"id", "name", "description", "is_active", "llm_provider", "llm_model",
	"stt_provider", "stt_model", "tts_provider", "tts_voice_id", "webhook_url", "version", "created_at", "updated_at"}

// exportPageSize is how many items an export reads at a time.
const exportPageSize = 500

func (a *API) exportAssistants(c *fiber.Ctx) error {
	format, err := exportFormatParam(c)
	if err != nil {
		return err
	}
	f, err := assistantFilter(c)
	if err != nil {
		return err
	}
	org := principal(c).OrganizationID
	f.Limit = exportPageSize
	return a.sendExport(c, format, "assistants", assistantColumns, func(ctx context.Context) ([]exportRecord, error) {
		rows, _, err := a.Store.ListAssistants(ctx, org, f)
		if err != nil {
			return nil, err
		}
		f.Skip += len(rows)
		return a.assistantRecords(ctx, format, rows)
	})
}

func (a *API) assistantRecords(ctx context.Context, format exportFormat, rows []persistence.AssistantRow) ([]exportRecord, error) {
	out := make([]exportRecord, len(rows))
	if format == jsonExport {
		ids := make([]int64, len(rows))
		for i, row := range rows {
			ids[i] = row.ID
		}
		stats, err := a.stats.of(ctx, ids...)
		if err != nil {
			return nil, err
		}
		for i, row := range rows {
			body, err := assistants.RenderRow(row, stats[row.ID])
			if err != nil {
				return nil, err
			}
			out[i].json = json.RawMessage(body)
		}
		return out, nil
	}
	for i, row := range rows {
		doc, err := assistant.DecodeDocument(row.Config)
		if err != nil {
			return nil, fmt.Errorf("assistant %d: %w", row.ID, err)
		}
		cfg, err := assistant.Masked(doc)
		if err != nil {
			return nil, fmt.Errorf("assistant %d: %w", row.ID, err)
		}
		out[i].csv = []string{strconv.FormatInt(row.ID, 10), cfg.Name, ptr.Value(cfg.Description), strconv.FormatBool(row.IsActive),
			cfg.LLMProvider, cfg.LLMProviderConfig.Model, cfg.STTSettings.Provider, cfg.STTSettings.Model,
			cfg.TTSSettings.Provider, cfg.TTSSettings.VoiceID, ptr.Value(cfg.WebhookURL), strconv.Itoa(row.Version),
			row.CreatedAt.UTC().Format(time.RFC3339), row.UpdatedAt.UTC().Format(time.RFC3339)}
	}
	return out, nil
}

// duplicateWrite is an optional POST /assistants/{id}/duplicate body.
type duplicateWrite struct {
	Name *string `json:"name" check:"maxlen=255"`
}

var duplicateBody = newStrictBody[duplicateWrite]()

// duplicateAssistant creates a new assistant with another's configuration,
// secrets included (re-sealed), named name or "<name> (copy)". Phone
// numbers stay with the original: a number reaches one assistant.
func (a *API) duplicateAssistant(c *fiber.Ctx) error {
	id, err := pathID(c, "assistant_id")
	if err != nil {
		return err
	}
	var w duplicateWrite
	if len(c.Body()) > 0 {
		if w, err = duplicateBody.parse(c.Body()); err != nil {
			return err
		}
	}
	src, err := a.Assistants.Get(c.UserContext(), principal(c).OrganizationID, id)
	if err != nil {
		return fail(err, fmt.Sprintf("Assistant with ID %d", id))
	}
	fields := typeddoc.Encode(src.Config).(map[string]any)
	fields["name"] = copyName(src.Config.Name)
	if w.Name != nil {
		fields["name"] = *w.Name
	}
	why := fmt.Sprintf("duplicated from assistant %d", id)
	snap, err := a.Assistants.Create(c.UserContext(), principal(c), assistant.Write{Fields: fields, ChangeDescription: &why})
	if err != nil {
		return fail(err, "Assistant")
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Status(fiber.StatusCreated).Send(snap.Body)
}

// copyName is name with " (copy)", within the 255 characters a name may have.
func copyName(name string) string {
	const suffix, max = " (copy)", 255
	r := []rune(name)
	if len(r)+len([]rune(suffix)) > max {
		r = r[:max-len([]rune(suffix))]
	}
	return string(r) + suffix
}

// ProviderCatalog says what an organization's assistants can run here.
type ProviderCatalog interface {
	Offers(ctx context.Context, orgID int64) (providers.Offers, error)
}

func (a *API) assistantProviders(c *fiber.Ctx) error {
	offers, err := a.Providers.Offers(c.UserContext(), principal(c).OrganizationID)
	if err != nil {
		return orgError(err)
	}
	return c.JSON(offers)
}
