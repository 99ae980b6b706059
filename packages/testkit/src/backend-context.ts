import type { BackendContext, Logger } from '@lithops/core/plugin';

/** A `BackendContext` for calling a definition's `create` directly in tests; logs go nowhere. */
export function testBackendContext(config: Record<string, unknown> = {}, log?: Logger): BackendContext {
  const quiet = () => {};
  return {
    config,
    configDir: process.cwd(),
    log: log ?? { debug: quiet, info: quiet, warn: quiet, error: quiet },
  };
}
