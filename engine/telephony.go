package engine

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/http/api"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/internal/ptr"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/recording"
	"github.com/switchboard-voice/switchboard/records"
	"github.com/switchboard-voice/switchboard/voice"
)

// The adapters between the gateways, the API, the calls and the records.

// dialer places the API's outbound calls through the carrier of the
// number they are placed from.
type dialer struct {
	store    *persistence.Store
	carriers map[string]telephony.Dialer
}

func (d dialer) Dial(ctx context.Context, c api.OutboundCall) (api.Dialed, error) {
	n, err := d.store.PhoneNumberByNumber(ctx, c.From)
	switch {
	case errors.Is(err, persistence.ErrNotFound) || (err == nil && n.OrganizationID != c.OrganizationID):
		return api.Dialed{}, api.ErrUnknownNumber
	case err != nil:
		return api.Dialed{}, fmt.Errorf("engine: dial: %w", err)
	}
	place, ok := d.carriers[n.Provider]
	if !ok {
		return api.Dialed{}, fmt.Errorf("engine: dial from %s: %w: %s places no calls", c.From, telephony.ErrUnsupported, n.Provider)
	}
	sid, err := place.Place(ctx, telephony.Dial{OrganizationID: c.OrganizationID, AssistantID: c.AssistantID, From: c.From, To: c.To})
	if err != nil {
		return api.Dialed{}, err
	}
	return api.Dialed{CallSID: sid, Carrier: n.Provider}, nil
}

// texter sends the send_sms tool's messages through the call's carrier,
// from the assistant's number on the call.
type texter struct{ carriers map[string]telephony.Texter }

func (t texter) SendSMS(ctx context.Context, c *voice.CallInfo, cfg assistant.Config, to, body string) (string, error) {
	tx, ok := t.carriers[c.Carrier]
	if !ok {
		return "", fmt.Errorf("%w: %s sends no text messages", telephony.ErrUnsupported, c.Carrier)
	}
	from := c.To
	if c.Direction == telephony.Outbound {
		from = c.From
	}
	return tx.SendSMS(ctx, telephony.SMS{OrganizationID: c.OrganizationID, AssistantID: c.AssistantID, From: from, To: to,
		Body: body, MessagingServiceSID: ptr.Value(cfg.MessagingServiceSID)})
}

// recordingFiles records calls' finished recording files, paths relative
// to the recordings root, when the assistant asks for database records;
// without, the record carries no file but still releases the end-of-call
// report.
type recordingFiles struct {
	root string
	w    *records.Writer
}

func (r recordingFiles) RecordingSaved(c *voice.CallInfo, s assistant.RecordingSettings, at time.Time, tracks []recording.Track) {
	var files []persistence.RecordingFile
	if s.CreateDatabaseRecords {
		for _, t := range tracks {
			rel, err := filepath.Rel(r.root, t.Path)
			if err != nil {
				continue // recording.Start keeps every file under the root
			}
			files = append(files, persistence.RecordingFile{Type: t.Kind, Format: t.Format, SampleRate: t.SampleRate,
				Channels: t.Channels, DurationMS: t.Duration.Milliseconds(), Size: t.Size, Path: filepath.ToSlash(rel)})
		}
	}
	r.w.RecordingSaved(c.ID, at, files)
}

// recordingLinks gives webhooks a signed link to a call's recording (its
// mixed track when it has one).
type recordingLinks struct {
	store *persistence.Store
	links *api.RecordingLinks
}

func (r recordingLinks) RecordingURL(ctx context.Context, callID int64) (string, error) {
	recs, err := r.store.ListRecordings(ctx, 0, callID)
	if err != nil || len(recs) == 0 {
		return "", err
	}
	return r.links.URL(recs[0].ID), nil
}
