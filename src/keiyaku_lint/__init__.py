"""keiyaku-lint: audit Japanese outsourcing contracts against a reference set of model clauses."""

__version__ = "0.1.0"
