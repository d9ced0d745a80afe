/** The task page: controls (for those who may act), timeline, time per stage, runs, rollbacks, CI, staging, deploys, links. */
import type { TaskView } from '../../core/dashboard/task-view.ts';
import { actorName } from '../../core/engine/actor-name.ts';
import { duration, when, whenShort } from './format.ts';
import { h, type Markup } from './html.ts';

export function taskBody(view: TaskView, mayAct: boolean): Markup {
  const { task } = view;
  const open = task.stage !== 'done' && task.stage !== 'cancelled';
  return h`<h1><span class="task-id">${task.id}</span> ${task.title}</h1>
<p class="state">${task.stage} · ${task.phase}${task.escalated ? h` · <span class="badge badge-escalated">escalated</span> ${task.escalationReason ?? ''}` : ''}</p>
${mayAct && open ? controls(view) : ''}
<section><h2>Links</h2><ul class="links">${linkItems(view)}</ul></section>
<section><h2>Time per stage</h2><ul class="per-stage">${view.perStage.map((s) => h`<li><span>${s.stage}</span> <b>${duration(s.ms)}</b></li>`)}</ul></section>
<section><h2>Timeline</h2><table id="timeline"><thead><tr><th>When (UTC)</th><th>To</th><th>Why · by</th><th>Took</th></tr></thead><tbody>${view.timeline.map(
    (t) => h`<tr><td class="nowrap">${whenShort(t.at)}</td><td>${t.toStage} · ${t.toPhase}</td><td class="prose">${t.reason}<br><small class="actor">${actorName(t.actor)}</small></td><td class="nowrap">${duration(t.durationMs)}</td></tr>`,
  )}</tbody></table></section>
${view.rollbacks.length > 0 || view.mustFix ? h`<section id="rollbacks"><h2>Rollbacks</h2><ul>${view.rollbacks.map((r) => h`<li>${when(r.at)}: ${r.fromStage ?? '?'} → ${r.toStage}: ${r.reason}</li>`)}</ul>${view.mustFix ? h`<h3>Must fix</h3><pre class="must-fix">${view.mustFix}</pre>` : ''}</section>` : ''}
<section><h2>Runs</h2><table id="runs"><thead><tr><th>Job</th><th>Attempt</th><th>State</th><th>Duration</th><th>Exit</th></tr></thead><tbody>${view.runs.map(
    (r) => h`<tr><td>${r.role ?? r.kind}</td><td>${r.attempt ?? ''}</td><td>${r.state}</td><td>${duration(r.durationMs)}</td><td>${r.exit ?? ''}</td></tr>${r.logTail ? h`<tr class="log"><td colspan="5"><pre>${r.logTail}</pre></td></tr>` : ''}`,
  )}</tbody></table></section>
${view.ci.length > 0 ? h`<section><h2>CI</h2><ul>${view.ci.map((s) => h`<li><b>${s.context}</b>: ${s.state}${s.description ? ` — ${s.description}` : ''}</li>`)}</ul></section>` : ''}
${view.staging ? h`<section><h2>Staging</h2><p>${view.staging.verdict}${view.staging.revision ? ` at ${view.staging.revision.slice(0, 7)}` : ''}${view.staging.imageRef ? ` · ${view.staging.imageRef}` : ''}</p>${view.staging.waived.length > 0 ? h`<p>Waived: ${view.staging.waived.join(', ')}</p>` : ''}</section>` : ''}
${view.deploys.length > 0 ? h`<section><h2>Deploys</h2><ul>${view.deploys.map((d) => h`<li>${when(d.at)}: ${d.ref} — ${d.outcome}</li>`)}</ul></section>` : ''}`;
}

function controls(view: TaskView): Markup {
  const id = encodeURIComponent(view.task.id);
  return h`<section class="controls">${
    view.pendingBrd
      ? h`<button data-action="/app/api/approvals/${view.pendingBrd}/approve" id="approve">Approve BRD</button>
<input id="reject-reason" placeholder="Reason to reject"><button data-action="/app/api/approvals/${view.pendingBrd}/reject" data-reason="reject-reason" id="reject">Reject BRD</button>`
      : ''
  }${view.task.escalated ? h`<button data-action="/app/api/tasks/${id}/retry" id="retry">Retry</button>` : ''}
<input id="cancel-reason" placeholder="Reason to cancel"><button data-action="/app/api/tasks/${id}/cancel" data-reason="cancel-reason" data-confirm="Cancel ${view.task.id} for good?" id="cancel">Cancel task</button></section>`;
}

function linkItems(view: TaskView): Markup[] {
  const items: Markup[] = [];
  if (view.links.tracker && /^https?:\/\//i.test(view.links.tracker)) items.push(h`<li><a href="${view.links.tracker}" target="_blank" rel="noopener">Tracker</a></li>`);
  if (view.links.pr) items.push(h`<li><a href="${view.links.pr}" target="_blank" rel="noopener">PR #${view.task.prNumber ?? ''}</a></li>`);
  if (view.links.brd) items.push(h`<li><a href="${view.links.brd}" target="_blank" rel="noopener">BRD</a></li>`);
  if (view.links.branch) items.push(h`<li><a href="${view.links.branch}" target="_blank" rel="noopener">${view.task.branch}</a></li>`);
  if (view.links.head) items.push(h`<li><a href="${view.links.head}" target="_blank" rel="noopener">head ${(view.task.headSha ?? '').slice(0, 7)}</a></li>`);
  if (items.length === 0) items.push(h`<li>${view.task.branch}</li>`);
  return items;
}
