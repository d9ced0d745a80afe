/** Serving the listener app on a real socket with @hono/node-server. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { PermanentError, describeError } from '../../core/errors.ts';

/** A listening server. */
export interface RunningListener {
  /** The bound port (useful with port 0). */
  readonly port: number;
  /** Stop accepting, close idle keep-alive connections, and wait for in-flight requests. */
  close(): Promise<void>;
}

/** Listen on `host:port` (port 0 picks a free one); resolves once the socket is bound. */
export function serveListener(app: Hono, options: { host: string; port: number }): Promise<RunningListener> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: options.host, port: options.port }) as Server;
    const onError = (error: unknown): void => {
      reject(new PermanentError(`starting the listener on ${options.host}:${options.port}: ${describeError(error)}`));
    };
    server.once('error', onError);
    server.once('listening', () => {
      server.off('error', onError);
      const { port } = server.address() as AddressInfo;
      resolve({ port, close: () => closeServer(server) });
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(new PermanentError(`stopping the listener: ${describeError(error)}`)) : resolve()));
    server.closeIdleConnections();
  });
}
