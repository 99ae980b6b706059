import { readFileSync } from 'node:fs';
import * as internal from '@lithops/core/internal';
import * as plugin from '@lithops/core/plugin';
import { describe, expect, it } from 'vitest';

const guide = readFileSync(new URL('../../../docs/authoring-a-backend.md', import.meta.url), 'utf8');

describe('@lithops/core/plugin', () => {
  it('exports only what the authoring guide describes', () => {
    const undocumented = Object.keys(plugin).filter((name) => !guide.includes(`\`${name}`));
    expect(undocumented).toEqual([]);
  });

  it('keeps the parts shared by our own packages behind @lithops/core/internal', () => {
    for (const name of [
      'S3CompatibleBackend',
      'InvocationSender',
      'buildRuntime',
      'zipFiles',
      'awsClientSettings',
    ]) {
      expect(Object.keys(plugin)).not.toContain(name);
      expect(Object.keys(internal)).toContain(name);
    }
  });
});
