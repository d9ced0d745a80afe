/**
 * The webhook side of Conveyor in a child process, for tests/fault/webhook-*.test.ts: the composed
 * app (createApp) on a real SQLite file with the fixtures' project, its listener served on
 * 127.0.0.1 (an ephemeral port), and the inbox processor — or, with LP_PROCESSOR=off, without the
 * processor, so deliveries are acknowledged and stored but not yet processed when a test kills it.
 *
 * Run with `node --import tsx tests/support/listener-process.ts` from the repository root.
 * Settings (environment): LP_DB_PATH (SQLite file), LP_WORKDIR, LP_PROCESSOR (on | off, default on).
 * Both webhook secrets are `test-secret`. stdout gets `ready <port>` once listening and `stopped`
 * after SIGTERM (listener closed, app stopped; exit 0).
 */
import { serveListener } from '../../adapters/http/serve.ts';
import { createApp } from '../../app/compose.ts';
import { buildListener } from '../../app/integrations.ts';
import { loadConfig } from '../../core/config/config.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import { fixtureProject } from '../inbound/inbound-harness.ts';
import { sqliteApp } from './sqlite-app.ts';

const env = process.env;
const required = (name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`listener-process: ${name} is required`);
  return value;
};

async function main(): Promise<void> {
  const config = loadConfig({
    ORCH_DB_PATH: required('LP_DB_PATH'),
    ORCH_WORKDIR: required('LP_WORKDIR'),
    ORCH_RECONCILE_ENABLED: 'false',
    GITEA_WEBHOOK_SECRET: 'test-secret',
    PLANE_WEBHOOK_SECRET: 'test-secret',
    ORCH_LOG_LEVEL: 'silent',
  });
  const app = sqliteApp(await createApp({
    config,
    projects: [fixtureProject()],
    logger: silentLogger,
    env: {},
    notifier: () => ({ deliver: async () => undefined }),
    pollMs: 50,
  }));
  const listener = await serveListener(buildListener({ app, config, logger: silentLogger }), {
    host: '127.0.0.1',
    port: 0,
  });
  // Workers stay off: the test is about the inbox, and the fixture project has no real repository.
  if (env.LP_PROCESSOR !== 'off') app.inbox.start();
  process.stdout.write(`ready ${listener.port}\n`);
  process.once('SIGTERM', () => {
    void (async () => {
      await listener.close();
      await app.stop(1000);
      process.stdout.write('stopped\n');
      process.exit(0);
    })();
  });
}

await main();
