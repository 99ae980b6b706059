import { lstatSync, mkdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { LithopsError } from '../errors.js';

/** This user's folder under the OS temp dir: `lithops-<uid>` (the user name where there are no uids). */
function userTempRoot(): string {
  const uid = process.getuid?.();
  if (uid !== undefined) return join(tmpdir(), `lithops-${uid}`);
  let name = 'user';
  try {
    name = userInfo().username.replace(/[^A-Za-z0-9._-]/g, '_');
  } catch {}
  return join(tmpdir(), `lithops-${name}`);
}

function refuse(dir: string, why: string, cause?: unknown): LithopsError {
  return new LithopsError(
    'ACCESS_DENIED',
    `The folder ${dir} ${why}: another user could plant or change the files Lithops keeps there.`,
    {
      hint: `If it is yours, \`chmod 700 ${dir}\`; else have its owner remove it, or point TMPDIR at a folder of your own.`,
      cause,
    },
  );
}

/** Creates `dir` (0700) if missing; refuses one that is not a folder of this user closed to others. */
function ensurePrivate(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw refuse(dir, 'cannot be created', e);
  }
  // lstat: a symbolic link planted in its place is refused, not followed.
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw refuse(dir, 'is not a folder (a symbolic link or a file is in its place)');
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw refuse(dir, `belongs to uid ${st.uid}, not to this user (uid ${uid})`);
  }
  if (process.platform !== 'win32' && (st.mode & 0o022) !== 0) {
    throw refuse(dir, `is writable by others (mode ${(st.mode & 0o777).toString(8)})`);
  }
}

/**
 * A folder of this user under the OS temp dir, `<tmp>/lithops-<uid>/<name>`, created with mode
 * 0700. One that exists already must be a folder (not a link) owned by this user and writable by
 * no one else, as must `lithops-<uid>`; else `ACCESS_DENIED`. Used for the localhost storage,
 * the bundle cache and the pool's socket folders.
 */
export function privateTempDir(name: string): string {
  const root = userTempRoot();
  ensurePrivate(root);
  const dir = join(root, name);
  ensurePrivate(dir);
  return dir;
}
