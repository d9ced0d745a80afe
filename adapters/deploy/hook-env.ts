/**
 * The environment of a deploy hook (design §10): exactly the deploy variables, plus PATH and HOME
 * from the host so `sh`, `docker` and friends are found. Nothing else is inherited: a hook must not
 * see Conveyor's settings or secrets, nor the agents' API keys.
 */
import type { DeployHookEnv } from '../../core/ports/deploy-hook.ts';
import { childEnv } from '../agents/child-env.ts';

/** Host variables a hook inherits. */
export const HOOK_INHERITED = ['PATH', 'HOME'] as const;

/** The host's PATH and HOME (never a withheld variable), for a hook or a health command. */
export function hostBasics(baseEnv: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const picked = Object.fromEntries(HOOK_INHERITED.map((key) => [key, baseEnv[key]]));
  return childEnv(picked);
}

/** The complete environment of a hook run. */
export function deployHookEnv(
  baseEnv: Readonly<Record<string, string | undefined>>,
  env: DeployHookEnv,
): Record<string, string> {
  return {
    ...hostBasics(baseEnv),
    SOURCE_IMAGE: env.sourceImage,
    TARGET_IMAGE: env.targetImage,
    EXPECTED_REVISION: env.expectedRevision,
    PREVIOUS_IMAGE: env.previousImage ?? '',
    ORCH_TASK_ID: env.taskId,
    ORCH_PROJECT: env.projectId,
    DOCKER_HOST: env.dockerHost,
  };
}
