/** Alerts and prompts around approval buttons, per locale. */
import type { Locale } from '../../core/config/config.ts';

function hhmm(at: number): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' }).format(at);
}

const en = {
  invalid: 'This button is not valid any more.',
  notApprover: (project: string) => `Only ${project}'s approvers can decide this.`,
  alreadyDecided: (state: string, who: string, at: number) => `Already ${state} by ${who} at ${hhmm(at)} UTC.`,
  approved: (id: string) => `Approved: ${id} goes to development.`,
  askReasonShort: 'Reply with the reason for rejecting.',
  askReason: (name: string, id: string) => `${name}, why is the BRD of ${id} rejected? Reply with the reason; it goes to the analyst.`,
  rejected: (id: string) => `Rejected: ${id} goes back to analysis with your reason.`,
  notDeployApprover: (project: string) => `Only ${project}'s deploy approvers can decide a production deploy.`,
  fourEyes: (id: string) => `Four-eyes: you requested ${id}, so someone else must approve its deploy.`,
  deployApproved: (id: string) => `Approved: deploying ${id} to production.`,
  deployAskReason: (name: string, id: string) => `${name}, why is the deploy of ${id} rejected? Reply with the reason; it goes to the developer.`,
  deployRejected: (id: string) => `Rejected: ${id} goes back to development with your reason.`,
};

const ru: typeof en = {
  invalid: 'Эта кнопка больше не действует.',
  notApprover: (project: string) => `Решение принимают только подтверждающие проекта ${project}.`,
  alreadyDecided: (state: string, who: string, at: number) => `Уже ${state === 'approved' ? 'подтверждено' : 'отклонено'}: ${who}, ${hhmm(at)} UTC.`,
  approved: (id: string) => `Подтверждено: ${id} идёт в разработку.`,
  askReasonShort: 'Ответьте сообщением с причиной отказа.',
  askReason: (name: string, id: string) => `${name}, почему BRD ${id} отклонён? Ответьте причиной — её получит аналитик.`,
  rejected: (id: string) => `Отклонено: ${id} возвращается в анализ с вашей причиной.`,
  notDeployApprover: (project: string) => `Выкладку в прод подтверждают только ответственные за выкладку проекта ${project}.`,
  fourEyes: (id: string) => `Принцип четырёх глаз: ${id} запросили вы, выкладку подтверждает кто-то другой.`,
  deployApproved: (id: string) => `Подтверждено: ${id} выкладывается в прод.`,
  deployAskReason: (name: string, id: string) => `${name}, почему выкладка ${id} отклонена? Ответьте причиной — её получит разработчик.`,
  deployRejected: (id: string) => `Отклонено: ${id} возвращается в разработку с вашей причиной.`,
};

export function buttonTexts(locale: Locale): typeof en {
  return locale === 'ru' ? ru : en;
}
