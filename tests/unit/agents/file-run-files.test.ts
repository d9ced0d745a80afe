import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileRunFiles, builtInPromptFile } from '../../../adapters/agents/file-run-files.ts';
import { ROLES } from '../../../core/domain/stage.ts';
import { PermanentError } from '../../../core/errors.ts';

describe('FileRunFiles', () => {
  let dir: string;
  let files: FileRunFiles;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'conveyor-runfiles-'));
    files = new FileRunFiles({ workdir: path.join(dir, 'work') });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("prefers the project's prompt dir and falls back to the built-in prompt per role", async () => {
    const promptDir = path.join(dir, 'prompts');
    await mkdir(promptDir);
    await writeFile(path.join(promptDir, 'developer.md'), 'project developer prompt');
    const developer = await files.promptFile('SHOP', 'developer', promptDir);
    expect(developer).toBe(path.join(promptDir, 'developer.md'));
    expect(await readFile(developer, 'utf8')).toBe('project developer prompt');

    const reviewer = await files.promptFile('SHOP', 'reviewer', promptDir);
    expect(reviewer).toBe(builtInPromptFile('reviewer'));
    expect(path.isAbsolute(reviewer)).toBe(true);
    expect(await readFile(reviewer, 'utf8')).toContain('12-review.md');
    expect(await files.promptFile('SHOP', 'analyst', undefined)).toBe(builtInPromptFile('analyst'));
  });

  it('resolves a relative prompt dir to an absolute path', async () => {
    const relative = path.relative(process.cwd(), path.join(dir, 'rel-prompts'));
    await mkdir(relative);
    await writeFile(path.join(relative, 'tester.md'), 'custom tester');
    const tester = await files.promptFile('SHOP', 'tester', relative);
    expect(tester).toBe(path.join(dir, 'rel-prompts', 'tester.md'));
  });

  it('ships a built-in prompt for every role that names what the gate reads', async () => {
    const expectations = {
      analyst: ['$ORCH_ARTIFACTS_DIR/01-brd.md'],
      developer: ['must-fix', '$ORCH_TASK_FILE', 'need not commit'],
      reviewer: ['$ORCH_ARTIFACTS_DIR/12-review.md', 'verdict: APPROVE', 'REQUEST_CHANGES', '## Findings', 'P0:', 'P1:', 'P2:'],
      tester: ['$ORCH_ARTIFACTS_DIR/13-test-report.md', 'result: FAIL', '`PASS`'],
    } as const;
    for (const role of ROLES) {
      const text = await readFile(builtInPromptFile(role), 'utf8');
      for (const phrase of expectations[role]) expect(text, `${role} prompt`).toContain(phrase);
    }
  });

  it('writes task files under runs/<task>/<role>-<attempt>.task.md, replacing an earlier one', async () => {
    const file = await files.writeTaskFile('SHOP-42', 'developer', 2, '# SHOP-42\nfirst');
    expect(file).toBe(path.join(dir, 'work', 'runs', 'SHOP-42', 'developer-2.task.md'));
    await files.writeTaskFile('SHOP-42', 'developer', 2, '# SHOP-42\nsecond');
    expect(await readFile(file, 'utf8')).toBe('# SHOP-42\nsecond');
    expect(await readdir(path.dirname(file))).toEqual(['developer-2.task.md']);
  });

  it('names log files under logs/<task>/<role>-<attempt>.log and refuses unsafe ids', async () => {
    expect(files.logFile('SHOP-42', 'tester', 1)).toBe(path.join(dir, 'work', 'logs', 'SHOP-42', 'tester-1.log'));
    expect(() => files.logFile('../escape', 'tester', 1)).toThrow(PermanentError);
    expect(() => files.logFile('SHOP-1', 'tester', 0)).toThrow(PermanentError);
    await expect(files.writeTaskFile('a/b', 'analyst', 1, 'x')).rejects.toBeInstanceOf(PermanentError);
  });
});
