"""The application database: SQLite by default, PostgreSQL by URL."""
