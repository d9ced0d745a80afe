/**
 * How the Plane stand-in answers, shaped like Django REST Framework behind Plane's views: compact
 * Python-style JSON with Django's security headers, `{"detail"}` for framework errors,
 * `{"error"}` for Plane's own, and the offset paginator's envelope for lists.
 */
import type { Context } from 'hono';
import { cursorPage } from './plane-standin-json.ts';
import type { StandinProject, StandinWorkItem } from './plane-standin-model.ts';
import type { PlaneStandinState } from './plane-standin-state.ts';
import { pythonJson } from './python-json.ts';

const SECURITY_HEADERS = {
  Vary: 'Accept',
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Response helpers bound to one stand-in's state and workspace slug. */
export class PlaneResponder {
  constructor(
    readonly state: PlaneStandinState,
    readonly workspace: string,
  ) {}

  /** A JSON answer as DRF renders it. */
  json<C extends Context>(c: C, status: number, body: unknown): Response {
    return c.body(pythonJson(body, 'drf'), status as 200, {
      'Content-Type': 'application/json',
      ...SECURITY_HEADERS,
    });
  }

  /** A DRF framework error (`{"detail": …}`). */
  detail<C extends Context>(c: C, status: number, text: string): Response {
    return this.json(c, status, { detail: text });
  }

  /** Plane's answer for an object that does not exist (`ObjectDoesNotExist` in its base view). */
  missing<C extends Context>(c: C): Response {
    return this.json(c, 404, { error: 'The requested resource does not exist.' });
  }

  /** ProjectEntityPermission refusing a workspace or project the key's user is not a member of. */
  denied<C extends Context>(c: C): Response {
    return this.detail(c, 403, 'You do not have permission to perform this action.');
  }

  /** The project of the `:slug/:pid` path params, if the workspace matches and it exists. */
  project<C extends Context>(c: C): StandinProject | undefined {
    if (c.req.param('slug') !== this.workspace) return undefined;
    return this.state.projects.get(c.req.param('pid') ?? '');
  }

  /** The work item of the `:pid/:id` path params, if it belongs to that project. */
  item<C extends Context>(c: C): StandinWorkItem | undefined {
    const item = this.state.items.get(c.req.param('id') ?? '');
    return item && item.projectId === c.req.param('pid') ? item : undefined;
  }

  /** One page of `all` per the `per_page`/`cursor` query, or DRF's 400 for a bad one. */
  page<C extends Context>(c: C, all: readonly unknown[]): Response {
    const result = cursorPage(all, c.req.query('per_page'), c.req.query('cursor'));
    return 'error' in result ? this.detail(c, 400, String(result.error)) : this.json(c, 200, result);
  }

  /** The JSON object body, or null when it is not one. */
  async body<C extends Context>(c: C): Promise<Record<string, unknown> | null> {
    const body: unknown = await c.req.json().catch(() => null);
    return body !== null && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : null;
  }
}
