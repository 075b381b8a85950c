"""Cross-cutting pieces: settings, logging, the Temporal connection."""
