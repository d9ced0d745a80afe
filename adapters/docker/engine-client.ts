/**
 * The dockerode client for one engine address. `DOCKER_HOST` is read by the caller (config), never
 * here: `unix:///path/docker.sock`, `tcp://host:port` or `http://host:port`; absent means the local
 * socket `/var/run/docker.sock`.
 */
import Docker from 'dockerode';
import { ConfigError } from '../../core/errors.ts';

/** The engine address used when none is configured. */
export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

/** A dockerode client talking to `dockerHost` (a `DOCKER_HOST` value); ConfigError for another form. */
export function engineClient(dockerHost: string | undefined): Docker {
  const host = dockerHost?.trim() || DEFAULT_DOCKER_HOST;
  if (host.startsWith('unix://')) return new Docker({ socketPath: host.slice('unix://'.length) });
  if (host.startsWith('/')) return new Docker({ socketPath: host });
  const match = /^(tcp|http|https):\/\/([^:/]+|\[[^\]]+\]):(\d+)\/?$/.exec(host);
  if (!match) throw new ConfigError(['DOCKER_HOST must be unix:///path, tcp://host:port or http(s)://host:port (got a value of another form)']);
  const [, scheme, hostname, port] = match as unknown as [string, string, string, string];
  return new Docker({ protocol: scheme === 'https' ? 'https' : 'http', host: hostname, port: Number(port) });
}

/** A short, secret-free description of the engine address for messages (`unix:///run/docker.sock`). */
export function describeHost(dockerHost: string | undefined): string {
  const host = dockerHost?.trim() || DEFAULT_DOCKER_HOST;
  return host.replace(/\/\/[^@/]*@/, '//');
}
