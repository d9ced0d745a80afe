import { describe, expect, it } from 'vitest';
import { engineClient } from '../../../adapters/docker/engine-client.ts';
import { engineFailure } from '../../../adapters/docker/engine-errors.ts';
import { PermanentError, RetryableError } from '../../../core/errors.ts';

const httpError = (statusCode: number, message: string) => Object.assign(new Error(`(HTTP code ${statusCode}) - ${message}`), { statusCode, json: { message } });

describe('engine error translation', () => {
  it('retries an unreachable engine and a 5xx; a 4xx is permanent; the message says what was being done', () => {
    const refused = engineFailure('building conveyor/shop:1', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    expect(refused).toBeInstanceOf(RetryableError);
    expect(refused.message).toBe('building conveyor/shop:1: Docker engine unreachable (connect ECONNREFUSED)');
    const busy = engineFailure('starting container x', httpError(500, 'driver failed'));
    expect(busy).toBeInstanceOf(RetryableError);
    expect(busy.message).toBe('starting container x: driver failed');
    const conflict = engineFailure('creating container x', httpError(409, 'Conflict. The container name "/x" is already in use'));
    expect(conflict).toBeInstanceOf(PermanentError);
    expect(conflict.message).toMatch(/^creating container x: Conflict/);
  });
});

describe('engine address', () => {
  it('accepts unix sockets and tcp/http addresses, and names the variable for anything else', () => {
    expect((engineClient('unix:///run/docker.sock').modem as unknown as { socketPath: string }).socketPath).toBe('/run/docker.sock');
    expect((engineClient(undefined).modem as unknown as { socketPath: string }).socketPath).toBe('/var/run/docker.sock');
    expect(engineClient('tcp://10.0.0.5:2375').modem).toMatchObject({ host: '10.0.0.5', port: 2375, protocol: 'http' });
    expect(() => engineClient('ssh://user@host')).toThrow(/DOCKER_HOST must be/);
  });
});
