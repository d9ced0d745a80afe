/**
 * `demo` prints the dashboard's URL (a signed link, as /dash gives) and, held open, serves the demo
 * world's dashboard: the link signs in and the board shows the delivered task in `done`.
 */
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../app/demo/run-demo.ts';

describe('demo dashboard', () => {
  it('prints the dashboard link and serves the board while held open', async () => {
    let output = '';
    let board = '';
    let status = 0;
    const result = await runDemo({
      timeoutMs: 120_000,
      write: (t) => void (output += t),
      env: { PATH: process.env.PATH },
      holdOpen: async () => {
        const link = /dashboard: +(http:\/\/\S+\/app\/link\?t=\S+)/.exec(output)?.[1] ?? '';
        const signIn = await fetch(link, { redirect: 'manual' });
        status = signIn.status;
        const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
        board = await (await fetch(new URL('/app/board', link), { headers: { cookie } })).text();
      },
    });
    expect(result.ok, output).toBe(true);
    expect(status).toBe(303);
    expect(board).toMatch(/data-stage="done"[\s\S]*data-task="SHOP-\d+"/);
    expect(output).toContain('The dashboard stays open at');
  }, 180_000);
});
