/**
 * The `startOn` project field (ADR 0043): parsed and validated with the field named, checked
 * against the project's tracker, and the one rule the webhook path and the reconciler share.
 */
import { describe, expect, it } from 'vitest';
import { parseProjects } from '../../core/config/projects.ts';
import { describeStartOn, startsNow, startsOnState } from '../../core/config/start-on.ts';

const base = { id: 'SHOP', repo: 'acme/shop', cloneUrl: '/tmp/shop.git', chatId: -1001, approvers: [111], agents: { default: 'claude -p x' } };
const plane = { ...base, plane: { projectId: 'p', label: 'agent' } };
const github = { ...base, forge: 'github', github: { issues: true, label: 'agent' } };

function parse(project: Record<string, unknown>) {
  return parseProjects(JSON.stringify({ projects: [project] }), 'projects.json');
}

describe('startOn in the projects file', () => {
  it('is absent by default (start at creation), and reads "created", a Plane state and a GitHub label', () => {
    const none = parse(plane);
    expect(none.type === 'ok' && none.projects[0]!.startOn).toBeUndefined();
    expect(parse({ ...plane, startOn: 'created' })).toMatchObject({ type: 'ok', projects: [{ startOn: 'created' }] });
    expect(parse({ ...plane, startOn: { state: ' In Progress ' } })).toMatchObject({ type: 'ok', projects: [{ startOn: { state: 'In Progress' } }] });
    expect(parse({ ...github, startOn: { label: 'agent:start' } })).toMatchObject({ type: 'ok', projects: [{ startOn: { label: 'agent:start' } }] });
  });

  it.each([
    [{ ...plane, startOn: 'assigned' }, 'projects.json: projects[0].startOn: is not valid, e.g. "created", { "state": "In Progress" } (Plane) or { "label": "agent:start" } (GitHub Issues)'],
    [{ ...plane, startOn: { state: '' } }, 'projects.json: projects[0].startOn.state: is too small or empty'],
    [{ ...plane, startOn: { state: 'In Progress', label: 'x' } }, 'projects.json: projects[0].startOn: is not valid, e.g. "created"'],
    [{ ...github, startOn: { state: 'In Progress' } }, 'projects.json: projects[0].startOn.state: GitHub Issues have no workflow states; use { "label": "<label>" }'],
    [{ ...plane, startOn: { label: 'agent:start' } }, 'projects.json: projects[0].startOn.label: Plane starts by state; use { "state": "<state name>" }'],
    [{ ...base, startOn: { state: 'In Progress' } }, 'projects.json: projects[0].startOn: needs a tracker'],
  ])('a bad rule names the field: %#', (project, expected) => {
    const result = parse(project);
    expect(result.type).toBe('invalid');
    if (result.type === 'invalid') expect(result.problems.join('\n')).toContain(expected);
  });

  it('"created" fits a project without a tracker', () => {
    expect(parse({ ...base, startOn: 'created' }).type).toBe('ok');
  });
});

describe('startsNow', () => {
  it('"created" (or no rule) starts at once', () => {
    expect(startsNow(undefined, { labels: [], stateName: null })).toBe(true);
    expect(startsNow('created', { labels: [], stateName: 'Backlog' })).toBe(true);
  });

  it('a state rule waits for that state, by name without case; an unknown state does not start', () => {
    const rule = { state: 'In Progress' };
    expect(startsNow(rule, { labels: ['agent'], stateName: 'Backlog' })).toBe(false);
    expect(startsNow(rule, { labels: ['agent'], stateName: 'in progress' })).toBe(true);
    expect(startsNow(rule, { labels: ['agent'], stateName: null })).toBe(false);
    expect(startsOnState(rule)).toBe(true);
    expect(describeStartOn(rule)).toBe('the state "In Progress"');
  });

  it('a label rule waits for that label, without case', () => {
    const rule = { label: 'agent:start' };
    expect(startsNow(rule, { labels: ['agent'], stateName: 'Open' })).toBe(false);
    expect(startsNow(rule, { labels: ['agent', 'Agent:Start'], stateName: 'Open' })).toBe(true);
    expect(startsOnState(rule)).toBe(false);
    expect(startsOnState('created')).toBe(false);
  });
});
