package engine

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
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
	"github.com/switchboard-voice/switchboard/sip/gateway"
	"github.com/switchboard-voice/switchboard/voice"
)

// The adapters between the gateways, the API, the calls and the records.

// dialer places the API's outbound calls through the carrier of the
// number they are placed from. Call-time variables are sealed into the
// database before the dial, under an id its tickets carry: whichever node
// the answered call's stream reaches reads them, and no URL holds them.
type dialer struct {
	store    *persistence.Store
	sealer   assistant.Sealer
	carriers map[string]telephony.Dialer
	trunks   trunkDialer // nil without the SIP listener
}

// trunkDialer places calls through SIP trunks (*gateway.Gateway): the
// INVITE goes out when ring is called.
type trunkDialer interface {
	Prepare(ctx context.Context, d telephony.Dial) (sid string, ring func(), err error)
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
	if n.Provider == gateway.Carrier && d.trunks != nil {
		return d.dialTrunk(ctx, c)
	}
	if !ok {
		return api.Dialed{}, fmt.Errorf("engine: dial from %s: %w: %s places no calls", c.From, telephony.ErrUnsupported, n.Provider)
	}
	dial := telephony.Dial{OrganizationID: c.OrganizationID, AssistantID: c.AssistantID, From: c.From, To: c.To}
	if len(c.Variables) > 0 {
		if dial.ID, err = d.saveVariables(ctx, c); err != nil {
			return api.Dialed{}, err
		}
	}
	sid, err := place.Place(ctx, dial)
	if err != nil {
		return api.Dialed{}, err
	}
	return api.Dialed{CallSID: sid, Carrier: n.Provider, DialID: dial.ID}, nil
}

// dialTrunk places a call through the SIP trunk of the number it is
// placed from.
func (d dialer) dialTrunk(ctx context.Context, c api.OutboundCall) (api.Dialed, error) {
	dial := telephony.Dial{OrganizationID: c.OrganizationID, AssistantID: c.AssistantID, From: c.From, To: c.To}
	if len(c.Variables) > 0 {
		var err error
		if dial.ID, err = d.saveVariables(ctx, c); err != nil {
			return api.Dialed{}, err
		}
	}
	sid, ring, err := d.trunks.Prepare(ctx, dial)
	if err != nil {
		return api.Dialed{}, err
	}
	return api.Dialed{CallSID: sid, Carrier: gateway.Carrier, DialID: dial.ID, Ring: ring}, nil
}

// saveVariables seals a dial's variables into the database under a new
// dial id.
func (d dialer) saveVariables(ctx context.Context, c api.OutboundCall) (string, error) {
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	plain, err := json.Marshal(c.Variables)
	if err != nil {
		return "", fmt.Errorf("engine: dial variables: %w", err)
	}
	sealed, err := d.sealer.Seal(string(plain))
	if err != nil {
		return "", fmt.Errorf("engine: dial variables: %w", err)
	}
	dialID := base64.RawURLEncoding.EncodeToString(id)
	if err := d.store.SaveDialVariables(ctx, c.OrganizationID, dialID, sealed, time.Now()); err != nil {
		return "", fmt.Errorf("engine: dial variables: %w", err)
	}
	return dialID, nil
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
