-- A value sealed under the secret key the first engine to start on this
-- database held. An engine that cannot open it holds another key: it
-- refuses to start, instead of failing on every stored secret later.
CREATE TABLE secret_key_check (
	one boolean PRIMARY KEY DEFAULT true CHECK (one),
	sealed text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);
