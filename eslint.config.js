// Typed lint: an orchestrator that drops a promise loses work silently.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const PG_DRIVER = ['pg', 'drizzle-orm/pg-core', 'drizzle-orm/node-postgres', 'drizzle-orm/node-postgres/*'];
// ADR 0053: drizzle and the database drivers live in adapters/store-* only; everyone else uses the store port.
const STORE_DRIVERS = ['drizzle-orm', 'drizzle-orm/*', 'better-sqlite3', 'pg', '**/adapters/store-sqlite/schema.ts', '**/adapters/store-postgres/schema.ts'];
// The pg-* packages by their bare names (a gitignore-style 'pg-*' would also match this repository's
// own adapters/store-postgres/pg-*.ts modules, which app/ may import).
const PG_PACKAGES = '^pg-';
const STORE_MESSAGE = 'only adapters/store-* use drizzle or a database driver: read and write through the store port (core/store).';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'adapters/store-sqlite/migrations/**', 'adapters/store-postgres/migrations/**', 'bin/**', 'coverage/**', 'app/demo/seed/**', 'adapters/dashboard/public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    // core decides; it never touches the world except through its ports (and its own store).
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/adapters/**', '**/bot/**', '**/app/**'], message: 'core imports no adapter, bot or app module.' },
            { group: ['grammy', '@grammyjs/*', 'hono', '@hono/*', 'simple-git', 'dockerode', 'pino', 'node:child_process', 'node:http', 'node:fs', 'node:fs/promises'], message: 'core performs no IO: use a port.' },
            { group: STORE_DRIVERS, message: STORE_MESSAGE },
            { regex: PG_PACKAGES, message: STORE_MESSAGE },
          ],
        },
      ],
    },
  },
  {
    // Drizzle and the drivers live in adapters/store-* only (tests may use them).
    files: ['adapters/**/*.ts', 'app/**/*.ts', 'bot/**/*.ts', 'main.ts'],
    ignores: ['adapters/store-sqlite/**', 'adapters/store-postgres/**', 'adapters/store-sql/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: STORE_DRIVERS, message: STORE_MESSAGE }, { regex: PG_PACKAGES, message: STORE_MESSAGE }] }],
    },
  },
  {
    // The SQLite adapter does not reach for the PostgreSQL driver.
    files: ['adapters/store-sqlite/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: PG_DRIVER, message: 'PostgreSQL is reached only through adapters/store-postgres.' }, { regex: PG_PACKAGES, message: 'PostgreSQL is reached only through adapters/store-postgres.' }] }],
    },
  },
  {
    // The shared repositories run on SQLite's and PostgreSQL's drizzle alike: await the builders,
    // never the better-sqlite3-only synchronous executors (ADR 0053, adapters/store-sql/portable-db.ts).
    files: ['adapters/store-sql/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['better-sqlite3', 'pg', 'drizzle-orm/better-sqlite3', 'drizzle-orm/better-sqlite3/*', 'drizzle-orm/node-postgres', 'drizzle-orm/node-postgres/*'], allowTypeImports: true, message: 'adapters/store-sql is dialect-neutral: no driver (types only).' }] }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression > MemberExpression.callee[property.name=/^(get|all|run|prepare)$/][object.type='CallExpression']", message: 'not portable: await the query builder (ADR 0053).' },
        { selector: "MemberExpression[property.name='changes']", message: 'not portable: count affected rows with .returning() (ADR 0053).' },
      ],
    },
  },
  {
    files: ['tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
