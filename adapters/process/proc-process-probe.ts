/**
 * The ProcessProbe on Linux's /proc: a pid names the same process only while its start time
 * (stat field 22) and the boot id match, so a pid reused after a crash is not taken for it.
 */
import { hostname } from 'node:os';
import type { Liveness, ProcessIdentity, ProcessProbe } from '../../core/ports/process-probe.ts';
import { readBootId, readProcessStatSync } from '../agents/process-table.ts';

export const procProcessProbe: ProcessProbe = {
  self(): ProcessIdentity {
    return {
      host: hostname(),
      pid: process.pid,
      processStart: readProcessStatSync(process.pid)?.startTime ?? null,
      bootId: readBootId(),
    };
  },
  liveness(other: ProcessIdentity): Liveness {
    if (other.host !== hostname()) return 'unknown';
    const bootId = readBootId();
    if (bootId === null || other.bootId === null || other.processStart === null) return 'unknown';
    // The host rebooted since: nothing of that boot runs.
    if (other.bootId !== bootId) return 'gone';
    const stat = readProcessStatSync(other.pid);
    if (stat === null || stat.state === 'Z' || stat.startTime !== other.processStart) return 'gone';
    return 'alive';
  },
};
