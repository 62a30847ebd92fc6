-- Which documents the full-text index holds in their current form.  A row is written only after the
-- index committed the document, and deleted in the same transaction as any change to the document, its
-- entities or its topics: a missing row means "index me", so a crash between the two commits costs a
-- re-index, never a stale or lost entry.
CREATE TABLE search_sync (
    document_id TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    indexed_at  TEXT NOT NULL
);
