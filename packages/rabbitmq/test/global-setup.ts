import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { canConnect } from '@lithops/testkit';

/** The broker must run on 127.0.0.1:5672; scripts/services.sh starts it when it does not. */
export default async function setup(): Promise<void> {
  if (await canConnect('127.0.0.1', 5672)) return;
  const script = fileURLToPath(new URL('../../../scripts/services.sh', import.meta.url));
  execFileSync('bash', [script], { stdio: 'inherit' });
}
