"""Full-text search over canonical text: segmentation, a tantivy index kept in step with the store,
query parsing and expansion, ranking, snippets in the original script, facets and story folding."""
