/**
 * Who is who: display names of the people the bot serves (approvers and admins), learnt from any
 * update they cause (a message, a button press, chat member info) and kept in the store's `kv`
 * table (`person:<id>`), so cards say "Alice or Bob" after a restart too. Cached in memory; a
 * store write only when a name changes. Names are shown escaped by the renderers.
 */
import { kvGet, kvPut, kvWithPrefix } from '../../core/store/kv-repo.ts';
import type { Store } from '../../core/store/store.ts';
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
  /** The names stored before start-up, loaded (the store reads asynchronously). */
  readonly ready: Promise<void>;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    /** Only these people are remembered (the ones cards name); others pass by unrecorded. */
    private readonly isKnown: (userId: number) => boolean,
  ) {
    this.ready = this.load().catch(() => undefined);
  }

  private async load(): Promise<void> {
    for (const row of await kvWithPrefix(this.store.db, PREFIX)) {
      const id = Number(row.key.slice(PREFIX.length));
      const name = (JSON.parse(row.value) as { name?: unknown }).name;
      if (Number.isSafeInteger(id) && typeof name === 'string' && !this.names.has(id)) this.names.set(id, name);
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
    await this.store.transaction(async (tx) => await kvPut(tx, key, value, at));
  }

  /** The name last seen for `userId`, or null. */
  readonly nameOf: NameOf = (userId) => {
    const known = this.names.get(userId);
    if (known !== undefined) return known;
    // Another process (or a test) may have learnt the name since start-up: look it up for next time.
    void this.storedName(userId).catch(() => undefined);
    return null;
  };

  /** The stored name of `userId` (remembered when found), or null. */
  async storedName(userId: number): Promise<string | null> {
    const value = await kvGet(this.store.db, `${PREFIX}${userId}`);
    const name = value !== null ? (JSON.parse(value) as { name?: unknown }).name : undefined;
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
