// Ops tests use a private, migrated PostgreSQL database per file (PGlite's start-up is slow on a busy machine).
export { freshMigratedDb as freshDb } from '../helpers/pg.js';
