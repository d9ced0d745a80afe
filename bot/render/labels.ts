/** Card and message wording in each locale. Markers people and scripts look for are fixed here. */
import type { Locale } from '../../core/config/config.ts';
import type { ProgressStep } from '../../core/notify/card-view.ts';
import type { Role } from '../../core/domain/stage.ts';

export interface Labels {
  readonly steps: Readonly<Record<ProgressStep, string>>;
  readonly roles: Readonly<Record<Role, string>>;
  /** The status line while a BRD waits for a decision (the progress line says what happens on approval). */
  readonly approvalPending: string;
  /**
   * The done card's heading (design §7/§10): `📦 Delivered` (ru `📦 Внедрено`) after a production
   * deploy; a merge-only project's ru card says `📦 Готово`, since "внедрено" claims a deployment (ADR 0029).
   */
  readonly delivered: (deployed: boolean) => string;
  /** What "delivered" meant for this task: merged only, or merged and deployed (a merge-only project claims no deployment). */
  readonly deliveredVia: (deployed: boolean) => string;
  readonly escalated: string;
  readonly cancelled: string;
  readonly attempt: string;
  readonly rollbacks: string;
  readonly inStage: (minutes: string) => string;
  /** "waiting for: X" / "ждём X" (the Russian object carries its own case). */
  readonly waitingFor: (what: string) => string;
  readonly agentRunning: (role: Role, age: string) => string;
  readonly agentQueued: (role: Role, age: string) => string;
  readonly retryIn: (age: string) => string;
  readonly approvalBy: (who: string) => string;
  /** Waiting for the production approval (design §10). */
  readonly deployApprovalBy: (who: string) => string;
  readonly ciPending: (sha: string, local: boolean) => string;
  readonly mergeLease: (holder: string) => string;
  readonly merging: string;
  /** `🔒 waiting for merge lease: SHOP-40 · position 2` (design §10). */
  readonly mergeQueued: (holder: string, position: number) => string;
  readonly stagingRun: (state: 'queued' | 'running', age: string) => string;
  /** The production deploy job waiting, or its hook running (design §10). */
  readonly deployRun: (state: 'queued' | 'running', age: string) => string;
  /** The deploy's hook waits for a confirmed roll-back of the same project (ADR 0034). */
  readonly deployAfterRollback: (rollbackOf: string) => string;
  readonly stagingVerdict: (verdict: string, waived: string) => string;
  readonly mergeQueue: (holder: string, waiting: string) => string;
  readonly blocked: string;
  readonly last: string;
  readonly mustFix: string;
  /** On a delivered card after rollbacks: what the last rollback asked to fix. */
  readonly lastMustFix: string;
  readonly ago: (age: string) => string;
  readonly brdReady: string;
  /** The approval message's heading once decided (the decision line below says who and when). */
  readonly brdDecided: (approved: boolean) => string;
  readonly approvedBy: (who: string, at: string) => string;
  readonly rejectedBy: (who: string, at: string) => string;
  readonly approve: string;
  readonly reject: string;
  readonly escalationMessage: (taskId: string, reason: string) => string;
}

const en: Labels = {
  steps: { analysis: 'Analysis', approval: 'BRD approved', development: 'Development', review: 'Review', testing: 'Testing', 'deploy-staging': 'Staging', deploy: 'Deploy' },
  roles: { analyst: 'analyst', developer: 'developer', reviewer: 'reviewer', tester: 'tester' },
  approvalPending: 'BRD approval',
  delivered: () => '📦 Delivered',
  deliveredVia: (deployed) => (deployed ? 'merged and deployed' : 'merged into the default branch'),
  escalated: '🆘 Escalated',
  cancelled: '✖️ Cancelled',
  attempt: 'attempt',
  rollbacks: 'rollbacks',
  inStage: (m) => `${m} in stage`,
  waitingFor: (what) => `waiting for: ${what}`,
  agentRunning: (role, age) => `${en.roles[role]} agent, running ${age}`,
  agentQueued: (role, age) => `${en.roles[role]} agent, queued ${age}`,
  retryIn: (age) => `retry in ${age}`,
  approvalBy: (who) => `BRD approval by ${who}`,
  deployApprovalBy: (who) => `production approval by ${who}`,
  ciPending: (sha, local) => `CI on ${sha}${local ? ' (local)' : ''}`,
  mergeLease: (holder) => `merge lease held by ${holder}`,
  merging: 'merge into the default branch',
  mergeQueued: (holder, position) => `🔒 waiting for merge lease: ${holder} · position ${position}`,
  stagingRun: (state, age) => `staging ${state === 'running' ? 'running' : 'queued'} ${age}`,
  deployRun: (state, age) => (state === 'running' ? `deploy running ${age}` : `deploy queued ${age}`),
  deployAfterRollback: (rollbackOf) => `the roll-back of ${rollbackOf} to finish before deploying`,
  stagingVerdict: (verdict, waived) => `🧪 staging: ${verdict}${waived ? ` · waived ${waived}` : ''}`,
  mergeQueue: (holder, waiting) => `holder ${holder}${waiting ? ` · waiting ${waiting}` : ''}`,
  blocked: 'blocked in the tracker',
  last: 'last',
  mustFix: 'must fix',
  lastMustFix: 'last must fix',
  ago: (age) => `${age} ago`,
  brdReady: '📝 BRD ready for approval',
  brdDecided: (approved) => (approved ? '📝 BRD approved' : '📝 BRD rejected'),
  approvedBy: (who, at) => `✅ Approved by ${who} · ${at}`,
  rejectedBy: (who, at) => `❌ Rejected by ${who} · ${at}`,
  approve: '✅ Approve',
  reject: '❌ Reject',
  escalationMessage: (id, reason) => `🆘 ${id} needs a person: ${reason}\nAfter fixing the cause, /retry ${id}`,
};

