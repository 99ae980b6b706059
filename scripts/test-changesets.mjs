// Dry run of `changeset version` on a copy of the workspace manifests: every @lithops/* package
// must move to the same new version (one `fixed` group) and get a changelog. Exits non-zero if not.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'lithops-changesets-'));
const manifests = ['packages', 'apps', 'examples']
  .flatMap((d) =>
    existsSync(join(root, d)) ? readdirSync(join(root, d)).map((p) => join(d, p, 'package.json')) : [],
  )
  .filter((p) => existsSync(join(root, p)));
for (const p of ['package.json', 'pnpm-workspace.yaml', '.changeset', 'bench/package.json', ...manifests]) {
  mkdirSync(dirname(join(tmp, p)), { recursive: true });
  cpSync(join(root, p), join(tmp, p), { recursive: true });
}
spawnSync('git', ['init', '-q'], { cwd: tmp });
const bin = join(root, 'node_modules', '@changesets', 'cli', 'bin.js');
const r = spawnSync(process.execPath, [bin, 'version'], { cwd: tmp, encoding: 'utf8' });
const problems = [];
if (r.status !== 0) problems.push(`changeset version failed: ${r.stderr || r.stdout}`);
const published = manifests
  .map((p) => ({ p, pkg: JSON.parse(readFileSync(join(tmp, p), 'utf8')) }))
  .filter(({ pkg }) => pkg.name?.startsWith('@lithops/') && !pkg.private);
const before = (p) => JSON.parse(readFileSync(join(root, p), 'utf8')).version;
const versions = new Set(published.map(({ pkg }) => pkg.version));
if (versions.size !== 1) problems.push(`versions drifted apart: ${[...versions].join(', ')}`);
for (const { p, pkg } of published) {
  if (pkg.version === before(p)) problems.push(`${pkg.name} was not bumped (${pkg.version})`);
  if (!existsSync(join(tmp, dirname(p), 'CHANGELOG.md'))) problems.push(`${pkg.name} has no CHANGELOG.md`);
}
rmSync(tmp, { recursive: true, force: true });
if (problems.length) {
  console.error(`[changesets] ${problems.join('\n[changesets] ')}`);
  process.exit(1);
}
console.log(
  `[changesets] ${published.length} packages bumped together to ${[...versions][0]}, with changelogs`,
);
