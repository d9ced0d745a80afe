/**
 * `execScript` reads the exit code only once the engine reports one. Right after `exec.start` a
 * loaded engine may answer `Running: false` with no `ExitCode` (the process has not started):
 * reading that as a failure failed a passing staging check whose output was complete (seen in a
 * CI rehearsal). The engine here is a stand-in for the three calls execScript makes.
 */
import { PassThrough, type Writable } from 'node:stream';
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { execScript } from '../../../adapters/docker/exec.ts';

type Inspect = { Running: boolean; ExitCode: number | null };

function engine(inspections: Inspect[], output: string): Docker {
  const stream = new PassThrough();
  let calls = 0;
  const exec = {
    start: () => {
      setTimeout(() => stream.end(output), 5);
      return Promise.resolve(stream);
    },
    inspect: () => Promise.resolve(inspections[Math.min(calls++, inspections.length - 1)]),
  };
  return {
    getContainer: () => ({ exec: () => Promise.resolve(exec) }),
    modem: { demuxStream: (source: PassThrough, stdout: Writable) => source.on('data', (chunk: Buffer) => stdout.write(chunk)) },
  } as unknown as Docker;
}

describe('execScript exit codes', () => {
  it('waits past "not running, no exit code yet" for the real exit code', async () => {
    const docker = engine([{ Running: false, ExitCode: null }, { Running: true, ExitCode: null }, { Running: false, ExitCode: 0 }], '4242\npong\n');
    const result = await execScript(docker, 'c', 'true', 10_000);
    expect(result).toMatchObject({ exitCode: 0, output: 'pong\n', timedOut: false });
  });

  it('an exec whose output ended but that never reports a code counts as failed, not as hung', async () => {
    const docker = engine([{ Running: false, ExitCode: null }], '4242\n');
    const result = await execScript(docker, 'c', 'true', 30_000);
    expect(result).toMatchObject({ exitCode: -1, timedOut: false });
    expect(result.durationMs).toBeLessThan(10_000);
  });
});
