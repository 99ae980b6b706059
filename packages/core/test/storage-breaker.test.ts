import { describe, expect, it } from 'vitest';
import { LithopsError } from '../src/errors.js';
import { CircuitBreaker, CircuitOpenError, isConnectionFailure } from '../src/storage/circuit-breaker.js';
import { StorageCalls } from '../src/storage/storage-calls.js';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
const notFound = () => Object.assign(new Error('Not Found'), { $metadata: { httpStatusCode: 404 } });

describe('isConnectionFailure', () => {
  it('is true for refused, reset and timed-out requests, false for any answer', () => {
    expect(isConnectionFailure(refused())).toBe(true);
    expect(isConnectionFailure(Object.assign(new Error('x'), { name: 'TimeoutError' }))).toBe(true);
    expect(isConnectionFailure(new Error('wrapped', { cause: refused() }))).toBe(true);
    expect(isConnectionFailure(notFound())).toBe(false);
    expect(isConnectionFailure(Object.assign(new Error('denied'), { statusCode: 403 }))).toBe(false);
    expect(isConnectionFailure(new LithopsError('NOT_FOUND', 'gone'))).toBe(false);
  });
});

describe('CircuitBreaker', () => {
  it('opens after K connection failures in a row and fails calls at once during the cool-down', async () => {
    const breaker = new CircuitBreaker({ failures: 3, coolDownMs: 60_000, minStreakMs: 0 });
    let sent = 0;
    const down = () =>
      breaker.call(async () => {
        sent++;
        return Promise.reject(refused());
      });
    for (let i = 0; i < 3; i++) await expect(down()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const open = await breaker
      .call(async () => {
        sent++;
        return 'answer';
      })
      .catch((e) => e);
    expect(open).toBeInstanceOf(CircuitOpenError);
    expect(open.message).toMatch(
      /last 3 requests failed to connect \(ECONNREFUSED\); the next one goes out in (59\.\d|60) s/,
    );
    expect(sent, 'requests sent while open').toBe(3);
  });

  it('after the cool-down lets one probe through: others fail at once until it succeeds, then it is closed', async () => {
    const breaker = new CircuitBreaker({ failures: 2, coolDownMs: 0, minStreakMs: 0 });
    for (let i = 0; i < 2; i++) await breaker.call(() => Promise.reject(refused())).catch(() => {});
    let release!: (v: string) => void;
    const probe = breaker.call(() => new Promise<string>((r) => (release = r)));
    await expect(breaker.call(async () => 'other')).rejects.toBeInstanceOf(CircuitOpenError);
    release('ok');
    expect(await probe).toBe('ok');
    expect(await breaker.call(async () => 'closed')).toBe('closed');
  });

  it('a probe that fails to connect opens it again', async () => {
    const breaker = new CircuitBreaker({ failures: 2, coolDownMs: 0, minStreakMs: 0 });
    for (let i = 0; i < 3; i++) await breaker.call(() => Promise.reject(refused())).catch(() => {});
    let sent = 0;
    const probe = breaker.call(async () => {
      sent++;
      return Promise.reject(refused());
    });
    await expect(breaker.call(async () => 'while probing')).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(probe).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(sent).toBe(1);
  });

  it('a burst of failures shorter than minStreakMs does not open it', async () => {
    const breaker = new CircuitBreaker({ failures: 3, coolDownMs: 60_000, minStreakMs: 60_000 });
    const burst = Array.from({ length: 10 }, () => breaker.call(() => Promise.reject(refused())));
    for (const b of burst) await expect(b).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await breaker.call(async () => 'still sent')).toBe('still sent');
  });

  it('does not count answers: a 404 between failures resets the count', async () => {
    const breaker = new CircuitBreaker({ failures: 2, coolDownMs: 60_000, minStreakMs: 0 });
    await expect(breaker.call(() => Promise.reject(refused()))).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    await expect(breaker.call(() => Promise.reject(notFound()))).rejects.toMatchObject({
      message: 'Not Found',
    });
    await expect(breaker.call(() => Promise.reject(refused()))).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    expect(await breaker.call(async () => 'still closed')).toBe('still closed');
  });
});

describe('StorageCalls with a breaker', () => {
  it('a call against a dead endpoint stops retrying once the breaker opens; the next fails at once as UNAVAILABLE', async () => {
    const calls = new StorageCalls({
      backend: 'test_store',
      endpoint: 'http://127.0.0.1:1',
      retry: { retries: 10, baseMs: 1, maxMs: 1 },
      breaker: { failures: 4, coolDownMs: 60_000, minStreakMs: 0 },
      classify: () => 'unavailable',
    });
    let sent = 0;
    const op = { op: 'headObject', bucket: 'b', key: 'k' };
    const first = await calls
      .run(op, async () => {
        sent++;
        return Promise.reject(refused());
      })
      .catch((e) => e);
    expect(first).toMatchObject({ code: 'UNAVAILABLE', backend: 'test_store' });
    expect(sent, 'attempts before the breaker opened').toBe(4);
    const next = await calls
      .run(op, async () => {
        sent++;
        return 'answer';
      })
      .catch((e) => e);
    expect(next).toMatchObject({ code: 'UNAVAILABLE', backend: 'test_store' });
    expect((next as Error).message).toContain('http://127.0.0.1:1');
    expect((next as Error).message).toContain('the last 4 requests failed to connect');
    expect(sent, 'nothing sent while open').toBe(4);
  });
});
