package organization_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-voice/switchboard/internal/typeddoc"
	"github.com/switchboard-voice/switchboard/organization"
	"github.com/switchboard-voice/switchboard/persistence"
	"github.com/switchboard-voice/switchboard/persistence/pgtest"
	"github.com/switchboard-voice/switchboard/secrets"
)

func setup(t *testing.T) (*organization.Directory, *persistence.Store, int64) {
	t.Helper()
	store := persistence.NewStore(pgtest.Pool(t))
	box, err := secrets.NewBox(make([]byte, secrets.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	org, err := store.EnsureOrganization(context.Background(), "Acme")
	if err != nil {
		t.Fatal(err)
	}
	return organization.NewDirectory(store, box), store, org.ID
}

func patch(t *testing.T, s string) typeddoc.Document {
	t.Helper()
	d, err := typeddoc.DecodeDocument([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSettingsSealedMaskedAndMerged(t *testing.T) {
	dir, store, id := setup(t)
	ctx := context.Background()
	o, err := dir.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(o.Settings.WebhookSecret, "whsec_") || o.Masked.WebhookSecret != typeddoc.Mask {
		t.Fatalf("webhook secret %q masked %q", o.Settings.WebhookSecret, o.Masked.WebhookSecret)
	}
	o, err = dir.Update(ctx, id, patch(t, `{"provider_keys":{"deepgram_api_key":"dg-org"},"twilio":{"account_sid":"AC1","auth_token":"tw-secret-9f3"},"concurrency":{"deepgram":40}}`))
	if err != nil {
		t.Fatal(err)
	}
	if o.Settings.ProviderKeys["deepgram_api_key"] != "dg-org" || *o.Settings.Twilio.AuthToken != "tw-secret-9f3" || o.Settings.Concurrency["deepgram"] != 40 {
		t.Fatalf("settings %+v", o.Settings)
	}
	if *o.Masked.Twilio.AuthToken != typeddoc.Mask || *o.Masked.Twilio.AccountSID != "AC1" {
		t.Fatalf("masked %+v", o.Masked.Twilio)
	}
	_, raw, _ := store.OrganizationSettings(ctx, id)
	for _, plain := range []string{"dg-org", "tw-secret-9f3", o.Settings.WebhookSecret} {
		if strings.Contains(string(raw), plain) {
			t.Errorf("%q stored in clear", plain)
		}
	}
	// Deep merge, mask kept, null clears.
	o, err = dir.Update(ctx, id, patch(t, `{"provider_keys":{"openai_api_key":"sk-org"},"twilio":{"auth_token":"********"},"telnyx":{"public_key":"pk"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if o.Settings.ProviderKeys["deepgram_api_key"] != "dg-org" || *o.Settings.Twilio.AuthToken != "tw-secret-9f3" || *o.Settings.Telnyx.PublicKey != "pk" {
		t.Fatalf("merge lost settings: %+v", o.Settings)
	}
	if !slices.Equal(o.Changed, []string{"provider_keys.openai_api_key", "telnyx"}) {
		t.Fatalf("changed %v", o.Changed)
	}
	o, _ = dir.Update(ctx, id, patch(t, `{"twilio":null}`))
	if o.Settings.Twilio != nil {
		t.Fatalf("twilio not cleared: %+v", o.Settings.Twilio)
	}
}

func TestSettingsValidation(t *testing.T) {
	dir, _, id := setup(t)
	ctx := context.Background()
	_, err := dir.Update(ctx, id, patch(t, `{"concurrency":{"deepgram":0,"Bad Key":2},"bogus":1,"webhook_secret":"mine"}`))
	var ve *typeddoc.ValidationError
	if !errors.As(err, &ve) || ve.Errors[0].Path() != "webhook_secret" {
		t.Fatalf("webhook secret write: %v", err)
	}
	_, err = dir.Update(ctx, id, patch(t, `{"concurrency":{"deepgram":0,"Bad Key":2},"bogus":1}`))
	if !errors.As(err, &ve) {
		t.Fatalf("expected a validation error, got %v", err)
	}
	var got []string
	for _, e := range ve.Errors {
		got = append(got, e.Path())
	}
	for _, want := range []string{"bogus", "concurrency.deepgram", "concurrency.Bad Key"} {
		if !slices.Contains(got, want) {
			t.Errorf("no error at %s: %v", want, got)
		}
	}
}

func TestRotateAndConcurrentUpdates(t *testing.T) {
	dir, _, id := setup(t)
	ctx := context.Background()
	before, err := dir.WebhookSecret(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	shown, err := dir.RotateWebhookSecret(ctx, id)
	if err != nil || shown == before {
		t.Fatalf("rotate: %q %v", shown, err)
	}
	if now, _ := dir.WebhookSecret(ctx, id); now != shown {
		t.Fatalf("after rotation the secret is %q, shown %q", now, shown)
	}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if _, err := dir.Update(ctx, id, patch(t, fmt.Sprintf(`{"provider_keys":{"key_%d":"v%d"}}`, i, i))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	o, _ := dir.Get(ctx, id)
	if len(o.Settings.ProviderKeys) != 20 {
		t.Fatalf("%d keys after 20 concurrent updates: updates were lost", len(o.Settings.ProviderKeys))
	}
}

// PUT replaces the writable settings: what it leaves out returns to its
// default, a masked secret keeps its value, the webhook secret stays.
func TestReplace(t *testing.T) {
	dir, _, id := setup(t)
	ctx := context.Background()
	before, err := dir.Update(ctx, id, patch(t, `{"provider_keys":{"deepgram_api_key":"dg","openai_api_key":"sk"},"twilio":{"account_sid":"AC1","auth_token":"tw"},"concurrency":{"deepgram":4}}`))
	if err != nil {
		t.Fatal(err)
	}
	o, err := dir.Replace(ctx, id, patch(t, `{"provider_keys":{"deepgram_api_key":"********"},"twilio":{"auth_token":"********"}}`))
	if err != nil {
		t.Fatal(err)
	}
	s := o.Settings
	if len(s.ProviderKeys) != 1 || s.ProviderKeys["deepgram_api_key"] != "dg" || len(s.Concurrency) != 0 {
		t.Fatalf("replaced keys %v, concurrency %v", s.ProviderKeys, s.Concurrency)
	}
	if s.Twilio == nil || s.Twilio.AccountSID != nil || *s.Twilio.AuthToken != "tw" {
		t.Fatalf("replaced twilio %+v", s.Twilio)
	}
	if s.WebhookSecret != before.Settings.WebhookSecret {
		t.Fatal("PUT changed the webhook secret")
	}
	want := []string{"concurrency.deepgram", "provider_keys.openai_api_key", "twilio.account_sid"}
	if !slices.Equal(o.Changed, want) {
		t.Errorf("changed %v, want %v", o.Changed, want)
	}

	o, err = dir.Replace(ctx, id, patch(t, `{}`))
	if err != nil || o.Settings.Twilio != nil || len(o.Settings.ProviderKeys) != 0 {
		t.Fatalf("an empty PUT: %v %+v", err, o.Settings)
	}
	for body, where := range map[string]string{
		`{"webhook_secret":"mine"}`:                "webhook_secret",
		`{"twilio":{"auth_token":"********"}}`:     "twilio.auth_token", // nothing stored any more
		`{"concurrency":{"deepgram":0}}`:           "concurrency.deepgram",
		`{"plivo":{"auth_id":"x","colour":"red"}}`: "plivo.colour",
	} {
		_, err := dir.Replace(ctx, id, patch(t, body))
		var ve *typeddoc.ValidationError
		if !errors.As(err, &ve) || ve.Errors[0].Path() != where {
			t.Errorf("PUT %s: %v, want a problem at %s", body, err, where)
		}
	}
}
