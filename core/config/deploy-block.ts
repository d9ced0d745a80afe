/**
 * The projects file's `deploy` block (design §10 "Production"): its schema and its defaults. Kept
 * apart from projects.ts so the production block can grow without touching the registry's parser.
 */
import { z } from 'zod';
import { DEPLOY_DEFAULTS, type DeployConfig } from '../deploy/deploy-types.ts';

// A repository reference without tag or digest: `shop`, `acme/shop`, `registry.acme.test:5000/acme/shop`.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE_REPOSITORY = new RegExp(`^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?${COMPONENT}(?:/${COMPONENT})*$`);

/** The `deploy` block as written in the file (defaults not yet applied). */
export const deployBlockSchema = z
  .object({
    image: z
      .string()
      .regex(
        IMAGE_REPOSITORY,
        'must be an image repository without tag or digest (e.g. registry.acme.test/shop)',
      ),
    hook: z.string().min(1, 'must be a shell command'),
    health: z
      .object({
        command: z.string().min(1, 'must be a shell command'),
        timeoutS: z.number().int().positive().default(DEPLOY_DEFAULTS.healthTimeoutS),
        successes: z.number().int().positive().default(DEPLOY_DEFAULTS.healthSuccesses),
      })
      .strict(),
    approvers: z
      .array(z.number().int().positive())
      .min(1, 'must list at least one Telegram user id (or be left out)')
      .optional(),
    fourEyes: z.boolean().default(DEPLOY_DEFAULTS.fourEyes),
    self: z.boolean().default(DEPLOY_DEFAULTS.self),
    timeoutS: z.number().int().positive().default(DEPLOY_DEFAULTS.timeoutS),
  })
  .strict();

export type DeployBlock = z.infer<typeof deployBlockSchema>;

/** The block with its defaults: deploy approvers fall back to the project's approvers. */
export function deployConfigOf(block: DeployBlock, projectApprovers: readonly number[]): DeployConfig {
  return { ...block, approvers: block.approvers ?? [...projectApprovers] };
}
