// Review tests use a private PostgreSQL database per file (see test/helpers/pg.ts).
export { freshPgDatabase as createTempDatabase } from '../helpers/pg.js';
