"""PostgreSQL migrations: one file per SQLite migration of the same number (autointel/store/migrations)."""
