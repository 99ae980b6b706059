import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('prints the greetings and squares', () => {
  const out = execFileSync(process.execPath, ['index.mjs'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    encoding: 'utf8',
  });
  expect(out).toContain('Hello Ada! (call 0)');
  expect(out).toContain('Hello Linus! (call 2)');
  expect(out).toContain('squares: 1, 4, 9, 16');
}, 30_000);
