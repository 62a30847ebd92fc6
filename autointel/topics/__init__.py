"""Topic taxonomy and tagging (docs/topics.md): which analyst topics an article is about, with evidence."""
from __future__ import annotations

from autointel.topics.tagger import Evidence, TopicScore, TopicTagger, tag_document, tagger_for
from autointel.topics.taxonomy import Taxonomy, TaxonomyError, load_taxonomy, read_taxonomy

# The version stored with every tag: the taxonomy file's `version` (bump it there when the data changes).
TAXONOMY_VERSION: str = load_taxonomy().version

__all__ = ["TAXONOMY_VERSION", "Evidence", "Taxonomy", "TaxonomyError", "TopicScore", "TopicTagger",
           "load_taxonomy", "read_taxonomy", "tag_document", "tagger_for"]
