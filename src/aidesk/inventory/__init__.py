"""The inventory: an organisation's register of AI systems, with their assessment history (issue 8).

Services over a SQLAlchemy `Session` (no web or CLI imports), each taking the `Actor` whose organisation
scopes every query: `accounts` (organisations, users, roles), `tokens` (API tokens), `systems` (the
register), `assessments` (records and diffs), `exchange` (atomic import, JSON/CSV export), `reassess`,
`calendar` (iCalendar feed), `audit` (append-only log). `db` opens SQLite or PostgreSQL and runs the
Alembic migrations shipped in `migrations/`.
"""
