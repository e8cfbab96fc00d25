package twilio

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboard-voice/switchboard/http/server"
	"github.com/switchboard-voice/switchboard/http/telephony"
)

// webhookTimeout bounds the directory lookups of one webhook.
const webhookTimeout = 10 * time.Second

// request is a webhook as signed: its public URL, parameters and
// signature, copied out of the Fiber context.
type request struct {
	url       string
	params    []Param
	values    map[string]string
	signature string
	json      bool
	body      []byte
}

func readRequest(c *fiber.Ctx, pub telephony.PublicURL) *request {
	r := &request{url: pub.Request(string(c.Request().RequestURI())), signature: c.Get("X-Twilio-Signature"),
		values: map[string]string{}}
	if strings.HasPrefix(string(c.Request().Header.ContentType()), fiber.MIMEApplicationJSON) {
		r.json, r.body = true, append([]byte(nil), c.Body()...)
		return r
	}
	for k, v := range c.Request().PostArgs().All() {
		p := Param{Name: string(k), Value: string(v)}
		r.params = append(r.params, p)
		if _, dup := r.values[p.Name]; !dup {
			r.values[p.Name] = p.Value
		}
	}
	return r
}

func (r *request) get(name string) string { return r.values[name] }

// signedBy checks the request against an account's token.
func (r *request) signedBy(token string) bool {
	if r.json {
		return ValidJSON(token, r.url, r.body, r.signature)
	}
	return Valid(token, r.url, r.params, r.signature)
}

// forbidden is the answer to a request that is not Twilio's.
func forbidden() error { return server.Detail(fiber.StatusForbidden, "invalid Twilio signature") }

// accountOf finds the configured account whose token signed a request
// from accountSID, refreshing the keyring once if none does.
func (g *Gateway) accountOf(ctx context.Context, accountSID string, r *request) (telephony.Credentials, bool) {
	c, ok, err := g.keyring.Find(ctx, func(c telephony.Credentials) bool {
		return c.Twilio != nil && c.Twilio.AccountSID == accountSID && r.signedBy(c.Twilio.AuthToken)
	})
	if err != nil {
		g.cfg.Log.Error("reading Twilio credentials", "err", err)
	}
	return c, ok
}

// twiml answers with a TwiML document.
func twiml(c *fiber.Ctx, doc string) error {
	c.Set(fiber.HeaderContentType, "text/xml; charset=utf-8")
	return c.SendString(doc)
}
