/** Wording of the production approval message and its buttons, per locale (design §10). */
import type { Locale } from '../../core/config/config.ts';

export interface DeployLabels {
  readonly ready: string;
  readonly stagingPassed: string;
  readonly stagingFailed: string;
  readonly waived: (ids: string) => string;
  readonly image: string;
  readonly imageId: string;
  readonly target: string;
  readonly revision: string;
  readonly fourEyes: string;
  readonly stagingReport: string;
  readonly deployedBy: (who: string, at: string) => string;
  readonly rejectedBy: (who: string, at: string) => string;
  /** Button texts. */
  readonly deploy: string;
  readonly reject: string;
  readonly rollBack: string;
}

const en: DeployLabels = {
  ready: '🚀 Ready for production',
  stagingPassed: '🧪 Staging: SUCCESS',
  stagingFailed: '🧪 Staging: FAILED',
  waived: (ids) => `waived: ${ids}`,
  image: '📦 Image',
  imageId: 'id',
  target: 'as',
  revision: '🔖 Revision',
  fourEyes: '👀 Four-eyes: the requester cannot approve',
  stagingReport: 'Staging report',
  deployedBy: (who, at) => `✅ Deployed by ${who} · ${at}`,
  rejectedBy: (who, at) => `❌ Rejected by ${who} · ${at}`,
  deploy: '✅ Deploy',
  reject: '❌ Reject',
  rollBack: '↩️ Roll back',
};

const ru: DeployLabels = {
  ready: '🚀 Готово к выкатке',
  stagingPassed: '🧪 Стейджинг: SUCCESS',
  stagingFailed: '🧪 Стейджинг: FAILED',
  waived: (ids) => `не учтены: ${ids}`,
  image: '📦 Образ',
  imageId: 'id',
  target: 'как',
  revision: '🔖 Ревизия',
  fourEyes: '👀 Четыре глаза: автор задачи не может подтвердить',
  stagingReport: 'Отчёт стейджинга',
  deployedBy: (who, at) => `✅ Выкатил ${who} · ${at}`,
  rejectedBy: (who, at) => `❌ Отклонил ${who} · ${at}`,
  deploy: '✅ Выкатить',
  reject: '❌ Отклонить',
  rollBack: '↩️ Откатить',
};

export function deployLabelsFor(locale: Locale): DeployLabels {
  return locale === 'ru' ? ru : en;
}
