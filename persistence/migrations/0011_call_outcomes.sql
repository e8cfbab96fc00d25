-- What a call's opening decided, recorded on the call beside its events:
-- the caller's answer to the recording-consent question (agreed, declined,
-- no-answer) and who answered an outbound call (human, machine).
ALTER TABLE calls ADD COLUMN consent text, ADD COLUMN answered_by text;
