/**
 * `items.map(fn)` for an asynchronous `fn`, one item at a time: calls that share one transaction
 * must not interleave (each reads what the previous one wrote), and the order stays the input's.
 */
export async function mapInOrder<T, R>(items: readonly T[], fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const [index, item] of items.entries()) out.push(await fn(item, index));
  return out;
}
