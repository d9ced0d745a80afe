import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './adapters/store-sqlite/schema.ts',
  out: './adapters/store-sqlite/migrations',
});
