-- How a call's webhooks are sent, taken from its assistant's
-- webhook_settings when the call is placed or starts: the payloads' shape
-- (Switchboard's, VoiceDock's or Famulor's), the types sent (NULL: every
-- type), which calls get an end-of-call report (answered ones, only
-- completed ones, or all, unanswered included) and whether it links the
-- recording.
ALTER TABLE calls
    ADD COLUMN webhook_format text NOT NULL DEFAULT 'switchboard'
        CHECK (webhook_format IN ('switchboard', 'voicedock', 'famulor')),
    ADD COLUMN webhook_events text[],
    ADD COLUMN webhook_reports text NOT NULL DEFAULT 'answered'
        CHECK (webhook_reports IN ('answered', 'completed', 'all')),
    ADD COLUMN webhook_recording boolean NOT NULL DEFAULT true,
    -- a placed call's dial: its call-time variables (dial_variables, sealed
    -- and kept a day), which Famulor's payload carries as input_variables
    ADD COLUMN dial_id text;

-- webhook_wanted says whether a call with these events sends a webhook of
-- this type.
CREATE FUNCTION webhook_wanted(events text[], webhook_type text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT events IS NULL OR webhook_type = ANY(events)
$$;
