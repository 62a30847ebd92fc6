"""Readers: one module per input format, each turning a decoded input into RawArticles."""
