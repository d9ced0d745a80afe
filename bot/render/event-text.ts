/**
 * Event lines, reasons and notices in the reader's language. The engine stores them as English
 * text (the card's "last:", escalation reasons, reconciler notices), which stays the canonical,
 * log-friendly form; the bot maps each known shape to its wording here (docs/adr/0029). Old rows
 * need nothing: they are the same shapes. A shape no rule knows is shown as written.
 */
import type { Locale } from '../../core/config/config.ts';
import { RU_EVENT_RULES } from './ru-event-rules.ts';

/** A whole-text pattern and its wording; `sub` renders an embedded reason by the same rules. */
export type EventRule = readonly [RegExp, (m: RegExpExecArray, sub: (text: string) => string) => string];

/** Actors are stored as `telegram:<id>:<name>`; people read the name. */
const ACTOR_PREFIX = /\btelegram:\d+:/g;

/** English needs no translation, only the tidying of a doubled default cancel reason. */
const EN_RULES: readonly EventRule[] = [[/^cancelled: cancelled by (.+)$/, (m) => `cancelled by ${m[1]}`]];

/** `text` (an event line, reason or notice written in English) in `locale`. */
export function localizeEvent(text: string, locale: Locale): string {
  const rules = locale === 'ru' ? RU_EVENT_RULES : EN_RULES;
  const apply = (s: string, depth: number): string => {
    if (depth > 4) return s;
    for (const [pattern, render] of rules) {
      const m = pattern.exec(s);
      if (m) return render(m, (inner) => apply(inner, depth + 1));
    }
    return s;
  };
  return apply(text.replace(ACTOR_PREFIX, ''), 0);
}
