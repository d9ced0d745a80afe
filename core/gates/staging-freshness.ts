/**
 * Freshness of a staging result (design §10): leaving staging needs the validated revision to be
 * the branch head. Conveyor's own report commits touch only `docs/work-items/<ID>/`, so a head that
 * differs from the validated revision only there still counts as fresh. Fails closed: an unknown
 * head or revision is stale.
 */
import { artifactsDirOf } from '../domain/task.ts';

export type Freshness = { readonly type: 'fresh' } | { readonly type: 'stale'; readonly reason: string };

export function stagingFreshness(
  taskId: string,
  revision: string | null,
  head: string | null,
  changedSinceRevision: readonly string[],
): Freshness {
  if (!revision || !head) return { type: 'stale', reason: 'no validated revision or no branch head' };
  if (revision === head) return { type: 'fresh' };
  const dir = `${artifactsDirOf(taskId)}/`;
  const outside = changedSinceRevision.filter((path) => !path.startsWith(dir));
  if (changedSinceRevision.length > 0 && outside.length === 0) return { type: 'fresh' };
  const listed =
    outside.length > 0
      ? outside.slice(0, 5).join(', ') + (outside.length > 5 ? ', …' : '')
      : 'history rewritten';
  return {
    type: 'stale',
    reason: `head ${head.slice(0, 7)} differs from the staged ${revision.slice(0, 7)} (${listed})`,
  };
}
