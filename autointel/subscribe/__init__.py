"""Subscriptions: feeds and local folders polled on a schedule, new articles ingested as they arrive."""
