// drizzle-kit config for the PostgreSQL schema (ADR 0048); the SQLite one is drizzle.config.ts.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './adapters/store-postgres/schema.ts',
  out: './adapters/store-postgres/migrations',
});
