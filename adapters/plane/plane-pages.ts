/**
 * Plane's cursor pagination (`?per_page=N&cursor=<per_page>:<page>:<is_prev>`). `next_cursor` is
 * always set, even on the last page, so the walk follows it only while `next_page_results` is true.
 */
import type { HttpClient } from '../http-client/http-client.ts';
import { readPage } from './plane-wire.ts';

/** Yields every result of every page of the list at `path`, fetching a page only when needed. */
export async function* cursorPages(
  http: HttpClient,
  operation: string,
  path: string,
  perPage: number,
): AsyncGenerator<unknown> {
  let cursor: string | undefined;
  const seen = new Set<string>();
  for (;;) {
    const response = await http.expect(
      operation,
      { method: 'GET', path, query: { per_page: perPage, cursor } },
      [200],
    );
    const page = readPage(response.body);
    if (!page) throw http.unexpected(operation, 'no results list');
    yield* page.results;
    if (!page.hasNext) return;
    // A server that keeps saying "more" with a cursor already followed would loop forever.
    if (!page.nextCursor || seen.has(page.nextCursor)) {
      throw http.unexpected(
        operation,
        `next_page_results without a new next_cursor (${page.nextCursor ?? 'none'})`,
      );
    }
    seen.add(page.nextCursor);
    cursor = page.nextCursor;
  }
}
