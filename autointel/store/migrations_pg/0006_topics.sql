-- Topics of each document (docs/topics.md): one row per topic that reached its threshold, with the evidence that
-- fired (JSON list of [start, end, surface, field], offsets into the canonical body or title) and the taxonomy
-- version that produced it, so `autointel topics --retag` can find stale rows.
CREATE TABLE document_topics (
    document_id  TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    topic        TEXT NOT NULL,
    score        DOUBLE PRECISION NOT NULL CHECK (score >= 0 AND score <= 1),
    evidence     TEXT NOT NULL DEFAULT '[]',
    version      TEXT NOT NULL,
    PRIMARY KEY (document_id, topic)
);
CREATE INDEX document_topics_topic ON document_topics (topic, score);

-- Which taxonomy version last tagged a document, topics found or not (a document with no topic is tagged too).
CREATE TABLE document_topic_runs (
    document_id  TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    version      TEXT NOT NULL,
    tagged_at    TEXT NOT NULL
);
