// Package carriertest is what the fake carriers (twiliotest, plivotest,
// telnyxtest, vonagetest) share: a call's caller and media websocket
// (Line), the way to the engine behind its public URL (Client), and the
// bookkeeping of a fake cloud (Calls, Log, Background). What differs from
// carrier to carrier (webhooks' shape and signature, the call script's
// language, the media dialect) stays in each fake.
package carriertest
