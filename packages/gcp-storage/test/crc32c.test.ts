import { randomBytes } from 'node:crypto';
import { CRC32C } from '@google-cloud/storage';
import { describe, expect, it } from 'vitest';
import { Crc32c, crc32c, crc32cGenerator } from '../src/crc32c.js';

describe('crc32c', () => {
  it('gives the check value of the standard test string', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('agrees with the SDK, whole and fed in uneven pieces, in its base64 form', () => {
    for (const size of [0, 1, 7, 8, 9, 63, 64 * 1024 + 5]) {
      const data = randomBytes(size);
      const sdk = new CRC32C();
      sdk.update(data);
      const whole = new Crc32c();
      whole.update(data);
      expect(whole.toString()).toBe(sdk.toString());
      const pieces = crc32cGenerator();
      for (let off = 0, step = 1; off < size; off += step, step = step * 3 + 1)
        pieces.update(data.subarray(off, off + step));
      if (size === 0) pieces.update(data);
      expect(pieces.toString()).toBe(sdk.toString());
      expect(pieces.validate(sdk.toString())).toBe(true);
      expect(pieces.validate('AAAAAA==')).toBe(sdk.toString() === 'AAAAAA==');
    }
  });

  it('reads a view at any offset of its buffer', () => {
    const data = randomBytes(4099);
    for (const off of [1, 2, 3, 5]) {
      const view = new Uint8Array(data.buffer, data.byteOffset + off, 4000);
      expect(crc32c(view)).toBe(crc32c(Buffer.from(view)));
    }
  });
});
