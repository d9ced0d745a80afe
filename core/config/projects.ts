/**
 * The projects file (design §6): which repositories Conveyor works on, where their chat is, who
 * approves, and which agent command runs each role. Parsed into frozen values; every problem
 * names its field (`projects[0].approvers`).
 */
import { z } from 'zod';
import { githubIssuesProblems, mergeMethodProblems } from './merge-method.ts';
import { deepFreeze } from '../deep-freeze.ts';
import { ALL_STAGES, DEFAULT_STAGES, SUPPORTED_STAGES, type Role, type WorkStage } from '../domain/stage.ts';
import type { StagingConfig } from '../staging/staging-types.ts';
import { stagingSchema } from './staging-schema.ts';
import type { AgentRunnerConfig } from '../ports/agent-runner.ts';
import type { DeployConfig } from '../deploy/deploy-types.ts';
import { deployBlockSchema, deployConfigOf } from './deploy-block.ts';
import { CHAT_ID_MESSAGE, describeIssue } from './project-issues.ts';
import { gitPolicyOf, gitPolicySchema, type GitPolicy } from './git-policy-schema.ts';
import { startOnProblems, startOnSchema, type StartOn } from './start-on.ts';
import { trackerOf } from './tracker-of.ts';

const agentsSchema = z
  .object({
    default: z.string().min(1).optional(),
    analyst: z.string().min(1).optional(),
    developer: z.string().min(1).optional(),
    reviewer: z.string().min(1).optional(),
    tester: z.string().min(1).optional(),
  })
  .strict();

/** `uid:gid`, both numbers (a name would need the host's user database). */
const userSchema = z.string().regex(/^\d{1,10}:\d{1,10}$/, 'must be "uid:gid" with numbers, e.g. "1001:1001"');

const agentRunnerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('process'), user: userSchema.optional() }).strict(),
  z
    .object({
      type: z.literal('container'),
      image: z.string().min(1, 'must name an image, e.g. "conveyor-agent:latest"'),
      network: z.string().min(1).default('none'),
      memoryMb: z.number().int().positive().optional(),
      user: userSchema.default('1000:1000'),
    })
    .strict(),
]);

