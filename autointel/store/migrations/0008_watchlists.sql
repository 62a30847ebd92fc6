-- Watchlists (issue 6, docs/watchlists.md): saved queries, entities, topics and an outlet, with the matches
-- already shown to the user, so "new since the last visit" is exact.
CREATE TABLE watchlists (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    query         TEXT,                          -- search syntax (docs/search.md), NULL when none
    entities      TEXT NOT NULL DEFAULT '[]',    -- JSON list of knowledge-base entity ids
    topics        TEXT NOT NULL DEFAULT '[]',    -- JSON list of taxonomy topic ids
    outlet        TEXT,                          -- restricts every match to this outlet
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    last_seen_at  TEXT                           -- ISO UTC of the last visit, NULL before the first
);

-- The documents a watchlist showed at its visits.  A match is new when it is not here: comparing ingested_at
-- with last_seen_at alone would lose documents committed or indexed after a visit that began later than their
-- ingested_at (an ingest commits every 500 documents and indexes at the end), and ingested_at has whole seconds.
CREATE TABLE watchlist_seen (
    watchlist_id  INTEGER NOT NULL REFERENCES watchlists (id) ON DELETE CASCADE,
    document_id   TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    seen_at       TEXT NOT NULL,
    PRIMARY KEY (watchlist_id, document_id)
) WITHOUT ROWID;
CREATE INDEX watchlist_seen_document ON watchlist_seen (document_id);

-- Trends (store/trends.py) count documents per week or month.  Topics are counted over a date range of
-- documents: this index holds what the count reads of them (date and id), so the table rows with their texts are
-- not read.  Entities are dated by id through documents_id_dates (0010).  Measured in docs/watchlists.md.
CREATE INDEX IF NOT EXISTS documents_published_id ON documents (published_utc, id);
