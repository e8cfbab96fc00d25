package twilio

import (
	"context"
	"sync"
	"time"

	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/http/telephony"
)

// Twilio signs the media-stream upgrade over the stream's wss URL, which
// carries no query string (Twilio strips it) and no parameters, with the
// auth token of the call's account: the token must be known before the
// upgrade, yet the request names no account. Since the URL is fixed, the
// signature depends on the token alone, so upgradeKeys precomputes, for
// every candidate token, the signatures Twilio may send (with and without
// the default port) and looks the header up in that table: O(1) per
// upgrade whatever the number of accounts.
//
// Candidates are the tokens of accounts whose calls this node answered
// recently (remembered by the voice webhook, so an account configured a
// moment ago works at once), and every configured account's token from
// the directory (the keyring, refetched each minute, or sooner on a miss,
// at most every few seconds), so a stream reaching another node than its
// voice webhook is still accepted.
//
// The signature only proves the request comes from some configured
// account; the stream's ticket (a <Parameter> sealed with the engine's
// secret, naming the call) then binds it to the call that was answered,
// and the account that signed the upgrade must be that call's.
type upgradeKeys struct {
	keyring *telephony.Keyring
	url     string // the public wss URL of the stream route

	mu      sync.RWMutex
	table   map[string]telephony.TwilioAccount // signature → account
	version int                                // keyring version the table was built from
	recent  map[string]recentAccount           // token → account, answered recently
}

type recentAccount struct {
	acct telephony.TwilioAccount
	at   time.Time
}

// recentFor bounds how long a remembered account stays a candidate
// without being configured in the directory.
const recentFor = time.Hour

func newUpgradeKeys(kr *telephony.Keyring, url string) *upgradeKeys {
	return &upgradeKeys{keyring: kr, url: url, table: map[string]telephony.TwilioAccount{},
		recent: map[string]recentAccount{}}
}

// signatures are what Twilio may send for an upgrade signed with token.
func (u *upgradeKeys) signatures(token string) []string {
	out := []string{Signature(token, u.url, nil)}
	if alt, ok := togglePort(u.url); ok {
		out = append(out, Signature(token, alt, nil))
	}
	return out
}

// remember makes an account a candidate at once.
func (u *upgradeKeys) remember(a telephony.TwilioAccount) {
	sigs := u.signatures(a.AuthToken)
	u.mu.Lock()
	defer u.mu.Unlock()
	u.recent[a.AuthToken] = recentAccount{acct: a, at: time.Now()}
	for _, s := range sigs {
		u.table[s] = a
	}
	if len(u.recent) > 10000 {
		u.expire(time.Now())
	}
}

func (u *upgradeKeys) expire(now time.Time) {
	for tok, r := range u.recent {
		if now.Sub(r.at) > recentFor {
			delete(u.recent, tok)
		}
	}
}

// match returns the account whose token produced signature.
func (u *upgradeKeys) match(ctx context.Context, signature string) (telephony.TwilioAccount, bool) {
	if signature == "" {
		return telephony.TwilioAccount{}, false
	}
	creds, v, err := u.keyring.Get(ctx)
	if err == nil {
		u.rebuild(creds, v)
	}
	if a, ok := u.lookup(signature); ok {
		return a, true
	}
	if creds, v, refreshed, err := u.keyring.Refresh(ctx); err == nil && refreshed {
		u.rebuild(creds, v)
		return u.lookup(signature)
	}
	return telephony.TwilioAccount{}, false
}

func (u *upgradeKeys) lookup(signature string) (telephony.TwilioAccount, bool) {
	u.mu.RLock()
	defer u.mu.RUnlock()
	a, ok := u.table[signature]
	return a, ok
}

// rebuild recomputes the table when the keyring changed.
func (u *upgradeKeys) rebuild(creds []telephony.Credentials, version int) {
	u.mu.RLock()
	current := u.version == version
	u.mu.RUnlock()
	if current {
		return
	}
	table := map[string]telephony.TwilioAccount{}
	for _, c := range creds {
		if c.Twilio != nil && c.Twilio.AuthToken != "" {
			for _, s := range u.signatures(c.Twilio.AuthToken) {
				table[s] = *c.Twilio
			}
		}
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	u.expire(time.Now())
	for _, r := range u.recent {
		for _, s := range u.signatures(r.acct.AuthToken) {
			table[s] = r.acct
		}
	}
	u.table, u.version = table, version
}

// accountKey carries the upgrade's account from the check to the handler.
const accountKey = "twilio.account"

// upgrade checks a media-stream upgrade before it happens: a missing or
// wrong signature is a 403 and nothing else happens.
func (g *Gateway) upgrade(c *fiber.Ctx) error {
	if !websocket.IsWebSocketUpgrade(c) {
		return fiber.ErrUpgradeRequired
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), webhookTimeout)
	defer cancel()
	if string(c.Request().RequestURI()) != PathStream {
		return forbidden() // the signed URL has no query string
	}
	acct, ok := g.upgrades.match(ctx, c.Get("X-Twilio-Signature"))
	if !ok {
		return forbidden()
	}
	c.Locals(accountKey, acct)
	return c.Next()
}
