/**
 * `conveyor doctor`'s database check on PostgreSQL (ORCH_DATABASE_URL): reachable with the URL's
 * credentials, and how many committed migrations are applied (`conveyor migrate` or `start`
 * applies the rest). Read-only; the URL is shown without its password.
 */
import { probePostgres } from '../adapters/store-postgres/pg-probe.ts';
import { databaseUrlPassword, redactDatabaseUrl } from '../core/config/database-url.ts';
import type { DoctorCheck } from './doctor.ts';

export async function checkPostgres(url: string): Promise<DoctorCheck> {
  const where = redactDatabaseUrl(url);
  const probe = await probePostgres(url);
  if (probe.type === 'unreachable') {
    const password = databaseUrlPassword(url);
    const reason = password === null ? probe.reason : probe.reason.split(password).join('***');
    return { name: 'database', problems: [`ORCH_DATABASE_URL: cannot reach ${where} (${reason})`] };
  }
  const notes = [`PostgreSQL ${probe.server} at ${where}`];
  if (probe.applied >= probe.committed) return { name: 'database', problems: [], notes: [...notes, `${probe.applied} migration(s) applied`] };
  return {
    name: 'database',
    problems: [],
    notes: [...notes, `${probe.applied} of ${probe.committed} migration(s) applied: \`conveyor migrate\` or \`conveyor start\` applies the rest`],
  };
}
