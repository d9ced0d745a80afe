/**
 * Static files of the dashboard, read once at start: its own script and styles (public/), and
 * uPlot's build from node_modules (a dependency, so it is in the package and the Docker image;
 * nothing is fetched from the internet).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';

const require = createRequire(import.meta.url);

const FILES: Readonly<Record<string, { path: string; type: string }>> = {
  'dashboard.js': { path: new URL('./public/dashboard.js', import.meta.url).pathname, type: 'text/javascript; charset=utf-8' },
  'dashboard.css': { path: new URL('./public/dashboard.css', import.meta.url).pathname, type: 'text/css; charset=utf-8' },
  'uplot.js': { path: require.resolve('uplot/dist/uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  'uplot.css': { path: require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

export function assetRoutes(): Hono {
  const loaded = new Map(Object.entries(FILES).map(([name, file]) => [name, { body: readFileSync(file.path), type: file.type }]));
  const app = new Hono();
  app.get('/:name', (c) => {
    const file = loaded.get(c.req.param('name'));
    if (!file) return c.json({ error: 'not found' }, 404);
    return c.body(new Uint8Array(file.body), 200, { 'content-type': file.type, 'cache-control': 'public, max-age=300' });
  });
  return app;
}
