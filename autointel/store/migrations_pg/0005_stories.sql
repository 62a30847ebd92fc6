-- Stories: exact and near-duplicate documents grouped (issue 5). See docs/stories.md.
-- One MinHash signature per document, with the parameters and the content it was computed from.
CREATE TABLE story_signatures (
    document_id   TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    params        TEXT NOT NULL,               -- StoryParams.version (shingle size, bins, bands, seed)
    content_hash  TEXT NOT NULL,               -- sha1 of the canonical text signed
    shingles      INTEGER NOT NULL,            -- distinct shingles of the canonical text
    signature     BYTEA NOT NULL,               -- bins x uint32, little-endian
    published_utc TEXT,
    title_key     TEXT                         -- folded title (letters and digits), NULL when too short
);
CREATE INDEX story_signatures_title ON story_signatures (title_key);

-- LSH band keys (band number mixed in): documents sharing a key are candidates for comparison.
CREATE TABLE story_bands (
    key          BIGINT NOT NULL,
    document_id  TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    PRIMARY KEY (key, document_id)
);
CREATE INDEX story_bands_document ON story_bands (document_id);

-- Verified near-duplicate pairs (doc_a < doc_b), with exact similarity of their shingle sets and the
-- basis of the decision: text (similar enough) or title (same title within days, text unusable or contained).
CREATE TABLE story_links (
    doc_a        TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    doc_b        TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    jaccard      DOUBLE PRECISION NOT NULL,
    containment  DOUBLE PRECISION NOT NULL,
    basis        TEXT NOT NULL DEFAULT 'text',
    PRIMARY KEY (doc_a, doc_b)
);
CREATE INDEX story_links_b ON story_links (doc_b);

-- A story is a connected component of story_links, singletons included.
CREATE TABLE stories (
    id                TEXT PRIMARY KEY,        -- 's' + representative document id: stable across rebuilds
    representative_id TEXT NOT NULL,           -- earliest published member (ties by id)
    documents         INTEGER NOT NULL,        -- member documents (folded document_sources are counted when read)
    first_published   TEXT,
    last_published    TEXT,
    updated_at        TEXT NOT NULL
);
CREATE INDEX stories_documents ON stories (documents);

CREATE TABLE story_members (
    document_id  TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    story_id     TEXT NOT NULL,                -- no foreign key: members move when stories merge or split
    jaccard      DOUBLE PRECISION,                         -- exact similarity to the representative (1 for itself)
    containment  DOUBLE PRECISION
);
CREATE INDEX story_members_story ON story_members (story_id);