/** "ждём агента-ревьюера": the role as the object of "ждём". */
const RU_ROLE_ACCUSATIVE: Readonly<Record<Role, string>> = { analyst: 'аналитика', developer: 'разработчика', reviewer: 'ревьюера', tester: 'тестировщика' };

const ru: Labels = {
  steps: { analysis: 'Анализ', approval: 'Подтверждение BRD', development: 'Разработка', review: 'Ревью', testing: 'Тестирование', 'deploy-staging': 'Стейджинг', deploy: 'Деплой' },
  roles: { analyst: 'аналитик', developer: 'разработчик', reviewer: 'ревьюер', tester: 'тестировщик' },
  approvalPending: 'Подтверждение BRD',
  delivered: (deployed) => (deployed ? '📦 Внедрено' : '📦 Готово'),
  deliveredVia: (deployed) => (deployed ? 'слито и развёрнуто' : 'слито в основную ветку'),
  escalated: '🆘 Эскалация',
  cancelled: '✖️ Отменено',
  attempt: 'попытка',
  rollbacks: 'откаты',
  inStage: (m) => `${m} на этапе`,
  waitingFor: (what) => `ждём ${what}`,
  agentRunning: (role, age) => `агента-${RU_ROLE_ACCUSATIVE[role]} (работает ${age})`,
  agentQueued: (role, age) => `агента-${RU_ROLE_ACCUSATIVE[role]} (в очереди ${age})`,
  retryIn: (age) => `повтор через ${age}`,
  approvalBy: (who) => `подтверждения BRD от ${who}`,
  deployApprovalBy: (who) => `одобрения деплоя от ${who}`,
  ciPending: (sha, local) => `результата CI на ${sha}${local ? ' (локально)' : ''}`,
  mergeLease: (holder) => `снятия блокировки слияния (держит ${holder})`,
  merging: 'слияния в основную ветку',
  mergeQueued: (holder, position) => `🔒 ждёт очереди на слияние: ${holder} · позиция ${position}`,
  stagingRun: (state, age) => `стейджинг ${state === 'running' ? 'идёт' : 'в очереди'} ${age}`,
  deployRun: (state, age) => (state === 'running' ? `деплой идёт ${age}` : `деплой в очереди ${age}`),
  deployAfterRollback: (rollbackOf) => `окончания отката ${rollbackOf}, потом деплой`,
  stagingVerdict: (verdict, waived) => `🧪 стейджинг: ${verdict}${waived ? ` · пропущены ${waived}` : ''}`,
  mergeQueue: (holder, waiting) => `держит ${holder}${waiting ? ` · ждут ${waiting}` : ''}`,
  blocked: 'задача заблокирована в трекере',
  last: 'последнее',
  mustFix: 'исправить',
  lastMustFix: 'последнее замечание',
  ago: (age) => `${age} назад`,
  brdReady: '📝 BRD ждёт подтверждения',
  brdDecided: (approved) => (approved ? '📝 BRD подтверждён' : '📝 BRD отклонён'),
  approvedBy: (who, at) => `✅ Подтверждено: ${who} · ${at}`,
  rejectedBy: (who, at) => `❌ Отклонено: ${who} · ${at}`,
  approve: '✅ Подтвердить',
  reject: '❌ Отклонить',
  escalationMessage: (id, reason) => `🆘 ${id} требует внимания: ${reason}\nПосле исправления: /retry ${id}`,
};

export function labelsFor(locale: Locale): Labels {
  return locale === 'ru' ? ru : en;
}

/** "3 min", "12 s", "2 h" (locale-neutral units keep the card short). */
export function formatAge(ms: number, locale: Locale): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const [sec, min, hour, day] = locale === 'ru' ? ['с', 'мин', 'ч', 'д'] : ['s', 'min', 'h', 'd'];
  if (s < 60) return `${s} ${sec}`;
  if (s < 3600) return `${Math.floor(s / 60)} ${min}`;
  if (s < 86_400) return `${Math.floor(s / 3600)} ${hour}`;
  return `${Math.floor(s / 86_400)} ${day}`;
}

/**
 * Ages on a card: whole minutes ("<1 min", "3 min", "2 h"). A card is refreshed at most once a
 * minute, so a seconds count would be stale as soon as it is sent, and would make every render
 * differ from the last (docs/adr/0011).
 */
export function formatCardAge(ms: number, locale: Locale): string {
  return ms < 60_000 ? (locale === 'ru' ? '<1 мин' : '<1 min') : formatAge(ms, locale);
}
