export { S3Store, s3ClientConfig } from './s3-store.js'
export type { S3EnvCredentials, S3StoreOptions } from './s3-store.js'
export { toS3Error } from './s3-errors.js'
