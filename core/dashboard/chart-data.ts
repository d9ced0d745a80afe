/**
 * The dashboard's charts, as data (ADR 0039): cycle time (created → done) per week with p50/p90;
 * mean time per stage per week (stacked by the page); rollbacks per stage; agent time per role;
 * escalations per week. Weeks start on Monday, UTC; times are hours.
 */
import type { ProjectConfig } from '../config/projects.ts';
import type { Store } from '../store/store.ts';

export interface ChartData {
  /** Week starts (epoch seconds), oldest first; shared by the weekly series. */
  readonly weeks: readonly number[];
  readonly cycle: { readonly p50: readonly (number | null)[]; readonly p90: readonly (number | null)[] };
  /** Mean hours per stage of the tasks finished that week, one series per stage. */
  readonly stageHours: readonly { readonly stage: string; readonly hours: readonly number[] }[];
  readonly escalations: readonly number[];
  readonly rollbacksByStage: readonly { readonly stage: string; readonly count: number }[];
  readonly agentHoursByRole: readonly { readonly role: string; readonly hours: number }[];
}

const WEEK_MS = 7 * 86_400_000;
const HOUR_MS = 3_600_000;
/** 1970-01-01 was a Thursday: shift so weeks start on Monday. */
const MONDAY_OFFSET_MS = 3 * 86_400_000;

export function weekOf(ms: number): number {
  return Math.floor((ms + MONDAY_OFFSET_MS) / WEEK_MS) * WEEK_MS - MONDAY_OFFSET_MS;
}

/** The `q` quantile (0–1) of `values` by nearest rank; null when empty. */
export function quantile(values: readonly number[], q: number): number | null {
  return nearestRank([...values].sort((a, b) => a - b), q);
}

function nearestRank(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? null;
}

/** The charts of `project` over its whole history. */
export async function buildChartData(store: Store, project: ProjectConfig): Promise<ChartData> {
  const rows = await store.db.read.dashboard.projectTransitions(project.id);
  const doneAt = new Map<string, { createdAt: number; at: number }>();
  const stageMs = new Map<string, Map<string, number>>();
  const rollbacks = new Map<string, number>();
  const escalations = new Map<number, number>();
  rows.forEach((row, i) => {
    const next = rows[i + 1];
    if (next && next.taskId === row.taskId) {
      const perStage = stageMs.get(row.taskId) ?? new Map<string, number>();
      perStage.set(row.toStage, (perStage.get(row.toStage) ?? 0) + (next.at - row.at));
      stageMs.set(row.taskId, perStage);
    }
    if (row.toStage === 'done') doneAt.set(row.taskId, { createdAt: row.createdAt, at: row.at });
    if (row.reason.startsWith('red: ')) rollbacks.set(row.fromStage ?? '?', (rollbacks.get(row.fromStage ?? '?') ?? 0) + 1);
    if (row.reason.startsWith('escalated')) escalations.set(weekOf(row.at), (escalations.get(weekOf(row.at)) ?? 0) + 1);
  });
  const byWeek = new Map<number, string[]>();
  for (const [taskId, done] of doneAt) {
    const week = weekOf(done.at);
    const ids = byWeek.get(week);
    if (ids) ids.push(taskId);
    else byWeek.set(week, [taskId]);
  }
  const weeks = weekRange([...byWeek.keys(), ...escalations.keys()]);
  const cycleOf = (id: string) => {
    const done = doneAt.get(id);
    return done ? (done.at - done.createdAt) / HOUR_MS : 0;
  };
  // Each week's cycle times sorted once, for both quantiles.
  const cycles = weeks.map((w) => (byWeek.get(w) ?? []).map(cycleOf).sort((a, b) => a - b));
  return {
    weeks: weeks.map((w) => w / 1000),
    cycle: {
      p50: cycles.map((sorted) => round(nearestRank(sorted, 0.5))),
      p90: cycles.map((sorted) => round(nearestRank(sorted, 0.9))),
    },
    stageHours: project.stages.map((stage) => ({
      stage,
      hours: weeks.map((w) => {
        const ids = byWeek.get(w) ?? [];
        const total = ids.reduce((sum, id) => sum + (stageMs.get(id)?.get(stage) ?? 0), 0);
        return ids.length === 0 ? 0 : (round(total / ids.length / HOUR_MS) ?? 0);
      }),
    })),
    escalations: weeks.map((w) => escalations.get(w) ?? 0),
    rollbacksByStage: project.stages.map((stage) => ({ stage, count: rollbacks.get(stage) ?? 0 })),
    agentHoursByRole: await agentHours(store, project),
  };
}

async function agentHours(store: Store, project: ProjectConfig): Promise<{ role: string; hours: number }[]> {
  const runs = await store.db.read.dashboard.finishedAgentRuns(project.id);
  const totals = new Map<string, number>();
  for (const run of runs) {
    if (run.startedAt === null || typeof run.payload.role !== 'string') continue;
    totals.set(run.payload.role, (totals.get(run.payload.role) ?? 0) + ((run.finishedAt ?? run.updatedAt) - run.startedAt));
  }
  return ['analyst', 'developer', 'reviewer', 'tester'].map((role) => ({ role, hours: round((totals.get(role) ?? 0) / HOUR_MS) ?? 0 }));
}

/** Every week from the earliest to the latest of `seen` (none when empty). */
function weekRange(seen: readonly number[]): number[] {
  if (seen.length === 0) return [];
  let first = Infinity;
  let last = -Infinity;
  for (const w of seen) {
    first = Math.min(first, w);
    last = Math.max(last, w);
  }
  const weeks: number[] = [];
  for (let w = first; w <= last; w += WEEK_MS) weeks.push(w);
  return weeks;
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100;
}
