-- Entity mentions found by the linker, with canonical and original spans (issue 3).
CREATE TABLE mentions (
    id              INTEGER PRIMARY KEY,
    document_id     TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    field           TEXT NOT NULL CHECK (field IN ('body', 'title')),
    start           INTEGER NOT NULL,           -- canonical text (or canonical title), end exclusive
    "end"           INTEGER NOT NULL,
    orig_start      INTEGER,                    -- same span in the original text (or original title)
    orig_end        INTEGER,
    surface         TEXT NOT NULL,              -- canonical text of the span
    entity_id       TEXT,                       -- NULL when the name fits several entities
    candidates      TEXT,                       -- JSON list of entity ids when ambiguous
    method          TEXT NOT NULL               -- alias / context / nickname / ambiguous
);
CREATE INDEX mentions_document ON mentions (document_id);
CREATE INDEX mentions_entity ON mentions (entity_id, document_id);

-- Per document: which entities it names and how often (what `entities` and `entity` count).
CREATE TABLE document_entities (
    document_id  TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    entity_id    TEXT NOT NULL,
    mentions     INTEGER NOT NULL,
    in_title     INTEGER NOT NULL DEFAULT 0,
    first_start  INTEGER,
    PRIMARY KEY (document_id, entity_id)
);
CREATE INDEX document_entities_entity ON document_entities (entity_id);

-- Which knowledge-base version linked each document: `autointel link` redoes the stale ones.
-- A table of its own: updating a column of `documents` would rewrite the whole row, texts included.
CREATE TABLE document_links (
    document_id  TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    kb_version   TEXT NOT NULL,
    linked_at    TEXT NOT NULL
);

-- Names the discovery tagger proposed for the knowledge base, with evidence, for curators.
CREATE TABLE candidates (
    surface      TEXT NOT NULL,
    type         TEXT NOT NULL,                 -- company / organization / government / person / model
    status       TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'promoted', 'rejected')),
    documents    INTEGER NOT NULL DEFAULT 0,
    mentions     INTEGER NOT NULL DEFAULT 0,
    score        REAL,
    rules        TEXT,                          -- JSON {rule: count}
    examples     TEXT,                          -- JSON list of {document_id, start, end, context}
    entity_id    TEXT,                          -- set when promoted
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (surface, type)
);

-- Entities curators added with `kb add` / `kb promote`, in the YAML entity form (JSON).
CREATE TABLE kb_local (
    id        TEXT PRIMARY KEY,
    data      TEXT NOT NULL,
    added_at  TEXT NOT NULL
);
