"""Use cases shared by the CLI and the web app: profiles and programmes, sessions, check-ins,
history and charts, exports and imports. Each takes a SQLAlchemy session from a unit of work."""
