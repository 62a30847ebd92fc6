-- Numeric facts and claims extracted from documents, each with its evidence span (issue 4).
CREATE TABLE facts (
    id            INTEGER PRIMARY KEY,
    document_id   TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    subject_id    TEXT,                         -- knowledge-base entity (company, place ...)
    subject       TEXT NOT NULL,                -- its canonical name
    metric        TEXT NOT NULL,                -- production, sales, deliveries, revenue, tariff ...
    value         REAL NOT NULL,                -- base units: vehicles, yuan, dollars, percent points ...
    value_max     REAL,                         -- upper end of a range
    unit          TEXT NOT NULL,
    qualifier     TEXT,                         -- approx / nearly / over / under / several
    direction     TEXT,                         -- up / down for a change
    period        TEXT,                         -- label: 2025, 2025-01..2025-11, 2025-H1, ..2025-08-26
    period_start  TEXT,
    period_end    TEXT,
    basis         TEXT NOT NULL,                -- level / yoy / mom / change
    scope         TEXT,                         -- region or segment: 欧洲, 新能源
    start         INTEGER NOT NULL,             -- the number's span in the canonical text
    "end"         INTEGER NOT NULL,
    orig_start    INTEGER,                      -- the same span in the original text
    orig_end      INTEGER,
    sentence_start INTEGER NOT NULL,
    sentence_end  INTEGER NOT NULL,
    text          TEXT NOT NULL
);
CREATE INDEX facts_document ON facts (document_id);
CREATE INDEX facts_subject ON facts (subject_id, metric, period);

-- A claim (one event, whoever reports it) and its history across sentences and documents.
CREATE TABLE claims (
    id            INTEGER PRIMARY KEY,
    type          TEXT NOT NULL,
    participants  TEXT NOT NULL,                -- JSON list of entity ids
    status        TEXT NOT NULL,                -- the latest status seen
    first_seen    TEXT,
    last_seen     TEXT
);
CREATE TABLE claim_participants (
    claim_id   INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    entity_id  TEXT NOT NULL,
    PRIMARY KEY (claim_id, entity_id)
);
CREATE INDEX claim_participants_entity ON claim_participants (entity_id);
CREATE TABLE claim_events (
    id              INTEGER PRIMARY KEY,
    claim_id        INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    document_id     TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    status          TEXT NOT NULL,
    attribution     TEXT,
    attribution_id  TEXT,
    participants    TEXT NOT NULL,              -- JSON: who this sentence names
    start           INTEGER NOT NULL,           -- the sentence in the canonical text
    "end"           INTEGER NOT NULL,
    orig_start      INTEGER,
    orig_end        INTEGER,
    text            TEXT NOT NULL,
    published_at    TEXT
);
CREATE INDEX claim_events_claim ON claim_events (claim_id);
CREATE INDEX claim_events_document ON claim_events (document_id);
