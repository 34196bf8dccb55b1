"""The PySide6 window. The only package that imports Qt; it calls services and never
touches the database layer (import-linter contracts in pyproject.toml)."""
