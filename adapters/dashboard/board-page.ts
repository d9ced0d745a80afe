/** The board: a project's tasks in columns by stage, each card with its numbers and badges. */
import type { BoardBadge, BoardView } from '../../core/dashboard/board-view.ts';
import { duration } from './format.ts';
import { h, type Markup } from './html.ts';

const BADGES: Readonly<Record<BoardBadge, string>> = {
  escalated: 'escalated',
  approval: 'waiting for approval',
  'merge-lease': 'waiting for merge lease',
  blocked: 'blocked',
};

export function boardBody(view: BoardView, now: number): Markup {
  return h`<h1>${view.projectId}</h1>
<div class="board">${view.columns.map(
    (column) => h`<section class="column" data-stage="${column.stage}"><h2>${column.stage} <span class="count">${column.cards.length}</span></h2>${column.cards.map(
      (card) => h`<a class="card" data-task="${card.id}" href="/app/task/${encodeURIComponent(card.id)}">
<div class="card-head"><b>${card.id}</b><span class="age" title="in this stage">${duration(now - card.stageEnteredAt)}</span></div>
<div class="title">${card.title}</div>
<div class="meta">attempt ${card.attempt} · rollbacks ${card.rollbacks}</div>
${card.badges.map((b) => h`<span class="badge badge-${b}">${BADGES[b]}</span>`)}
</a>`,
    )}</section>`,
  )}</div>`;
}
