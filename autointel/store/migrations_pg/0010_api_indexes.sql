-- Indexes for the entity profile (`autointel entity`, GET /api/entities/{name}; issue 6, docs/benchmarks.md).
-- Every query of a profile is answered from an index instead of reading table rows one seek each.

-- An entity's documents with their counts: co-mentions, counts and the newest documents read the index only.
-- It replaces the single-column index on entity_id (a prefix of this one).
DROP INDEX IF EXISTS document_entities_entity;
CREATE INDEX IF NOT EXISTS document_entities_by_entity ON document_entities (entity_id, document_id, mentions, in_title);

-- A document's dates by id: first/last seen and "newest first" without touching the rows that hold the texts.
CREATE INDEX IF NOT EXISTS documents_id_dates ON documents (id, published_utc, published_at);
