import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { LambdaApiError } from './errors.js';

/** Key pairs whose signatures are verified in full, by access key id. */
export type KnownKeys = ReadonlyMap<string, string>;

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
/** How far a request's signing time may be from the service's clock, as Lambda allows. */
const MAX_SKEW_MS = 5 * 60_000;

/** `20261204T171500Z`, as in `X-Amz-Date`. */
const amzTime = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');

const denied = (type: string, message: string, status = 403) => new LambdaApiError(status, type, message);

/** RFC 3986 escaping as SigV4 wants it (`encodeURIComponent` leaves `!'()*` alone). */
function escapeRfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The canonical URI of a path as received (already escaped once: SigV4 escapes it again). */
function canonicalPath(raw: string): string {
  const segments: string[] = [];
  for (const s of raw.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') segments.pop();
    else segments.push(s);
  }
  const trailing = segments.length > 0 && raw.endsWith('/') ? '/' : '';
  return `/${segments.map(escapeRfc3986).join('/')}${trailing}`;
}

function canonicalQuery(raw: string): string {
  const pairs: [string, string][] = [];
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const v = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
    if (k.toLowerCase() !== 'x-amz-signature') pairs.push([escapeRfc3986(k), escapeRfc3986(v)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

const sha256hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * Checks a request's SigV4 `Authorization` header as Lambda does: its shape, the signed `host` and
 * `x-amz-date`, the signing time, the credential scope (this region, service `lambda`) and, for
 * keys in `known`, the signature itself over the request as received. Requests signed with other
 * keys are accepted once their shape is right (the fake has no account database). Throws the
 * error Lambda answers with.
 */
export function verifySigV4(
  req: { method?: string; url?: string; headers: IncomingHttpHeaders },
  body: Buffer,
  region: string,
  known: KnownKeys,
  now = Date.now(),
): void {
  const auth = req.headers.authorization;
  if (!auth) throw denied('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const m = AUTH.exec(auth);
  if (!m) {
    throw denied(
      'IncompleteSignatureException',
      "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters " +
        'in the AWS4-HMAC-SHA256 form.',
      400,
    );
  }
  const [, accessKeyId, date, scopeRegion, service, signedList, signature] = m as unknown as string[];
  const signed = signedList!.split(';');
  const amzDate = req.headers['x-amz-date'];
  if (typeof amzDate !== 'string' || !signed.includes('x-amz-date') || !signed.includes('host')) {
    throw denied(
      'IncompleteSignatureException',
      "The request must sign the 'host' and 'x-amz-date' headers.",
      400,
    );
  }
  const d = AMZ_DATE.exec(amzDate);
  if (!d || amzDate.slice(0, 8) !== date) {
    throw denied(
      'InvalidSignatureException',
      `Date in Credential scope does not match X-Amz-Date ${amzDate}.`,
    );
  }
  const at = Date.UTC(+d[1]!, +d[2]! - 1, +d[3]!, +d[4]!, +d[5]!, +d[6]!);
  // Lambda's words for a request signed over 5 minutes before or after its clock.
  if (at < now - MAX_SKEW_MS) {
    throw denied(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than ${amzTime(now - MAX_SKEW_MS)} (${amzTime(now)} - 5 min.)`,
    );
  }
  if (at > now + MAX_SKEW_MS) {
    throw denied(
      'InvalidSignatureException',
      `Signature not yet current: ${amzDate} is still later than ${amzTime(now + MAX_SKEW_MS)} (${amzTime(now)} + 5 min.)`,
    );
  }
  if (service !== 'lambda') {
    throw denied('InvalidSignatureException', "Credential should be scoped to correct service: 'lambda'.");
  }
  if (scopeRegion !== region) {
    throw denied(
      'InvalidSignatureException',
      `Credential should be scoped to a valid region, not '${scopeRegion}'.`,
    );
  }
  const secret = known.get(accessKeyId!);
  if (secret === undefined) return;

  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const headerLines = signed.map((name) => {
    const v = req.headers[name];
    const value = Array.isArray(v) ? v.join(',') : (v ?? '');
    return `${name}:${value.trim().replace(/\s+/g, ' ')}`;
  });
  const canonical = [
    (req.method ?? 'GET').toUpperCase(),
    canonicalPath(q < 0 ? url : url.slice(0, q)),
    canonicalQuery(q < 0 ? '' : url.slice(q + 1)),
    `${headerLines.join('\n')}\n`,
    signedList,
    sha256hex(body),
  ].join('\n');
  const scope = `${date}/${scopeRegion}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256hex(canonical)].join('\n');
  let key: Buffer = hmac(`AWS4${secret}`, date!);
  for (const part of [scopeRegion!, service!, 'aws4_request']) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(toSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(signature!, 'hex'))) {
    // Lambda's answer: what it computed, so a client can tell where its request differed.
    throw denied(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your ' +
        'AWS Secret Access Key and signing method. Consult the service documentation for details.' +
        `\n\nThe Canonical String for this request should have been\n'${canonical}'` +
        `\n\nThe String-to-Sign should have been\n'${toSign}'\n`,
    );
  }
}
