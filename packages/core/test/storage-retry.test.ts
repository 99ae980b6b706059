import { describe, expect, it } from 'vitest';
import { LithopsError } from '../src/errors.js';
import { backoffDelay, isTransientError, withRetries } from '../src/util/retry.js';

const errno = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('isTransientError', () => {
  it('retries connection failures, 5xx, 408/429 and throttling', () => {
    for (const e of [
      errno('ECONNRESET'),
      errno('ETIMEDOUT'),
      errno('ECONNREFUSED'),
      new Error('socket hang up'),
      { $metadata: { httpStatusCode: 503 }, name: 'ServiceUnavailable' },
      { $metadata: { httpStatusCode: 500 }, name: 'InternalError' },
      { statusCode: 429, code: 'TooManyRequests' },
      { name: 'SlowDown' },
      { code: 'ThrottlingException' },
      new LithopsError('UNAVAILABLE', 'down'),
      new Error('wrapped', { cause: errno('ECONNRESET') }),
    ]) {
      expect(isTransientError(e), JSON.stringify(e)).toBe(true);
    }
  });

  it('does not retry client errors, missing objects, denials or aborts', () => {
    for (const e of [
      { $metadata: { httpStatusCode: 404 }, name: 'NoSuchKey' },
      { $metadata: { httpStatusCode: 403 }, name: 'AccessDenied', message: 'timed out? no: denied' },
      { statusCode: 400, code: 'InvalidArgument' },
      new LithopsError('NOT_FOUND', 'gone', { cause: errno('ECONNRESET') }),
      Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }),
      new Error('plain bug'),
      'a string',
      undefined,
    ]) {
      expect(isTransientError(e), String(e)).toBe(false);
    }
  });
});

describe('withRetries', () => {
  it('returns the first success and passes the attempt number', async () => {
    const seen: number[] = [];
    const v = await withRetries(
      async (n) => {
        seen.push(n);
        if (n < 2) throw errno('ECONNRESET');
        return 'ok';
      },
      { baseMs: 1 },
    );
    expect(v).toBe('ok');
    expect(seen).toEqual([0, 1, 2]);
  });

  it('gives up after `retries` and throws the last error unchanged', async () => {
    let calls = 0;
    const last = errno('ETIMEDOUT');
    await expect(
      withRetries(
        async () => {
          calls++;
          throw calls === 4 ? last : errno('ECONNRESET');
        },
        { retries: 3, baseMs: 1 },
      ),
    ).rejects.toBe(last);
    expect(calls).toBe(4);
  });

  it('does not retry what is not retryable', async () => {
    let calls = 0;
    await expect(
      withRetries(async () => {
        calls++;
        throw new Error('bug');
      }),
    ).rejects.toThrow('bug');
    expect(calls).toBe(1);
  });

  it('uses a custom predicate and reports each retry', async () => {
    const retries: number[] = [];
    let calls = 0;
    await withRetries(
      async () => {
        if (++calls < 3) throw new Error('flaky');
      },
      {
        baseMs: 1,
        isRetryable: (e) => (e as Error).message === 'flaky',
        onRetry: (_e, n) => retries.push(n),
      },
    );
    expect(retries).toEqual([0, 1]);
  });

  it('stops waiting when aborted', async () => {
    const ac = new AbortController();
    const started = Date.now();
    const p = withRetries(
      async () => {
        throw errno('ECONNRESET');
      },
      { baseMs: 10_000, maxMs: 10_000, retries: 5, signal: ac.signal, isRetryable: () => true },
    );
    setTimeout(() => ac.abort(), 20);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    // The backoff was 10 s: the abort cut it short (slack for a loaded machine).
    expect(Date.now() - started).toBeLessThan(9000);
  });

  it('bounds the total wait: jittered delays never exceed maxMs', () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const d = backoffDelay(attempt, 100, 2000);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(Math.min(2000, 100 * 2 ** attempt));
    }
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(5, 100, 2000)));
    expect(spread.size).toBeGreaterThan(10);
  });
});
