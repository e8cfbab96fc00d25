// Package analysis makes what follows a call: a short summary, the data an
// assistant's JSON Schema asks for, and an evaluation of whether the call
// reached its goal (assistant.AnalysisSettings). It never runs on a call's
// hot path: the end of a call enqueues its analysis in PostgreSQL
// (persistence.ClaimAnalyses), and a Worker on any node runs the analyses
// due, a bounded number at once, on the assistant's language model (or
// analysis_settings.model on the same provider) with its fallbacks, in the
// provider's structured-output mode.
//
// Extracted data is only ever data that validated against the schema: an
// answer that does not is sent back to the model once with the validation
// error, and when the second answer fails too the step ends with the error
// and that answer, kept apart from the data. A model that cannot be reached
// fails the attempt, which is retried with a growing, jittered wait (the
// steps already done are kept) up to Options.MaxAttempts. A claim is a
// lease: a worker that dies mid-analysis leaves it to another once the
// lease runs out, and a worker that stops hands its analyses back.
//
// The call's end-of-call webhook waits for the analysis, at most
// webhook_wait_seconds after the call ended (persistence.ClaimWebhooks);
// Options.Finished lets it go as soon as the analysis is done.
package analysis
