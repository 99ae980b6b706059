// Writes the package.json shared by every @lithops package (used once per new package).
import { mkdirSync, writeFileSync } from 'node:fs';

const [dir, name, description, depsJson = '{}', devJson = '{}'] = process.argv.slice(2);
const isCore = name === '@lithops/core';
const pkg = {
  name,
  version: '0.0.0',
  description,
  license: 'Apache-2.0',
  type: 'module',
  engines: { node: '>=20.19' },
  exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
  types: './dist/index.d.ts',
  files: ['dist', 'README.md', 'LICENSE'],
  scripts: {
    build: 'tsc -p tsconfig.build.json',
    typecheck: 'tsc -p tsconfig.json --noEmit',
    test: 'vitest run --reporter=default --reporter=json --outputFile=test-results.json',
  },
  dependencies: JSON.parse(depsJson),
  ...(isCore ? {} : { peerDependencies: { '@lithops/core': 'workspace:>=0.1.0 <1.0.0' } }),
  devDependencies: { ...(isCore ? {} : { '@lithops/core': 'workspace:^' }), ...JSON.parse(devJson) },
};
mkdirSync(`${dir}/src`, { recursive: true });
mkdirSync(`${dir}/test`, { recursive: true });
writeFileSync(`${dir}/package.json`, JSON.stringify(pkg, null, 2) + '\n');
writeFileSync(
  `${dir}/tsconfig.json`,
  JSON.stringify(
    { extends: '../../tsconfig.base.json', compilerOptions: { noEmit: true }, include: ['src', 'test'] },
    null,
    2,
  ) + '\n',
);
writeFileSync(
  `${dir}/tsconfig.build.json`,
  JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: { outDir: 'dist', rootDir: 'src' },
      include: ['src'],
    },
    null,
    2,
  ) + '\n',
);
