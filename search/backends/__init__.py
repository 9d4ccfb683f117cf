"""Search backends: the database (PostgreSQL full-text or SQLite FTS5) and Elasticsearch."""
