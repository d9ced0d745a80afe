/** The transition log on the portable drizzle subset (see portable-db.ts). */
import { desc, eq } from 'drizzle-orm';
import type { TransitionReads, TransitionWrites } from '../../core/store/transition-log.ts';
import { first, type PortableDb, type Tables } from './portable-db.ts';

export function sqlTransitionReads(db: PortableDb, { transitions }: Tables): TransitionReads {
  return {
    async hasEventKey(key) {
      const rows = await db.select({ id: transitions.id }).from(transitions).where(eq(transitions.eventKey, key)).limit(1);
      return rows.length > 0;
    },
    async ofTask(taskId) {
      return await db.select().from(transitions).where(eq(transitions.taskId, taskId)).orderBy(transitions.id);
    },
    async last(taskId) {
      return first(await db.select().from(transitions).where(eq(transitions.taskId, taskId)).orderBy(desc(transitions.id)).limit(1));
    },
  };
}

export function sqlTransitionWrites(db: PortableDb, { transitions }: Tables): TransitionWrites {
  return {
    async append(row) {
      await db.insert(transitions).values(row);
    },
  };
}
