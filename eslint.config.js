// Typed lint: an orchestrator that drops a promise loses work silently.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const PG_DRIVER = ['pg', 'pg-*', 'drizzle-orm/pg-core', 'drizzle-orm/node-postgres', 'drizzle-orm/node-postgres/*'];

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
            { group: PG_DRIVER, message: 'PostgreSQL is reached only through adapters/store-postgres.' },
          ],
        },
      ],
    },
  },
  {
    // The PostgreSQL driver and drizzle's pg dialect live in adapters/store-postgres (and tests) only.
    files: ['adapters/**/*.ts', 'app/**/*.ts', 'bot/**/*.ts', 'main.ts'],
    ignores: ['adapters/store-postgres/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: PG_DRIVER, message: 'PostgreSQL is reached only through adapters/store-postgres.' }] }],
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
