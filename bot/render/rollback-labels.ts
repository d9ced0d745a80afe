/** Wording of the one-tap roll-back (ADR 0034): the card's line, the confirmation and the alerts, per locale. */
import type { Locale } from '../../core/config/config.ts';
import type { RollbackState } from '../../core/store/rollback-repo.ts';

/** `14:02 UTC` (the chat's people are in many time zones). */
export function utcTime(at: number): string {
  return `${new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' }).format(at)} UTC`;
}

export interface RollbackLabels {
  /** The card's line once a roll-back was confirmed. */
  readonly cardLine: (state: RollbackState, image: string, who: string, at: string, outcome: string) => string;
  readonly confirmQuestion: (taskId: string, from: string, to: string) => string;
  readonly confirm: string;
  readonly cancel: string;
  readonly confirmBelow: string;
  readonly started: (taskId: string, who: string, at: string) => string;
  readonly cancelled: (taskId: string, who: string) => string;
  readonly notRollbackApprover: (project: string) => string;
  readonly selfDeploy: (project: string) => string;
  readonly alreadyDone: (who: string, at: string, state: RollbackState) => string;
  readonly notOffered: (taskId: string) => string;
}

const en: RollbackLabels = {
  cardLine: (state, image, who, at, outcome) => {
    switch (state) {
      case 'requested':
      case 'hook-started':
        return `↩️ Rolling back to ${image} · asked by ${who} · ${at}`;
      case 'rolled-back':
        return `↩️ Rolled back to ${image} by ${who} · ${at}`;
      case 'failed':
        return `⚠️ Roll-back to ${image} failed (asked by ${who} · ${at}): ${outcome}`;
      case 'unknown':
        return `🆘 Roll-back to ${image} left production unknown (asked by ${who} · ${at}): ${outcome}`;
    }
  },
  confirmQuestion: (id, from, to) => `↩️ Roll back production to the image before ${id}?\nNow: ${from}\nBack to: ${to}`,
  confirm: 'Confirm roll back',
  cancel: 'Cancel',
  confirmBelow: 'Confirm the roll-back in the message below.',
  started: (id, who, at) => `↩️ Roll-back of ${id} confirmed by ${who} · ${at}; the card will show how it ends.`,
  cancelled: (id, who) => `Roll-back of ${id} cancelled by ${who}.`,
  notRollbackApprover: (project) => `Only ${project}'s deploy approvers can roll production back.`,
  selfDeploy: (project) => `${project} deploys Conveyor itself: roll back with its hook by hand (the button cannot survive the restart).`,
  alreadyDone: (who, at, state) =>
    state === 'requested' || state === 'hook-started'
      ? `${who} already started this roll-back at ${at}.`
      : `${who} already rolled this deploy back at ${at}.`,
  notOffered: (id) => `${id} is no longer the latest production deploy, or there is no earlier image: nothing to roll back.`,
};

const ru: RollbackLabels = {
  cardLine: (state, image, who, at, outcome) => {
    switch (state) {
      case 'requested':
      case 'hook-started':
        return `↩️ Откат на ${image} · запрос: ${who} · ${at}`;
      case 'rolled-back':
        return `↩️ Откат на ${image} выполнен: ${who} · ${at}`;
      case 'failed':
        return `⚠️ Откат на ${image} не удался (запрос: ${who} · ${at}): ${outcome}`;
      case 'unknown':
        return `🆘 После отката на ${image} состояние прода неизвестно (запрос: ${who} · ${at}): ${outcome}`;
    }
  },
  confirmQuestion: (id, from, to) => `↩️ Откатить прод на образ до ${id}?\nСейчас: ${from}\nНазад на: ${to}`,
  confirm: 'Подтвердить откат',
  cancel: 'Отмена',
  confirmBelow: 'Подтвердите откат в сообщении ниже.',
  started: (id, who, at) => `↩️ Откат ${id} подтверждён: ${who} · ${at}; итог появится в карточке.`,
  cancelled: (id, who) => `Откат ${id} отменён: ${who}.`,
  notRollbackApprover: (project) => `Откатить прод могут только ответственные за выкладку проекта ${project}.`,
  selfDeploy: (project) => `${project} выкладывает сам Conveyor: откатите его хуком вручную (кнопка не переживёт перезапуск).`,
  alreadyDone: (who, at, state) =>
    state === 'requested' || state === 'hook-started' ? `Этот откат уже запущен: ${who}, ${at}.` : `Эта выкладка уже откачена: ${who}, ${at}.`,
  notOffered: (id) => `${id} уже не последняя выкладка в прод, или более раннего образа нет: откатывать нечего.`,
};

export function rollbackLabelsFor(locale: Locale): RollbackLabels {
  return locale === 'ru' ? ru : en;
}
