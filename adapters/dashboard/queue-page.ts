/** The queue: agents running and queued, the merge lease holders with their waiting order, leases, the reconciler, the processes. */
import type { QueueView } from '../../core/notify/queue-view.ts';
import { isLive } from '../../core/notify/workers-view.ts';
import { duration, when } from './format.ts';
import { h, type Markup } from './html.ts';

/** `visible` says whether a task id belongs to a project the viewer may see. */
export function queueBody(view: QueueView, visible: (taskId: string) => boolean, now: number): Markup {
  const running = view.running.filter((r) => visible(r.taskId));
  const queued = view.queued.filter((q) => visible(q.taskId));
  const merges = view.mergeQueues.filter((m) => visible(`${m.projectId}-1`));
  const r = view.reconciler;
  const lead = view.workers.leader;
  const leader = lead && lead.expiresAt > now ? h`<code>${lead.holder}</code>` : 'none';
  return h`<h1>Queue</h1>
<section id="running"><h2>Running <span class="count">${running.length}/${view.capacity}</span></h2><ul>${running.map(
    (j) => h`<li><a href="/app/task/${encodeURIComponent(j.taskId)}">${j.taskId}</a> ${j.role} · ${duration(now - j.since)}</li>`,
  )}</ul></section>
<section id="queued"><h2>Queued <span class="count">${queued.length}</span></h2><ol>${queued.map(
    (j) => h`<li><a href="/app/task/${encodeURIComponent(j.taskId)}">${j.taskId}</a> ${j.role}${j.retry ? ' (retry)' : ''} · waiting ${duration(now - j.since)}</li>`,
  )}</ol></section>
<section id="merge"><h2>Merge queue</h2>${
    merges.length === 0
      ? h`<p>Nobody waits for a merge lease.</p>`
      : merges.map((m) => h`<h3>${m.projectId}</h3><p>Lease: ${m.holder ?? 'free'}</p><ol class="waiting">${m.waiting.map((id) => h`<li><a href="/app/task/${encodeURIComponent(id)}">${id}</a></li>`)}</ol>`)
  }</section>
<section id="reconciler"><h2>Reconciler</h2>${
    r
      ? h`<p>Last pass ${when(r.lastPassAt)}${r.lastPassMs !== null ? ` (${r.lastPassMs} ms)` : ''}; unblocked ${r.unblockedTotal} in all.</p>${
          r.lastUnblocked && visible(r.lastUnblocked.taskId) ? h`<p>Last unblock: ${r.lastUnblocked.taskId} — ${r.lastUnblocked.reason} (${when(r.lastUnblocked.at)})</p>` : ''
        }`
      : h`<p>No pass yet.</p>`
  }</section>
<section id="workers"><h2>Processes</h2><p>Leader: ${leader}</p><ul>${view.workers.processes.map(
    (p) => h`<li><code>${p.id}</code> on <code>${p.host}</code> · ${p.role} · ${p.kinds === '' ? 'no jobs' : p.kinds} · heartbeat ${duration(now - p.heartbeatAt)} ago${isLive(p, now) ? '' : ' (silent)'} · running ${p.runningJobs}</li>`,
  )}</ul></section>`;
}
