// Package carriertest is what the fake carriers (twiliotest, plivotest,
// telnyxtest, vonagetest) share: a call's caller and media websocket
// (Line), the way to the engine behind its public URL (Client), the
// bookkeeping of a fake cloud (Calls, Log, Background) and how its API
// checks and answers requests (BasicAuth, BearerAuth, ReadJSON,
// WriteJSON). What differs from carrier to carrier (webhooks' shape and
// signature, the call script's language, the media dialect) stays in each
// fake.
package carriertest
