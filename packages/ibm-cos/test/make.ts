import { testBackendContext } from '@lithops/testkit';
import ibmCos, { type IbmCosBackend } from '../src/index.js';

/** Builds the backend the way the loader does: the `ibm_cos` section through its schema. */
export async function makeBackend(section: Record<string, unknown>): Promise<IbmCosBackend> {
  return (await ibmCos.create(ibmCos.configSchema.parse(section), testBackendContext())) as IbmCosBackend;
}
