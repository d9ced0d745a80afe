/**
 * "core has no vendor payload types" (issue 13, ADR 0044), checked on the source: no type, class,
 * function or constant in core/ is named after a vendor (Plane, Gitea, GitHub), no core module
 * reads fields out of a delivery body (the payload readers are used by the adapters' mappers
 * only), and no vendor payload key or header appears in core. The lint rule already keeps core
 * from importing an adapter.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const CORE = join(ROOT, 'core');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const files = sources(CORE).map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') }));

function hits(pattern: RegExp, skip: readonly string[] = []): string[] {
  return files.filter((f) => !skip.includes(f.path)).flatMap((f) => [...f.text.matchAll(pattern)].map((m) => `${f.path}: ${m[0]}`));
}

describe('core speaks no vendor payload', () => {
  it('reads core sources (the check is not vacuous)', () => {
    expect(files.some((f) => f.path === 'core/inbound/inbox-processor.ts')).toBe(true);
    expect(files.length).toBeGreaterThan(100);
  });

  it('declares nothing named after a vendor', () => {
    expect(hits(/\b(?:type|interface|class|enum|function|const|let)\s+(?:Plane|Gitea|Git[Hh]ub|PLANE|GITEA|GITHUB|map(?:Plane|Gitea|Github)|normalizePlane)\w*/g)).toEqual([]);
  });

  it('reads no delivery body field (only the adapters’ mappers do)', () => {
    expect(hits(/\b(?:stringField|textField|numberField|objectField|arrayField|asObject)\(/g, ['core/inbound/payload-fields.ts'])).toEqual([]);
  });

  it('names no vendor payload key or webhook header', () => {
    const keys = /['"`](?:description_html|sequence_id|previous_attributes|workspace_id|state_id|label_ids|full_name|head_commit|check_run|check_suite|pull_request|merge_commit_sha|html_url|x-(?:gitea|github|plane|hub)-[\w-]+)['"`]/gi;
    expect(hits(keys)).toEqual([]);
  });
});
