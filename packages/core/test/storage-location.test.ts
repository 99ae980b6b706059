import { describe, expect, it } from 'vitest';
import { LithopsError } from '../src/errors.js';
import { formatLocation, parseLocation } from '../src/storage/location.js';

function failure(fn: () => unknown): LithopsError {
  try {
    fn();
  } catch (e) {
    if (LithopsError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected a LithopsError');
}

describe('parseLocation', () => {
  it('maps the short cloud schemes to their backends', () => {
    expect(parseLocation('s3://bkt/a/b.txt')).toEqual({
      kind: 'object',
      backend: 'aws_s3',
      bucket: 'bkt',
      key: 'a/b.txt',
    });
    expect(parseLocation('cos://bkt/k')).toMatchObject({ backend: 'ibm_cos', bucket: 'bkt', key: 'k' });
    expect(parseLocation('gs://bkt/k')).toMatchObject({ backend: 'gcp_storage', bucket: 'bkt', key: 'k' });
    expect(parseLocation('az://container/dir/k')).toMatchObject({
      backend: 'azure_storage',
      bucket: 'container',
      key: 'dir/k',
    });
  });

  it('accepts <backend_name>:// for every storage backend, and the configured plugin name', () => {
    for (const b of ['localhost', 'aws_s3', 'ibm_cos', 'gcp_storage', 'azure_storage', 'redis']) {
      expect(parseLocation(`${b}://bkt/x/y`)).toEqual({
        kind: 'object',
        backend: b,
        bucket: 'bkt',
        key: 'x/y',
      });
    }
    expect(parseLocation('my_store://bkt/k', { storage: 'my_store' })).toMatchObject({ backend: 'my_store' });
  });

  it('reads a bucket alone or a prefix as a key that is empty or ends with "/"', () => {
    expect(parseLocation('s3://bkt')).toMatchObject({ bucket: 'bkt', key: '' });
    expect(parseLocation('s3://bkt/')).toMatchObject({ bucket: 'bkt', key: '' });
    expect(parseLocation('s3://bkt/books/')).toMatchObject({ bucket: 'bkt', key: 'books/' });
    expect(parseLocation('s3://bkt/books/*.txt')).toMatchObject({ key: 'books/*.txt' });
  });

  it('keeps unicode, spaces and "//" in keys as written', () => {
    expect(parseLocation('s3://bkt/dir//ünï cødé?.txt')).toMatchObject({ key: 'dir//ünï cødé?.txt' });
  });

  it('gives a bare bucket/key to the configured storage', () => {
    expect(parseLocation('bkt/some/key', { storage: 'redis' })).toEqual({
      kind: 'object',
      backend: 'redis',
      bucket: 'bkt',
      key: 'some/key',
    });
    const e = failure(() => parseLocation('bkt/some/key'));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(/needs a configured storage/);
  });

  it('recognises http(s) URLs and local files as their own kinds', () => {
    expect(parseLocation('https://example.com/data/file.csv?x=1')).toEqual({
      kind: 'http',
      url: 'https://example.com/data/file.csv?x=1',
    });
    expect(parseLocation('HTTP://example.com/a')).toMatchObject({ kind: 'http' });
    expect(parseLocation('/data/books/a.txt', { storage: 'aws_s3' })).toEqual({
      kind: 'file',
      path: '/data/books/a.txt',
    });
    expect(parseLocation('file:///data/with%20space.txt')).toEqual({
      kind: 'file',
      path: '/data/with space.txt',
    });
  });

  it('refuses an unknown scheme, naming it and the known ones', () => {
    const e = failure(() => parseLocation('ftp://host/file'));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('unknown scheme "ftp://"');
    expect(e.message).toContain('s3://');
    expect(e.message.startsWith('[lithops] [storage] ')).toBe(true);
  });

  it('refuses a backend that is not the configured storage', () => {
    const e = failure(() => parseLocation('gs://bkt/k', { storage: 'aws_s3' }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('"gcp_storage"');
    expect(e.message).toContain('configured storage is "aws_s3"');
    expect(e.message).toContain('lithops.storage: gcp_storage');
    expect(parseLocation('gs://bkt/k', { storage: 'aws_s3', onlyConfigured: false })).toMatchObject({
      backend: 'gcp_storage',
    });
  });

  it('refuses empty locations, empty buckets, NUL bytes and relative paths', () => {
    for (const bad of ['', 's3://', 's3:///key', 'bkt/\0/k', './data/x', '../x']) {
      expect(failure(() => parseLocation(bad, { storage: 'localhost' })).code, JSON.stringify(bad)).toBe(
        'INVALID_ARGUMENT',
      );
    }
  });

  it('formats back to <backend>://bucket/key', () => {
    const loc = parseLocation('s3://bkt/a/b');
    if (loc.kind !== 'object') throw new Error('expected an object location');
    expect(formatLocation(loc)).toBe('aws_s3://bkt/a/b');
    expect(parseLocation(formatLocation(loc))).toEqual(loc);
  });
});
