import { RivetError } from '../../errors/index.js'

const AUTH_NAMES = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'TokenRefreshRequired', 'CredentialsProviderError', 'AllAccessDisabled'])
const INVALID_NAMES = new Set(['NoSuchBucket', 'PermanentRedirect', 'AuthorizationHeaderMalformed', 'InvalidBucketName', 'IllegalLocationConstraintException'])

interface SdkErrorShape {
  readonly name?: unknown
  readonly message?: unknown
  readonly code?: unknown
  readonly $metadata?: { readonly httpStatusCode?: unknown }
}

/** Map an error of the S3 client to a RivetError that says what failed where, never with credentials. */
export function toS3Error(err: unknown, action: string, url: string): RivetError {
  if (err instanceof RivetError) return err
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkErrorShape
  const name = typeof e.name === 'string' ? e.name : ''
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined
  const raw = typeof e.message === 'string' && e.message !== '' ? e.message : name || String(err)
  const message = `cannot ${action} ${url}: ${raw}`
  const details = { url, ...(name ? { error: name } : {}), ...(status !== undefined ? { status } : {}) }
  if (/region is missing/i.test(raw)) {
    return new RivetError('RIVET_DEST_INVALID', message, { hint: 'set destination.region (or AWS_REGION); S3-compatible stores usually accept us-east-1', details, cause: err })
  }
  if (AUTH_NAMES.has(name) || status === 403 || status === 401) {
    const hint = name === 'CredentialsProviderError'
      ? 'no AWS credentials were found: set access_key_env/secret_key_env, aws_profile, or the usual AWS_* variables, ~/.aws files or instance role'
      : 'the credentials were refused or lack permission: check them, and that the account may s3:PutObject, s3:GetObject and s3:DeleteObject under the prefix'
    return new RivetError('RIVET_DEST_AUTH', message, { hint, details, cause: err })
  }
  if (INVALID_NAMES.has(name) || status === 301) {
    return new RivetError('RIVET_DEST_INVALID', message, { hint: 'check destination.bucket, and destination.region or endpoint: the bucket does not exist where Rivet looked', details, cause: err })
  }
  return new RivetError('RIVET_DEST_WRITE', message, { hint: 'the object store failed or could not be reached; run again once it is available', details, cause: err })
}
