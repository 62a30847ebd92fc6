-- Ingest jobs started from the web UI (uploads, a feed's first poll): the page polls a job's progress.
-- A server that stops mid-job leaves it 'running'; the next server start marks such jobs 'interrupted'.
CREATE TABLE ingest_jobs (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,              -- upload / feed
    label       TEXT NOT NULL,              -- file names or the feed URL, for the page
    state       TEXT NOT NULL,              -- queued / running / done / failed / interrupted
    total       INTEGER,                    -- inputs to read (files), when known
    done        INTEGER NOT NULL DEFAULT 0, -- inputs read so far
    counts      TEXT NOT NULL DEFAULT '{}', -- JSON: new / updated / unchanged / duplicate / failed articles
    error       TEXT,                       -- coded error when the job itself failed
    created_at  TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX ingest_jobs_created ON ingest_jobs (created_at);
