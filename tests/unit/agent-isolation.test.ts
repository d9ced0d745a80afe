/** What start and doctor say about agent isolation: refusing a runner user without the right, warning when agents run as Conveyor. */
import { describe, expect, it } from 'vitest';
import { canSwitchUser, isolationProblems, isolationWarnings } from '../../app/agent-isolation.ts';
import { parseProjects, type ProjectConfig } from '../../core/config/projects.ts';

function projects(...runners: unknown[]): readonly ProjectConfig[] {
  const parsed = parseProjects(
    JSON.stringify({
      projects: runners.map((agentRunner, i) => ({
        id: `P${i}`,
        repo: `acme/p${i}`,
        cloneUrl: '/tmp/x.git',
        chatId: -1,
        approvers: [1],
        agents: { default: 'true' },
        ...(agentRunner === undefined ? {} : { agentRunner }),
      })),
    }),
    'test',
  );
  if (parsed.type !== 'ok') throw new Error(parsed.problems.join('\n'));
  return parsed.projects;
}

const status = (capEff: string) => `Name:\tnode\nUid:\t1000\t1000\t1000\t1000\nCapEff:\t${capEff}\n`;

describe('agent isolation at start and in doctor', () => {
  it('reads CAP_SETUID, CAP_SETGID and CAP_CHOWN from CapEff', () => {
    expect(canSwitchUser(status('000001fffeffffff'))).toBe(true); // root
    expect(canSwitchUser(status('00000000000000c1'))).toBe(true); // chown, setgid, setuid
    expect(canSwitchUser(status('0000000000000080'))).toBe(false); // setuid alone
    expect(canSwitchUser(status('0000000000000000'))).toBe(false);
  });

  it('refuses a process runner user it cannot switch to, naming the field', () => {
    const list = projects(undefined, { type: 'process', user: '1001:1001' });
    expect(isolationProblems(list, true)).toEqual([]);
    const problems = isolationProblems(list, false);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^projects\[1\]\.agentRunner\.user: running agents as 1001:1001 needs root or CAP_SETUID/);
  });

  it('warns for each project whose agents run as Conveyor, and only for those', () => {
    const warnings = isolationWarnings(projects(undefined, { type: 'process', user: '1001:1001' }, { type: 'container', image: 'agent:1' }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("agents of project P0 run as Conveyor's own user and can read its secrets");
    expect(warnings[0]).toContain('"user": "uid:gid"');
  });
});
