import { LithopsError } from '@lithops/core/plugin';
import { describe, expect, it } from 'vitest';
import { lambdaError } from '../src/errors.js';

describe('lambdaError', () => {
  it('keeps the first paragraph of an SDK error, in the message and in the cause', () => {
    const token = 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN';
    const sdk = Object.assign(
      new Error(
        `The request signature we calculated does not match the signature you provided.\n\nThe Canonical String for this request should have been\n'POST\n/2015-03-31/functions/f/invocations\n\nx-amz-security-token:${token}'`,
      ),
      { name: 'InvalidSignatureException', $metadata: { httpStatusCode: 403 } },
    );
    const e = lambdaError(sdk, 'Deploying the runtime');
    expect(LithopsError.is(e, 'ACCESS_DENIED')).toBe(true);
    expect(e.message).toContain('signature we calculated does not match');
    const shown = `${e.message}\n${e.stack}\n${(e.cause as Error).message}\n${(e.cause as Error).stack}`;
    expect(shown).not.toContain(token);
    expect(shown).not.toContain('Canonical String');
  });
});
