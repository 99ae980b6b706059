export { type Azurite, type AzuriteOptions, AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME, startAzurite } from './azurite.js';
export { Crc32c, type FakeGcs, type FakeGcsOptions, startFakeGcs } from './fake-gcs.js';
