/**
 * The projects file's `staging` block (design §10 "Staging"), validated into a
 * {@link StagingConfig}. Every problem names its field (`projects[0].staging.checks[1].class`).
 * Paths are relative to the repository and must stay inside it (ADR 0025).
 */
import { posix } from 'node:path';
import { z } from 'zod';
import type { CheckClass, StagingConfig } from '../staging/staging-types.ts';

/** A repository-relative path: not absolute, no `..` segment; normalised (`./a//b` → `a/b`). */
const repoPath = z
  .string()
  .min(1)
  .refine((p) => !posix.isAbsolute(p) && !/^[A-Za-z]:/.test(p) && !p.includes('\\'), 'must be a path relative to the repository')
  .refine((p) => !p.split('/').includes('..'), 'must stay inside the repository (no "..")')
  .transform((p) => posix.normalize(p).replace(/\/+$/, '') || '.');

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name ([A-Za-z_][A-Za-z0-9_]*)');

/** `real` and `sandbox_infra`, in any letter case (reports print them upper-case). */
const checkClass = z
  .string()
  .transform((c) => c.toLowerCase())
  .refine((c): c is CheckClass => c === 'real' || c === 'sandbox_infra', 'must be "real" or "sandbox_infra"');

const checkSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][\w.-]{0,31}$/, 'must be 1–32 letters, digits, _, . or - (e.g. C1)'),
    name: z.string().trim().min(1),
    command: z.string().trim().min(1),
    class: checkClass.default('real'),
  })
  .strict();

const healthSchema = z
  .object({
    command: z.string().trim().min(1),
    timeoutS: z.number().int().positive().max(86_400).default(60),
  })
  .strict();

/** The raw block → {@link StagingConfig} with the defaults of §10. */
export const stagingSchema = z
  .object({
    dockerfile: repoPath.optional(),
    context: repoPath.default('.'),
    buildArgs: z.record(z.string(), z.string()).default({}),
    env: z.record(envName, z.string()).default({}),
    command: z.string().trim().min(1).nullable().default(null),
    health: healthSchema,
    checks: z
      .array(checkSchema)
      .default([])
      .refine((checks) => new Set(checks.map((c) => c.id)).size === checks.length, 'check ids must be unique'),
    strict: z.boolean().default(false),
    network: z.string().regex(/^[\w.-]+$/, 'must be none, bridge, host or a network name').default('none'),
    memoryMb: z.number().int().min(6, 'must be at least 6 (the engine minimum)').max(1_048_576).default(512),
    timeoutS: z.number().int().positive().max(86_400).default(600),
  })
  .strict()
  .refine((s) => s.dockerfile === undefined || isInside(s.dockerfile, s.context), {
    message: 'must lie inside staging.context (the engine only sees the context)',
    path: ['dockerfile'],
  })
  .transform(
    (s): StagingConfig => ({
      ...s,
      // Without an explicit dockerfile, the context's own Dockerfile, as `docker build <context>` does.
      dockerfile: s.dockerfile ?? (s.context === '.' ? 'Dockerfile' : `${s.context}/Dockerfile`),
    }),
  );

function isInside(file: string, dir: string): boolean {
  return dir === '.' || file.startsWith(`${dir}/`);
}

/** The Dockerfile's path relative to the build context, as the Engine API wants it. */
export function dockerfileInContext(staging: Pick<StagingConfig, 'dockerfile' | 'context'>): string {
  return staging.context === '.' ? staging.dockerfile : posix.relative(staging.context, staging.dockerfile);
}
