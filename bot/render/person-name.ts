/** People by name on cards and in `/queue`: the name learnt from the chat, or the id when none is known. */
import type { Locale } from '../../core/config/config.ts';
import { orList } from './plural.ts';

/** A person's display name by Telegram user id; null when the bot has not seen them yet. */
export type NameOf = (userId: number) => string | null;

/** "Alice or Bob" (each name through `esc`); an unknown person is shown by id. */
export function approverNames(
  ids: readonly number[],
  locale: Locale,
  esc: (s: string) => string,
  names?: NameOf,
): string {
  return orList(
    locale,
    ids.map((id) => esc(names?.(id) ?? String(id))),
  );
}
