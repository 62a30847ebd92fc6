-- Subscriptions: feeds polled over HTTP, and local folders or JSONL files watched for new articles (issue 8).
CREATE TABLE subscriptions (
    id             INTEGER PRIMARY KEY,
    url            TEXT NOT NULL UNIQUE,          -- feed URL, or an absolute local path
    kind           TEXT NOT NULL CHECK (kind IN ('feed', 'folder', 'file')),
    name           TEXT,
    every_s        INTEGER NOT NULL,              -- polling interval while healthy
    added_at       TEXT NOT NULL,
    etag           TEXT,                          -- conditional-request validators from the last 200
    last_modified  TEXT,
    last_poll      TEXT,
    last_success   TEXT,
    last_error     TEXT,                          -- "[E112] ..." of the last failed poll
    failures       INTEGER NOT NULL DEFAULT 0,    -- consecutive failed polls (3 or more: unhealthy)
    items_seen     INTEGER NOT NULL DEFAULT 0,    -- articles read over all polls
    items_new      INTEGER NOT NULL DEFAULT 0,    -- of which stored as new documents
    first_item_at  TEXT,                          -- when the first new item arrived (items per day)
    next_poll      TEXT NOT NULL                  -- ISO UTC, due when <= now
);
CREATE INDEX subscriptions_due ON subscriptions (next_poll);

-- One row per poll: what happened, for health figures and debugging.
CREATE TABLE polls (
    id               INTEGER PRIMARY KEY,
    subscription_id  INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    started_at       TEXT NOT NULL,
    seconds          REAL,
    outcome          TEXT NOT NULL,               -- ok / not_modified / unchanged / failed
    requests         INTEGER NOT NULL DEFAULT 0,  -- HTTP requests made, retries included
    error            TEXT,
    items_seen       INTEGER NOT NULL DEFAULT 0,
    items_new        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX polls_subscription ON polls (subscription_id, started_at);

-- Local files already read for a folder or file subscription: only new or changed ones are read again,
-- a growing JSONL file is read from where the last poll stopped.
CREATE TABLE watched_files (
    subscription_id  INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    path             TEXT NOT NULL,
    size             INTEGER NOT NULL,
    mtime_ns         INTEGER NOT NULL,
    offset           INTEGER NOT NULL DEFAULT 0,  -- JSONL: bytes consumed (whole lines only)
    lines            INTEGER NOT NULL DEFAULT 0,  -- JSONL: lines consumed, so record ids stay path#Ln
    PRIMARY KEY (subscription_id, path)
);
