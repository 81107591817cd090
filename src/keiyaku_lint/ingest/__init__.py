"""Ingest: file -> SourceDoc (logical lines with page numbers)."""
