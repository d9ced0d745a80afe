/**
 * Who is who: display names of the people the bot serves (approvers and admins), learnt from any
 * update they cause (a message, a button press, chat member info) and kept in the store's `kv`
 * table (`person:<id>`), so cards say "Alice or Bob" after a restart too. Cached in memory; a
 * store write only when a name changes. Names are shown escaped by the renderers.
 */
import { eq, like } from 'drizzle-orm';
import type { Store } from '../../core/store/database.ts';
import { kv } from '../../core/store/schema.ts';
import type { NameOf } from '../render/person-name.ts';

/** The parts of a Telegram user a name is made of. */
export interface PersonSeen {
  readonly id: number;
  readonly first_name: string;
  readonly last_name?: string;
  readonly username?: string;
  readonly is_bot?: boolean;
}

const PREFIX = 'person:';
/** Telegram caps a first plus last name at 64 + 64 characters; a card line stays short. */
const MAX_NAME = 64;

export class PeopleDirectory {
  private readonly names = new Map<number, string>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    /** Only these people are remembered (the ones cards name); others pass by unrecorded. */
    private readonly isKnown: (userId: number) => boolean,
  ) {
    for (const row of store.db
      .select()
      .from(kv)
      .where(like(kv.key, `${PREFIX}%`))
      .all()) {
      const id = Number(row.key.slice(PREFIX.length));
      const name = (JSON.parse(row.value) as { name?: unknown }).name;
      if (Number.isSafeInteger(id) && typeof name === 'string') this.names.set(id, name);
    }
  }

  /** Record `user`'s current name (a no-op when unchanged, a bot, or not someone the bot serves). */
  async remember(user: PersonSeen | undefined): Promise<void> {
    if (!user || user.is_bot || !this.isKnown(user.id)) return;
    const name = displayName(user);
    if (!name || this.names.get(user.id) === name) return;
    this.names.set(user.id, name);
    const key = `${PREFIX}${user.id}`;
    const value = JSON.stringify({ name });
    const at = this.now();
    await this.store.transaction(async (tx) => {
      tx.db
        .insert(kv)
        .values({ key, value, updatedAt: at })
        .onConflictDoUpdate({ target: kv.key, set: { value, updatedAt: at } })
        .run();
    });
  }

  /** The name last seen for `userId`, or null. */
  readonly nameOf: NameOf = (userId) => this.names.get(userId) ?? this.storedName(userId);

  private storedName(userId: number): string | null {
    // Another process (or a test) may have learnt the name since start-up.
    const row = this.store.db
      .select()
      .from(kv)
      .where(eq(kv.key, `${PREFIX}${userId}`))
      .get();
    const name = row ? (JSON.parse(row.value) as { name?: unknown }).name : undefined;
    if (typeof name !== 'string') return null;
    this.names.set(userId, name);
    return name;
  }
}

/** "Alice Smith", else "@alice"; control characters and runs of spaces folded. */
export function displayName(user: PersonSeen): string {
  const full = [user.first_name, user.last_name].filter(Boolean).join(' ');
  const cleaned = full
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  const name = cleaned || (user.username ? `@${user.username}` : '');
  return name.length > MAX_NAME ? `${name.slice(0, MAX_NAME - 1)}…` : name;
}
