/**
 * One staging run (design §10): build the branch head's image, replace the project's staging
 * container, wait for health, run the checks inside it, decide the verdict and render the report.
 * Never throws and never a false green: any engine error, timeout or cancellation is FAILED with
 * the reason. The whole run is bounded by `staging.timeoutS` and the caller's abort signal.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import { posix } from 'node:path';
import { dockerfileInContext } from '../config/staging-schema.ts';
import { errorSentence } from '../errors.ts';
import { systemClock, type Clock } from '../ports/clock.ts';
import type { ContainerSpec, DockerPort } from '../ports/docker.ts';
import { BudgetExceeded, RunBudget } from './run-budget.ts';
import { waitForHealth } from './staging-health.ts';
import { stagingMustFix } from './staging-must-fix.ts';
import { ROLE_LABEL, REVISION_LABEL, stagingContainerName, stagingImageLabels, stagingImageRef } from './staging-names.ts';
import { renderStagingReport, stagingReportPath, type StagingProblem } from './staging-report.ts';
import type { CheckOutcome, StagingInput, StagingResult, StagingRunnerPort } from './staging-types.ts';
import { stagingVerdict } from './staging-verdict.ts';

/** What a staging runner needs. */
export interface StagingRunnerDeps {
  readonly docker: DockerPort;
  readonly clock?: Clock;
  /** Pause between health attempts (default 250 ms). */
  readonly healthPollMs?: number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** A {@link StagingRunnerPort} over a Docker engine. */
export function createStagingRunner(deps: StagingRunnerDeps): StagingRunnerPort {
  return { run: (input) => runStaging(deps, input).catch((error: unknown) => lastResort(input, error)) };
}

/** Only reachable through a bug in the run itself; still FAILED, never a throw. */
function lastResort(input: StagingInput, error: unknown): StagingResult {
  const reason = `staging run failed unexpectedly: ${errorSentence(error)}`;
  const imageRef = stagingImageRef(input.projectId, input.sha);
  return {
    verdict: 'FAILED',
    revision: input.sha,
    imageId: null,
    imageRef,
    checks: [],
    waived: [],
    reason,
    mustFix: reason,
    report: `---\nstaging_status: FAILED\nrevision: ${input.sha}\nimage: ${imageRef}\nwaived: []\n---\n\nERROR run: ${reason}\n\nVERDICT: FAILED\n`,
    durationMs: 0,
  };
}

interface Progress {
  step: StagingProblem['step'];
  imageId: string | null;
  readonly checks: CheckOutcome[];
  problem: StagingProblem | null;
}

async function runStaging(deps: StagingRunnerDeps, input: StagingInput): Promise<StagingResult> {
  const clock = deps.clock ?? systemClock;
  const started = clock.now();
  const imageRef = stagingImageRef(input.projectId, input.sha);
  const progress: Progress = { step: 'build', imageId: null, checks: [], problem: null };
  const budget = new RunBudget(clock, input.staging.timeoutS * 1000, input.signal);
  try {
    await stage(deps, clock, budget, input, imageRef, progress);
  } catch (error) {
    // Once the budget ended, whatever rejected first (a sleep, the adapter) says it less clearly.
    const ended: unknown = budget.signal.aborted ? budget.signal.reason : error;
    progress.problem =
      ended instanceof BudgetExceeded
        ? { step: 'run', reason: ended.message, log: '' }
        : { step: progress.step, reason: `${STEP_DOING[progress.step]}: ${errorSentence(error)}`, log: '' };
  } finally {
    budget.dispose();
  }
  return finish(input, imageRef, progress, clock.now() - started);
}

const STEP_DOING: Record<StagingProblem['step'], string> = {
  build: 'building the image',
  container: 'replacing the staging container',
  health: 'waiting for health',
  checks: 'running the checks',
  run: 'staging',
};

async function stage(deps: StagingRunnerDeps, clock: Clock, budget: RunBudget, input: StagingInput, imageRef: string, progress: Progress): Promise<void> {
  const { docker } = deps;
  const { staging } = input;
  const built = await budget.race(
    docker.buildImage({
      contextDir: posix.join(input.worktreePath, staging.context),
      dockerfile: dockerfileInContext(staging),
      tag: imageRef,
      labels: stagingImageLabels(input.projectId, input.taskId, input.sha),
      buildArgs: staging.buildArgs,
      timeoutMs: budget.remainingMs(),
      signal: budget.signal,
    }),
  );
  if (built.type === 'failed') {
    progress.problem = { step: 'build', reason: built.reason, log: built.logTail };
    return;
  }
  progress.imageId = built.imageId;
  const image = await budget.race(docker.inspectImage(built.imageId));
  if (image?.labels[REVISION_LABEL] !== input.sha) {
    progress.problem = { step: 'build', reason: `the built image does not carry revision ${input.sha}`, log: built.logTail };
    return;
  }

  progress.step = 'container';
  const name = stagingContainerName(input.projectId);
  const container = await budget.race(docker.replaceContainer(containerSpec(input, name, built.imageId)));
  if (!container.running) {
    progress.problem = { step: 'container', reason: 'the staging container exited right after it started', log: '' };
    return;
  }

  progress.step = 'health';
  const sleep = deps.sleep ?? ((ms: number, signal: AbortSignal) => sleepFor(ms, undefined, { signal }));
  const health = await waitForHealth({ docker, clock, budget, sleep, pollMs: deps.healthPollMs ?? 250 }, name, staging.health);
  if (health.type === 'unhealthy') {
    progress.problem = { step: 'health', reason: health.reason, log: health.output };
    return;
  }

  progress.step = 'checks';
  for (const check of staging.checks) {
    const result = await budget.race(docker.exec(name, check.command, budget.remainingMs()));
    const output = result.timedOut ? `${result.output}\n(check timed out: the staging budget ran out)` : result.output;
    progress.checks.push({ id: check.id, name: check.name, class: check.class, passed: result.exitCode === 0 && !result.timedOut, output });
  }
}

function containerSpec(input: StagingInput, name: string, imageId: string): ContainerSpec {
  const { staging } = input;
  return {
    name,
    image: imageId,
    env: staging.env,
    ...(staging.command !== null ? { command: ['sh', '-c', staging.command] } : {}),
    networkMode: staging.network,
    memoryMb: staging.memoryMb,
    labels: { ...stagingImageLabels(input.projectId, input.taskId, input.sha), [ROLE_LABEL]: 'staging' },
    init: true,
  };
}

function finish(input: StagingInput, imageRef: string, progress: Progress, durationMs: number): StagingResult {
  const { checks, problem } = progress;
  const verdict = stagingVerdict({ internalError: problem?.reason ?? null, checks, strict: input.strict });
  const report = renderStagingReport({
    taskId: input.taskId,
    revision: input.sha,
    imageRef,
    imageId: progress.imageId,
    planned: input.staging.checks,
    checks,
    verdict,
    strict: input.strict,
    problem,
  });
  return {
    verdict: verdict.verdict,
    revision: input.sha,
    imageId: progress.imageId,
    imageRef,
    checks,
    waived: verdict.waived,
    reason: verdict.reason,
    mustFix: stagingMustFix(verdict, checks, problem, stagingReportPath(input.taskId)),
    report,
    durationMs,
  };
}
