/**
 * The projects file (design §6): which repositories Conveyor works on, where their chat is, who
 * approves, and which agent command runs each role. Parsed into frozen values; every problem
 * names its field (`projects[0].approvers`).
 */
import { z } from 'zod';
import { deepFreeze } from '../deep-freeze.ts';
import { ALL_STAGES, DEFAULT_STAGES, SUPPORTED_STAGES, type Role, type WorkStage } from '../domain/stage.ts';
import type { StagingConfig } from '../staging/staging-types.ts';

const agentsSchema = z
  .object({
    default: z.string().min(1).optional(),
    analyst: z.string().min(1).optional(),
    developer: z.string().min(1).optional(),
    reviewer: z.string().min(1).optional(),
    tester: z.string().min(1).optional(),
  })
  .strict();

const projectSchema = z
  .object({
    id: z.string().regex(/^[A-Z][A-Z0-9_]{0,19}$/, 'must be 1–20 upper-case letters, digits or _ (e.g. SHOP)'),
    repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name'),
    cloneUrl: z.string().min(1),
    defaultBranch: z.string().min(1).default('main'),
    chatId: z.union([z.number().int(), z.string().regex(/^-?\d+$/)]).transform((v) => String(v)),
    approvers: z.array(z.number().int().positive()).min(1, 'must list at least one Telegram user id'),
    plane: z
      .object({ projectId: z.string().min(1), label: z.string().min(1).optional() })
      .strict()
      .optional(),
    ciCommand: z.string().min(1).optional(),
    ciTimeoutS: z.number().int().positive().optional(),
    promptDir: z.string().min(1).optional(),
    agents: agentsSchema,
    stages: z
      .array(z.enum(ALL_STAGES))
      .default([...DEFAULT_STAGES])
      .refine((s) => s.includes('analysis') && s.includes('development'), 'must include analysis and development')
      .refine((s) => new Set(s).size === s.length, 'must not repeat a stage')
      .refine(
        (s) => s.every((stage) => SUPPORTED_STAGES.includes(stage)),
        'deploy is not supported by this release yet (see docs/adr/0023)',
      ),
  })
  .strict()
  .refine((p) => ['analyst', 'developer', 'reviewer', 'tester'].every((r) => p.agents.default ?? (p.agents as Record<string, string | undefined>)[r]), {
    message: 'agents must give a command for every role, or a "default"',
    path: ['agents'],
  });

const fileSchema = z.object({ projects: z.array(projectSchema).min(1, 'must list at least one project') }).strict();

/** One project, validated. */
export interface ProjectConfig {
  readonly id: string;
  readonly repo: string;
  readonly cloneUrl: string;
  readonly defaultBranch: string;
  /** Telegram chat id, as a string (ids exceed 2^31). */
  readonly chatId: string;
  readonly approvers: readonly number[];
  readonly plane?: { readonly projectId: string; readonly label?: string };
  readonly ciCommand?: string;
  readonly ciTimeoutS?: number;
  readonly promptDir?: string;
  readonly agents: Readonly<Partial<Record<Role | 'default', string>>>;
  readonly stages: readonly WorkStage[];
  /** The `staging` block (design §10); required when `stages` lists `deploy-staging`. */
  readonly staging?: StagingConfig;
}

export type ProjectsParse = { type: 'ok'; projects: readonly ProjectConfig[] } | { type: 'invalid'; problems: string[] };

/** Parse the projects file's text; `origin` names it in problems (a path or ORCH_PROJECTS_JSON). */
export function parseProjects(text: string, origin: string): ProjectsParse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { type: 'invalid', problems: [`${origin}: not valid JSON (${(error as Error).message})`] };
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    return {
      type: 'invalid',
      problems: parsed.error.issues.map((i) => `${origin}: ${formatPath(i.path)}: ${i.message}`),
    };
  }
  const ids = parsed.data.projects.map((p) => p.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) return { type: 'invalid', problems: [`${origin}: projects: id ${dup} is used twice`] };
  const projects = parsed.data.projects.map((p) => deepFreeze({ ...p, stages: ALL_STAGES.filter((s) => p.stages.includes(s)) }));
  return { type: 'ok', projects: Object.freeze(projects) };
}

/** The command a role runs in a project. */
export function agentCommand(project: ProjectConfig, role: Role): string {
  const command = project.agents[role] ?? project.agents.default;
  if (!command) throw new Error(`project ${project.id} has no agent command for ${role}`);
  return command;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)), '') || '(root)';
}

