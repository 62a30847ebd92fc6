-- Articles, one row each, failures included (status = 'failed' with a coded error).
CREATE TABLE documents (
    id             TEXT PRIMARY KEY,            -- stable: derived from source_key
    source_key     TEXT NOT NULL UNIQUE,        -- guid/url when known, else path[#n]
    status         TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
    error_code     TEXT,                        -- E1xx/E2xx when status = 'failed'
    error          TEXT,
    reader         TEXT,                        -- which reader produced it (hexo, markdown, feed, ...)
    path           TEXT,                        -- file path, URL or container#record it came from
    url            TEXT,
    feed           TEXT,
    outlet         TEXT,
    title          TEXT,                        -- canonical (Simplified) title
    original_title TEXT,
    author         TEXT,
    published_at   TEXT,                        -- ISO 8601 with UTC offset, NULL when unknown
    published_utc  TEXT,                        -- same instant in UTC, for sorting and ranges
    script         TEXT,                        -- simplified / traditional / mixed / none
    original       TEXT,                        -- article text as published (markup removed)
    canonical      TEXT,                        -- cleaned Simplified text
    offsets        TEXT,                        -- JSON runs [canon_start, orig_start, canon_len, orig_len]
    metadata       TEXT NOT NULL DEFAULT '{}',  -- JSON
    content_hash   TEXT,                        -- sha1 of canonical text without whitespace
    input_hash     TEXT,                        -- sha1 of the raw article + normaliser version
    ingested_at    TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX documents_content_hash ON documents (content_hash);
CREATE INDEX documents_published ON documents (published_utc);


-- Another source carrying exactly the same canonical content as an existing document:
-- recorded here (nothing lost), not stored as a second document.
CREATE TABLE document_sources (
    source_key   TEXT PRIMARY KEY,
    document_id  TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    path         TEXT,
    url          TEXT,
    outlet       TEXT,
    title        TEXT,
    published_at TEXT,
    input_hash   TEXT,
    first_seen   TEXT NOT NULL
);
CREATE INDEX document_sources_doc ON document_sources (document_id);

CREATE TABLE ingest_runs (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    inputs      TEXT NOT NULL,   -- JSON list
    counts      TEXT             -- JSON {new, updated, unchanged, duplicate, failed}
);
