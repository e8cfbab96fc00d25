package routing

import (
	"context"
	"fmt"

	"github.com/switchboard-voice/switchboard/actors/assistants"
	"github.com/switchboard-voice/switchboard/assistant"
	"github.com/switchboard-voice/switchboard/http/telephony"
	"github.com/switchboard-voice/switchboard/internal/ptr"
	"github.com/switchboard-voice/switchboard/organization"
)

// credentials are the carrier account a call of the assistant goes
// through: the assistant's own (twilio_config, telnyx_config) when it has
// a complete set, else its organization's. A Telnyx assistant's own key
// still verifies webhooks with the organization's public key: the
// assistant's configuration has none.
func (d *Directory) credentials(ctx context.Context, snap *assistants.Snapshot, carrier string) (telephony.Credentials, error) {
	org, err := d.Organizations.Get(ctx, snap.OrganizationID)
	if err != nil {
		return telephony.Credentials{}, fmt.Errorf("routing: organization %d: %w", snap.OrganizationID, err)
	}
	c := orgCredentials(org.ID, &org.Settings, carrier)
	if own, ok := ownCredentials(snap.ID, &snap.Config, carrier, &org.Settings); ok {
		own.OrganizationID = org.ID
		c = own
	}
	return c, nil
}

// Credentials implements telephony.Directory: every organization's account
// for the carrier, and every active assistant's own.
func (d *Directory) Credentials(ctx context.Context, carrier string) ([]telephony.Credentials, error) {
	ids, err := d.Store.OrganizationsWith(ctx, carrier)
	if err != nil {
		return nil, fmt.Errorf("routing: %w", err)
	}
	var out []telephony.Credentials
	for _, id := range ids {
		org, err := d.Organizations.Get(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("routing: organization %d: %w", id, err)
		}
		if c := orgCredentials(id, &org.Settings, carrier); c != (telephony.Credentials{OrganizationID: id}) {
			out = append(out, c)
		}
	}
	key := map[string]string{telephony.Twilio: "twilio_config", telephony.Telnyx: "telnyx_config"}[carrier]
	if key == "" {
		return out, nil
	}
	rows, err := d.Store.AssistantsWith(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("routing: %w", err)
	}
	for _, row := range rows {
		doc, err := assistant.DecodeDocument(row.Config)
		if err != nil {
			return nil, fmt.Errorf("routing: assistant %d: %w", row.ID, err)
		}
		res, err := assistant.Load(doc, d.Sealer)
		if err != nil {
			return nil, fmt.Errorf("routing: assistant %d: %w", row.ID, err)
		}
		var settings *organization.Settings
		if carrier == telephony.Telnyx {
			org, err := d.Organizations.Get(ctx, row.OrganizationID)
			if err != nil {
				return nil, fmt.Errorf("routing: organization %d: %w", row.OrganizationID, err)
			}
			settings = &org.Settings
		}
		if c, ok := ownCredentials(row.ID, &res.Config, carrier, settings); ok {
			c.OrganizationID = row.OrganizationID
			out = append(out, c)
		}
	}
	return out, nil
}

// orgCredentials are an organization's complete account for a carrier;
// only OrganizationID is set when it has none.
func orgCredentials(id int64, s *organization.Settings, carrier string) telephony.Credentials {
	c := telephony.Credentials{OrganizationID: id}
	switch carrier {
	case telephony.Twilio:
		if t := s.Twilio; t != nil && set(t.AccountSID, t.AuthToken) {
			c.Twilio = &telephony.TwilioAccount{AccountSID: *t.AccountSID, AuthToken: *t.AuthToken}
		}
	case telephony.Telnyx:
		if t := s.Telnyx; t != nil && set(t.APIKey) {
			c.Telnyx = &telephony.TelnyxAccount{APIKey: *t.APIKey, ConnectionID: ptr.Value(t.ConnectionID),
				PublicKey: ptr.Value(t.PublicKey), MessagingProfileID: ptr.Value(t.MessagingProfileID)}
		}
	case telephony.Vonage:
		if v := s.Vonage; v != nil && set(v.ApplicationID, v.PrivateKey) {
			c.Vonage = &telephony.VonageAccount{ApplicationID: *v.ApplicationID, PrivateKey: *v.PrivateKey,
				SignatureSecret: ptr.Value(v.SignatureSecret)}
		}
	case telephony.Plivo:
		if p := s.Plivo; p != nil && set(p.AuthID, p.AuthToken) {
			c.Plivo = &telephony.PlivoAccount{AuthID: *p.AuthID, AuthToken: *p.AuthToken}
		}
	}
	return c
}

// ownCredentials are an assistant's own complete account for a carrier.
// org supplies what the assistant's settings lack (Telnyx's public key).
func ownCredentials(id int64, cfg *assistant.Config, carrier string, org *organization.Settings) (telephony.Credentials, bool) {
	c := telephony.Credentials{AssistantID: id}
	switch carrier {
	case telephony.Twilio:
		if t := cfg.TwilioConfig; t != nil && set(t.AccountSID, t.AuthToken) {
			c.Twilio = &telephony.TwilioAccount{AccountSID: *t.AccountSID, AuthToken: *t.AuthToken}
			return c, true
		}
	case telephony.Telnyx:
		if t := cfg.TelnyxConfig; t != nil && set(t.APIKey) {
			c.Telnyx = &telephony.TelnyxAccount{APIKey: *t.APIKey, ConnectionID: ptr.Value(t.ConnectionID)}
			if org != nil && org.Telnyx != nil {
				c.Telnyx.PublicKey = ptr.Value(org.Telnyx.PublicKey)
				c.Telnyx.MessagingProfileID = ptr.Value(org.Telnyx.MessagingProfileID)
			}
			return c, true
		}
	}
	return c, false
}

// set reports whether every value is present and not empty.
func set(vs ...*string) bool {
	for _, v := range vs {
		if v == nil || *v == "" {
			return false
		}
	}
	return true
}
