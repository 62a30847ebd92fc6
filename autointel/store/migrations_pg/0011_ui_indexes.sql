-- Indexes for the web UI's home page and counts (issue 6).  ingested_at and status are read without
-- touching the rows, whose article texts span overflow pages: "what is new" reads the newest arrivals in
-- index order, and counting ok documents reads the small status index.
CREATE INDEX IF NOT EXISTS documents_ingested ON documents (ingested_at, published_utc, id);
CREATE INDEX IF NOT EXISTS documents_status ON documents (status);
