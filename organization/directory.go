package organization

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/switchboard-voice/switchboard/internal/typeddoc"
	"github.com/switchboard-voice/switchboard/persistence"
)

// Store is where settings live.
type Store interface {
	OrganizationSettings(ctx context.Context, id int64) (name string, settings []byte, err error)
	UpdateOrganizationSettings(ctx context.Context, id int64, update func(current []byte) ([]byte, error)) error
}

// cacheTTL bounds how stale another node's view of a change can be; this
// node's own changes are seen at once.
const cacheTTL = 30 * time.Second

// Directory serves organizations' settings to calls, routing and webhooks,
// cached, and applies changes to them.
type Directory struct {
	store  Store
	sealer Sealer
	now    func() time.Time

	mu    sync.Mutex
	cache map[int64]cached
	gen   uint64 // bumped by every forget: a load begun before one is stale
}

// Org is an organization with its settings ready to use.
type Org struct {
	ID   int64
	Name string
	Result
}

type cached struct {
	org     *Org
	expires time.Time
}

// NewDirectory returns a directory over store.
func NewDirectory(store Store, sealer Sealer) *Directory {
	return &Directory{store: store, sealer: sealer, now: time.Now, cache: map[int64]cached{}}
}

// Get returns an organization's settings, giving it a webhook secret the
// first time.
func (d *Directory) Get(ctx context.Context, id int64) (*Org, error) {
	d.mu.Lock()
	c, ok := d.cache[id]
	gen := d.gen
	d.mu.Unlock()
	if ok && d.now().Before(c.expires) {
		return c.org, nil
	}
	name, raw, err := d.store.OrganizationSettings(ctx, id)
	if err != nil {
		if ok && !errors.Is(err, persistence.ErrNotFound) {
			// The database is away: the settings as last read route and
			// run calls through the outage (nobody can change them meanwhile).
			return c.org, nil
		}
		return nil, err
	}
	doc, err := typeddoc.DecodeDocument(raw)
	if err != nil {
		return nil, fmt.Errorf("organization %d: stored settings: %w", id, err)
	}
	res, err := Load(doc, d.sealer)
	if err != nil {
		return nil, err
	}
	if res.Settings.WebhookSecret == "" {
		if _, err := d.RotateWebhookSecret(ctx, id); err != nil {
			return nil, err
		}
		return d.Get(ctx, id)
	}
	return d.remember(id, name, res, gen), nil
}

// Update applies a PATCH to an organization's settings.
func (d *Directory) Update(ctx context.Context, id int64, patch typeddoc.Document) (*Org, error) {
	return d.change(ctx, id, patch, Apply)
}

// Replace applies a PUT: the writable settings become body's.
func (d *Directory) Replace(ctx context.Context, id int64, body typeddoc.Document) (*Org, error) {
	return d.change(ctx, id, body, Replace)
}

func (d *Directory) change(ctx context.Context, id int64, body typeddoc.Document,
	how func(stored, body typeddoc.Document, s Sealer) (Result, error)) (*Org, error) {
	var res Result
	err := d.store.UpdateOrganizationSettings(ctx, id, func(current []byte) ([]byte, error) {
		doc, err := typeddoc.DecodeDocument(current)
		if err != nil {
			return nil, err
		}
		res, err = how(doc, body, d.sealer)
		return res.JSON, err
	})
	var ve *typeddoc.ValidationError
	if errors.As(err, &ve) {
		return nil, ve
	}
	if err != nil {
		return nil, err
	}
	d.forget(id)
	o, err := d.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	changed := *o
	changed.Changed = res.Changed
	return &changed, nil
}

// RotateWebhookSecret replaces the webhook secret and returns the new one,
// the only time it is shown.
func (d *Directory) RotateWebhookSecret(ctx context.Context, id int64) (string, error) {
	var secret string
	err := d.store.UpdateOrganizationSettings(ctx, id, func(current []byte) ([]byte, error) {
		doc, err := typeddoc.DecodeDocument(current)
		if err != nil {
			return nil, err
		}
		res, s, err := WithWebhookSecret(doc, d.sealer)
		secret = s
		return res.JSON, err
	})
	if err != nil {
		return "", err
	}
	d.forget(id)
	return secret, nil
}

// WebhookSecret returns the secret an organization's webhooks are signed with.
func (d *Directory) WebhookSecret(ctx context.Context, id int64) (string, error) {
	o, err := d.Get(ctx, id)
	if err != nil {
		return "", err
	}
	return o.Settings.WebhookSecret, nil
}

// remember caches what a load begun at generation gen read, unless a
// change was made since: the change may have committed after the read.
func (d *Directory) remember(id int64, name string, res Result, gen uint64) *Org {
	o := &Org{ID: id, Name: name, Result: res}
	d.mu.Lock()
	if d.gen == gen {
		d.cache[id] = cached{org: o, expires: d.now().Add(cacheTTL)}
	}
	d.mu.Unlock()
	return o
}

func (d *Directory) forget(id int64) {
	d.mu.Lock()
	delete(d.cache, id)
	d.gen++
	d.mu.Unlock()
}
