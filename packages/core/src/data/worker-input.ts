import type { CallContext } from '../worker/context.js';
import { DATA_MARK, type DataDescriptor, hasDescriptor, isDescriptor } from './descriptor.js';

async function resolve(d: DataDescriptor, ctx: CallContext): Promise<unknown> {
  if (d[DATA_MARK] === 'chunk') {
    const { objectChunk } = await import('./object-chunk.js');
    return objectChunk(d, () => ctx.storage.backend);
  }
  const { gatherMapResults } = await import('./reduce-input.js');
  return gatherMapResults(d, ctx);
}

/**
 * The value a function is called with: a chunk descriptor becomes an `ObjectChunk` (also inside
 * `{ obj, ...rest }`), a reducer descriptor the map results; anything else is passed as it is.
 */
export async function functionInput(input: unknown, ctx: CallContext): Promise<unknown> {
  if (!hasDescriptor(input)) return input;
  if (isDescriptor(input)) return resolve(input, ctx);
  const item = input as { obj: DataDescriptor };
  return { ...item, obj: await resolve(item.obj, ctx) };
}
