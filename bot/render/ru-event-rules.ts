/**
 * The Russian wording of every event line, reason and notice the engine, gates and reconciler
 * write (in English, the stored form). Each rule matches one shape whole; `sub` renders an
 * embedded reason by the same rules. Free text inside a shape (an error, a tracker state's name,
 * a person's reason) is data and stays as written. Wording is gender-neutral: who did something
 * follows a colon ("Подтверждено: Alice"), never a past-tense verb.
 */
import { plural } from './plural.ts';
import type { EventRule } from './event-text.ts';

const JOB_KIND: Readonly<Record<string, string>> = {
  agent: 'агента',
  ci: 'CI',
  merge: 'слияния',
  cleanup: 'очистки',
  tracker: 'трекера',
  forge: 'Gitea',
  staging: 'стейджинга',
  deploy: 'деплоя',
  rollback: 'отката',
};
const kind = (k: string): string => JOB_KIND[k] ?? k;
const MEANING: Readonly<Record<string, string>> = { approved: 'подтверждён', rejected: 'отклонён' };
const FINDINGS = { one: 'замечание', few: 'замечания', many: 'замечаний', other: 'замечания' } as const;

/** Rules are tried in order; the first whose pattern matches the whole text wins. */
export const RU_EVENT_RULES: readonly EventRule[] = [
  // Card "last:" lines (core/engine).
  [/^BRD ready for approval$/, () => 'BRD ждёт подтверждения'],
  [/^BRD approved by (.+)$/, (m) => `BRD подтверждён: ${m[1]}`],
  [/^BRD rejected by (.+)$/, (m) => `BRD отклонён: ${m[1]}`],
  [/^developer pushed \(no commit\)$/, () => 'разработчик закончил без коммита'],
  [/^developer pushed (\S+)$/, (m) => `коммит разработчика ${m[1]}`],
  [/^pushed (\S+)$/, (m) => `ветка обновлена: ${m[1]}`],
  [/^CI green on (\S*)$/, (m) => `CI пройден на ${m[1]}`],
  [/^CI red on (\S*)$/, (m) => `CI не пройден на ${m[1]}`],
  [/^CI failed on (\S*)$/, (m) => `CI не пройден на ${m[1]}`],
  [/^CI failed$/, () => 'CI не пройден'],
  [/^review approved$/, () => 'ревью одобрено'],
  [/^tests passed$/, () => 'тесты пройдены'],
  [/^merge failed$/, () => 'слияние не удалось'],
  [/^merged (\S+)$/, (m) => `слито: ${m[1]}`],
  [/^blocked in the tracker$/, () => 'заблокирована в трекере'],
  [/^unblocked in the tracker$/, () => 'разблокирована в трекере'],
  [/^created from the tracker$/, () => 'создана из трекера'],
  [/^created from the chat$/, () => 'создана из чата'],
  [/^retry by (.+)$/, (m) => `перезапуск: ${m[1]}`],
  [/^cancelled: cancelled by (.+)$/, (m) => `отменено: ${m[1]}`],
  [/^cancelled by (.+)$/, (m) => `отменено: ${m[1]}`],
  [/^cancelled: ([\s\S]+)$/, (m) => `отменено: ${m[1]}`],
  [/^PR #(\d+) opened$/, (m) => `открыт PR #${m[1]}`],
  [/^(\w+) job failed: ([\s\S]*)$/, (m, sub) => `сбой задания ${kind(m[1] ?? '')}: ${sub(m[2] ?? '')}`],
  [/^agent command not found: (\S*) \((\S+)\)$/, (m) => `не найдена команда агента: ${m[1]} (${m[2]})`],
  [/^(\w+) failed$/, (m) => `сбой ${kind(m[1] ?? '')}`],
  // Gate reasons, as labels ("analyst: …") and inside escalations ("… (3×, cap 3)").
  [/^analyst: ([\s\S]+)$/, (m, sub) => `аналитик: ${sub(m[1] ?? '')}`],
  [/^review: ([\s\S]+)$/, (m, sub) => `ревью: ${sub(m[1] ?? '')}`],
  [/^testing: ([\s\S]+)$/, (m, sub) => `тестирование: ${sub(m[1] ?? '')}`],
  [/^([\s\S]+) \((\d+)×, cap (\d+)\)$/, (m, sub) => `${sub(m[1] ?? '')} (${m[2]}×, предел ${m[3]})`],
  [/^BRD (\S+) is missing$/, (m) => `BRD ${m[1]} не найден`],
  [/^BRD (\S+) is empty$/, (m) => `BRD ${m[1]} пуст`],
  [/^BRD (\S+) is unreadable: ([\s\S]+)$/, (m, sub) => `BRD ${m[1]} не читается: ${sub(m[2] ?? '')}`],
  [/^(review|test report) (\S+) is missing$/, (m) => `${doc(m[1])} ${m[2]} не найден`],
  [
    /^(review|test report) (\S+) is unreadable: ([\s\S]+)$/,
    (m, sub) => `${doc(m[1])} ${m[2]} не читается: ${sub(m[3] ?? '')}`,
  ],
  [
    /^review (\S+) has no verdict: ([\s\S]+)$/,
    (m, sub) => `в ревью ${m[1]} нет вердикта: ${sub(m[2] ?? '')}`,
  ],
  [
    /^test report (\S+) has no result: ([\s\S]+)$/,
    (m, sub) => `в отчёте о тестах ${m[1]} нет результата: ${sub(m[2] ?? '')}`,
  ],
  [/^(review|test report) (\S+) says (\S+) \((\S+)\)$/, (m) => `${doc(m[1])} ${m[2]}: ${m[3]} (${m[4]})`],
  [
    /^review (\S+) is (\S+) but has (\d+) P0\/P1 finding\(s\)$/,
    (m) => `ревью ${m[1]}: ${m[2]}, но есть ${plural('ru', Number(m[3]), FINDINGS)} P0/P1`,
  ],
  [/^no frontmatter$/, () => 'нет frontmatter'],
  [/^frontmatter is not closed$/, () => 'frontmatter не закрыт'],
  [/^frontmatter key "(.+)" appears twice$/, (m) => `ключ frontmatter «${m[1]}» повторяется`],
  [
    /^frontmatter has no result, verdict or status field$/,
    () => 'во frontmatter нет поля result, verdict или status',
  ],
  [/^no recognised verdict in (.+)$/, (m) => `не распознан вердикт в ${m[1]}`],
  // Reconciler reasons and its notice.
  [
    /^🔁 (\S+): ([\s\S]+) — replayed by the reconciler$/,
    (m, sub) => `🔁 ${m[1]}: ${sub(m[2] ?? '')} — восстановлено сверкой`,
  ],
  [/^CI green on (\S+) \(status lost\)$/, (m) => `CI пройден на ${m[1]} (статус потерян)`],
  [/^CI green on (\S+) \(status not applied\)$/, (m) => `CI пройден на ${m[1]} (статус не применён)`],
  [
    /^branch at (\S+) with CI green \(push and status lost\)$/,
    (m) => `ветка на ${m[1]}, CI пройден (push и статус потеряны)`,
  ],
  [
    /^CI green on (\S+), a commit no branch head was known at \(the only task in development\)$/,
    (m) =>
      `CI пройден на ${m[1]}, коммит не был известен как голова ветки (единственная задача в разработке)`,
  ],
  [
    /^tracker issue (\S+) had no task \(creation event lost\)$/,
    (m) => `у задачи трекера ${m[1]} не было задачи (событие создания потеряно)`,
  ],
  [/^no longer blocked in the tracker \("(.*)"\)$/, (m) => `больше не заблокирована в трекере («${m[1]}»)`],
  [
    /^BRD (approved|rejected) in the tracker \("(.*)"\)$/,
    (m) => `BRD ${MEANING[m[1] ?? ''] ?? m[1]} в трекере («${m[2]}»)`,
  ],
  [/^tracker error: ([\s\S]*)$/, (m) => `ошибка трекера: ${m[1]}`],
  [/^engine refused: ([\s\S]*)$/, (m, sub) => `движок отказал: ${sub(m[1] ?? '')}`],
  [/^(?:discovery )?error: ([\s\S]*)$/, (m) => `ошибка: ${m[1]}`],
  [
    /^tracker not read this pass \(call budget\); next pass$/,
    () => 'трекер не прочитан за этот проход (лимит запросов); в следующий раз',
  ],
  [
    /^issue not read this pass \(call budget\); next pass$/,
    () => 'задача трекера не прочитана за этот проход (лимит запросов); в следующий раз',
  ],
  [/^issue not found in the tracker$/, () => 'задача не найдена в трекере'],
  [/^tracker state unknown$/, () => 'состояние в трекере неизвестно'],
  [/^"(.*)" in the tracker$/, (m) => `«${m[1]}» в трекере`],
  [/^rejected in the tracker$/, () => 'отклонено в трекере'],
  [/^rejected without a reason$/, () => 'отклонено без причины'],
  // Engine refusals a command may answer with.
  [/^(.+) may not decide for (\S+)$/, (m) => `${m[1]} не может решать за ${m[2]}`],
  [/^unknown task (\S*)$/, (m) => `неизвестная задача ${m[1]}`],
  [/^(\S+) is done$/, (m) => `${m[1]} уже завершена`],
  [/^(\S+) is cancelled$/, (m) => `${m[1]} уже отменена`],
  [/^(\S+) is already being worked on$/, (m) => `${m[1]} уже в работе`],
  [/^(\S+) has no agent to retry$/, (m) => `на этапе ${m[1]} нет агента для перезапуска`],
  [/^(\S+) is not awaiting approval$/, (m) => `${m[1]} не ждёт подтверждения`],
  // The one-tap roll-back (core/engine/handlers/on-rollback.ts, ADR 0034).
  [/^roll-back to (\S+) requested by (.+)$/, (m) => `откат на ${m[1]} запрошен: ${m[2]}`],
  [/^rolled back to (\S+)$/, (m) => `откат на ${m[1]} выполнен`],
  [/^roll-back failed; production unchanged$/, () => 'откат не удался; прод не изменён'],
  [/^roll-back: production state unknown$/, () => 'откат: состояние прода неизвестно'],
  [
    /^↩️ Rolled back (\S+) \(asked by (.+?)\): production runs (\S+) again and is healthy\.$/,
    (m) => `↩️ Откат ${m[1]} выполнен (запрос: ${m[2]}): прод снова работает на ${m[3]}, проверка здоровья пройдена.`,
  ],
  [/^⚠️ Roll-back of (\S+) \(asked by (.+?)\) failed: ([\s\S]+)\.$/, (m) => `⚠️ Откат ${m[1]} (запрос: ${m[2]}) не удался: ${m[3]}.`],
  [
    /^🆘 Roll-back of (\S+) \(asked by (.+?)\) left production in an unknown state: ([\s\S]+)\. A person must check production now\.$/,
    (m) => `🆘 После отката ${m[1]} (запрос: ${m[2]}) состояние прода неизвестно: ${m[3]}. Проверьте прод сейчас.`,
  ],
];

function doc(kindOfDoc: string | undefined): string {
  return kindOfDoc === 'review' ? 'ревью' : 'отчёт о тестах';
}
