"""Reading articles from files, bytes, and stdin."""

from storylens.ingest.reader import read, read_bytes, read_records, read_text

__all__ = ["read", "read_bytes", "read_records", "read_text"]
