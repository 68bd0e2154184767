export { GCS_CHUNK_GRANULE, GcsStore, gcsChunkSize, gcsStorageOptions, toGcsError } from './gcs-store.js'
export type { GcsStoreOptions } from './gcs-store.js'