const projectSchema = z
  .object({
    id: z.string().regex(/^[A-Z][A-Z0-9_]{0,19}$/, 'must be 1–20 upper-case letters, digits or _ (e.g. SHOP)'),
    repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name'),
    cloneUrl: z.string().min(1),
    defaultBranch: z.string().min(1).default('main'),
    chatId: z.union([z.number().int(), z.string().regex(/^-?\d+$/, CHAT_ID_MESSAGE)]).transform((v) => String(v)),
    approvers: z.array(z.number().int().positive()).min(1, 'must list at least one Telegram user id'),
    viewers: z.array(z.number().int().positive()).optional(),
    plane: z
      .object({
        projectId: z.string().min(1),
        label: z.string().min(1).optional(),
        people: z.record(z.string().min(1), z.number().int().positive('must be a Telegram user id')).optional(),
      })
      .strict()
      .optional(),
    ciCommand: z.string().min(1).optional(),
    forge: z.enum(['gitea', 'github']).optional(),
    github: z.object({ issues: z.boolean(), label: z.string().min(1).optional() }).strict().optional(),
    startOn: startOnSchema.optional(),
    requiredChecks: z.array(z.string().min(1)).min(1).optional(),
    ciTimeoutS: z.number().int().positive().optional(),
    promptDir: z.string().min(1).optional(),
    agents: agentsSchema,
    agentRunner: agentRunnerSchema.default({ type: 'process' }),
    deploy: deployBlockSchema.optional(),
    stages: z
      .array(z.enum(ALL_STAGES))
      .default([...DEFAULT_STAGES])
      .refine((s) => s.includes('analysis') && s.includes('development'), 'must include analysis and development')
      .refine((s) => new Set(s).size === s.length, 'must not repeat a stage')
      .refine(
        (s) => s.every((stage) => SUPPORTED_STAGES.includes(stage)),
        'deploy is not supported by this release yet (see docs/adr/0023)',
      ),
    staging: stagingSchema.optional(),
    git: gitPolicySchema.optional(),
  })
  .strict()
  .refine((p) => !(Array.isArray(p.stages) && p.stages.includes('deploy-staging')) || p.staging !== undefined, {
    message: 'required when stages include deploy-staging (see design §10)',
    path: ['staging'],
    // Checked even when another field is wrong, so every problem is named in one pass.
    when: (payload) => typeof payload.value === 'object' && payload.value !== null,
  })
  .refine((p) => ['analyst', 'developer', 'reviewer', 'tester'].every((r) => p.agents.default ?? (p.agents as Record<string, string | undefined>)[r]), {
    message: 'agents must give a command for every role, or a "default"',
    path: ['agents'],
  })
  .refine((p) => !p.stages.includes('deploy') || p.stages.includes('deploy-staging'), {
    message: 'lists deploy without deploy-staging: production deploys the image staging validated (ADR 0032)',
    path: ['stages'],
  })
  .refine((p) => !p.stages.includes('deploy') || p.deploy !== undefined, {
    message: 'is required when stages lists deploy (image, hook, health)',
    path: ['deploy'],
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
  /** Telegram user ids who may open the dashboard for this project without approving (ADR 0040). */
  readonly viewers?: readonly number[];
  /**
   * `people` maps Plane user ids to Telegram user ids, so deploy four-eyes knows the Telegram
   * account of a tracker issue's creator (ADR 0035).
   */
  readonly plane?: { readonly projectId: string; readonly label?: string; readonly people?: Readonly<Record<string, number>> };
  readonly ciCommand?: string;
  /** Which forge hosts `repo` (ADR 0041); `gitea` when absent. */
  readonly forge?: 'gitea' | 'github';
  /**
   * GitHub Issues of `repo` as the project's tracker (ADR 0042; needs `forge: "github"`, excludes
   * `plane`): an open issue carrying `label` becomes a task.
   */
  readonly github?: { readonly issues: boolean; readonly label?: string };
  /**
   * When an eligible tracker issue becomes a task (ADR 0043): `"created"` (default), or once it is
   * in a state (Plane, `{ "state": "In Progress" }`) or carries a label (GitHub Issues,
   * `{ "label": "agent:start" }`).
   */
  readonly startOn?: StartOn;
  /**
   * The CI contexts (status contexts or check-run names) that must succeed for green; when absent
   * every reported context counts.
   */
  readonly requiredChecks?: readonly string[];
  readonly ciTimeoutS?: number;
  readonly promptDir?: string;
  readonly agents: Readonly<Partial<Record<Role | 'default', string>>>;
  /** How the agents are isolated (design §4); `{ type: 'process' }` (as Conveyor itself) when absent. */
  readonly agentRunner: AgentRunnerConfig;
  readonly stages: readonly WorkStage[];
  /** Production deploy (design §10); required when `stages` lists `deploy`. */
  readonly deploy?: DeployConfig;
  /** The `staging` block; required when `stages` includes `deploy-staging`. */
  readonly staging?: StagingConfig;
  /** Commit identity, signing and merge method (the `git` block, defaults applied; ADR 0037). */
  readonly git: GitPolicy;
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
  // reportInput: zod v4 leaves `input` out of issues otherwise, and "is required" would stand for "wrong type".
  const parsed = fileSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    return {
      type: 'invalid',
      problems: parsed.error.issues.map((i) => `${origin}: ${formatPath(i.path)}: ${describeIssue(i)}`),
    };
  }
  const ids = parsed.data.projects.map((p) => p.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) return { type: 'invalid', problems: [`${origin}: projects: id ${dup} is used twice`] };
  const projects = parsed.data.projects.map(({ deploy, git, ...p }) =>
    deepFreeze({
      ...p,
      git: gitPolicyOf(git),
      agentRunner: runnerOf(p.agentRunner),
      stages: ALL_STAGES.filter((s) => p.stages.includes(s)),
      ...(deploy ? { deploy: deployConfigOf(deploy, p.approvers) } : {}),
    }),
  );
  const forgeProblems = projects.flatMap((p, i) => [...mergeMethodProblems(p), ...githubIssuesProblems(p), ...startOnProblems(p.startOn, trackerOf(p))].map((m) => `${origin}: projects[${i}].${m}`));
  if (forgeProblems.length > 0) return { type: 'invalid', problems: forgeProblems };
  return { type: 'ok', projects: Object.freeze(projects) };
}

/** The parsed runner, without keys zod leaves undefined (exactOptionalPropertyTypes). */
function runnerOf(runner: z.infer<typeof agentRunnerSchema>): AgentRunnerConfig {
  if (runner.type === 'process') return runner.user === undefined ? { type: 'process' } : { type: 'process', user: runner.user };
  const { image, network, user, memoryMb } = runner;
  return memoryMb === undefined ? { type: 'container', image, network, user } : { type: 'container', image, network, user, memoryMb };
}

/** uid and gid of a `"uid:gid"` runner user. */
export function parseUser(user: string): { readonly uid: number; readonly gid: number } {
  const [uid, gid] = user.split(':').map(Number);
  if (uid === undefined || gid === undefined || !Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`not a uid:gid pair: ${user}`);
  return { uid, gid };
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

