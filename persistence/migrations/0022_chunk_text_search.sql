-- Full-text ranking of chunks: searches combine PostgreSQL's ts_rank_cd
-- with the vectors' cosine, which finds the labelled questions' answers
-- first more often than the cosine alone (BENCHMARKS.md, knowledge bases).
-- The lexemes are kept (and indexed) so that a query ranks only the
-- chunks that share one of its words.
ALTER TABLE document_chunks ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED;
CREATE INDEX document_chunks_tsv_idx ON document_chunks USING gin (tsv);
