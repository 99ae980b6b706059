import { callTuning, defineStorageBackend, LithopsError } from '@lithops/core/plugin';
import COS from 'ibm-cos-sdk';
import { IbmCosBackend } from './backend.js';
import { ibmCosSectionSchema } from './config.js';

export { IbmCosBackend, type IbmCosBackendOptions } from './backend.js';
export { type IbmCosSection, ibmCosSectionSchema } from './config.js';

/** `storage: ibm_cos`: IBM Cloud Object Storage. */
export default defineStorageBackend({
  name: 'ibm_cos',
  specVersion: 1, // the plugin spec of the @lithops/core this package builds against
  configSchema: ibmCosSectionSchema,
  create(config) {
    // Checked here rather than with zod refinements, which would hide the known keys from
    // the config error's "did you mean".
    const problem =
      config.endpoint === undefined && config.region === undefined
        ? 'ibm_cos.region: set region (e.g. us-east) or endpoint'
        : (config.access_key_id === undefined) !== (config.secret_access_key === undefined)
          ? 'ibm_cos.access_key_id and ibm_cos.secret_access_key go together'
          : undefined;
    if (problem) {
      throw new LithopsError('CONFIG_INVALID', `Invalid configuration: ${problem}.`, {
        backend: 'ibm_cos',
        hint: 'Fix the ibm_cos section of the config.',
      });
    }
    const endpoint = config.endpoint ?? `https://s3.${config.region}.cloud-object-storage.appdomain.cloud`;
    // HMAC keys sign with v4; an API key gets IAM tokens; neither: the SDK's own chain
    // (environment, ~/.bluemix/cos_credentials).
    const auth = config.access_key_id
      ? {
          accessKeyId: config.access_key_id,
          secretAccessKey: config.secret_access_key!,
          signatureVersion: 'v4',
        }
      : config.api_key
        ? {
            apiKeyId: config.api_key,
            ibmAuthEndpoint: 'https://iam.cloud.ibm.com/identity/token',
            signatureVersion: 'iam',
            ...(config.service_instance_id ? { serviceInstanceId: config.service_instance_id } : {}),
          }
        : {};
    const client = new COS.S3({
      endpoint,
      region: config.region ?? 'us-east',
      s3ForcePathStyle: true,
      ...auth,
      // One attempt per call: retries are core's withRetries, so they are bounded in one place.
      maxRetries: 0,
      httpOptions: { connectTimeout: config.connect_timeout * 1000, timeout: config.read_timeout * 1000 },
    });
    return new IbmCosBackend(client, {
      bucket: config.storage_bucket,
      endpointLabel: endpoint,
      ...callTuning(config),
      ...(config.region ? { locationConstraint: `${config.region}-smart` } : {}),
    });
  },
});
