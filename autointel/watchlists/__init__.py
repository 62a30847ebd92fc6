"""Watchlists: saved queries, entities, topics and outlets with their new matches since the last visit
(docs/watchlists.md).  spec.py checks definitions, matches.py finds matches, feeds.py writes RSS/Atom,
service.py is what the CLI and the API call."""
