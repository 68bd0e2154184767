import { PassThrough } from 'node:stream'
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import type { S3ClientConfig } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { RivetError } from '../../errors/index.js'
import type { ObjectStore, ObjectUpload } from '../object-store/types.js'
import { toS3Error } from './s3-errors.js'

/** Credentials named by environment variables; the values are read when the store is created. */
export interface S3EnvCredentials {
  readonly accessKeyEnv: string
  readonly secretKeyEnv: string
  readonly sessionTokenEnv: string | null
}

export interface S3StoreOptions {
  readonly bucket: string
  /** null: from AWS_REGION / the profile; with a custom endpoint, us-east-1. */
  readonly region: string | null
  /** S3-compatible endpoint (MinIO, R2, Ceph…), addressed path-style; null for AWS. */
  readonly endpoint: string | null
  /** Named profile of ~/.aws/config and ~/.aws/credentials. */
  readonly profile: string | null
  /** Explicit credentials from environment variables; null for the default chain. */
  readonly envCredentials: S3EnvCredentials | null
  /** Bytes per multipart part (at least 5 MiB). One upload holds about two parts. */
  readonly partSizeBytes: number
}

/** Parts in flight per upload: one being sent while the next is filled. */
const QUEUE_SIZE = 2
/** Attempts per request, including the first: a part upload retried this way is idempotent. */
const MAX_ATTEMPTS = 4

/** An S3 bucket through @aws-sdk/client-s3; large objects stream through lib-storage multipart uploads. */
export class S3Store implements ObjectStore {
  readonly scheme = 's3'
  readonly bucket: string
  private readonly client: S3Client
  private readonly partSizeBytes: number

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket
    this.partSizeBytes = options.partSizeBytes
    // the SDK warns on stderr about its future Node requirement; the installed version is pinned by the lockfile
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
    this.client = new S3Client(s3ClientConfig(options))
  }

  url(key: string): string {
    return `s3://${this.bucket}/${key}`
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))
      return true
    } catch (err) {
      if (isNotFound(err)) return false
      throw toS3Error(err, 'inspect', this.url(key))
    }
  }

  startUpload(key: string, options: { readonly contentType: string; readonly ifAbsent: boolean }): ObjectUpload {
    return new S3Upload(this.client, this.bucket, key, options.contentType, this.partSizeBytes, this.url(key))
  }

  async put(key: string, body: Uint8Array, options: { readonly contentType: string; readonly ifAbsent: boolean }): Promise<void> {
    // S3-compatible stores differ in support of conditional writes: check first, then write
    if (options.ifAbsent && (await this.exists(key))) throw conflict(this.url(key))
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: options.contentType }))
    } catch (err) {
      throw toS3Error(err, 'write', this.url(key))
    }
  }

  async read(key: string): Promise<Buffer | null> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }))
      if (out.Body === undefined) return Buffer.alloc(0)
      return Buffer.from(await out.Body.transformToByteArray())
    } catch (err) {
      if (isNotFound(err)) return null
      throw toS3Error(err, 'read', this.url(key))
    }
  }

  async stat(key: string): Promise<{ readonly bytes: number } | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))
      return { bytes: out.ContentLength ?? 0 }
    } catch (err) {
      if (isNotFound(err)) return null
      throw toS3Error(err, 'inspect', this.url(key))
    }
  }

  async readStream(key: string): Promise<AsyncIterable<Uint8Array> | null> {
    const url = this.url(key)
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }))
      // in Node the body is an IncomingMessage: a Readable, consumed chunk by chunk
      const body = (out.Body ?? []) as unknown as AsyncIterable<Uint8Array>
      return mapStreamErrors(body, (err) => toS3Error(err, 'read', url))
    } catch (err) {
      if (isNotFound(err)) return null
      throw toS3Error(err, 'read', url)
    }
  }

  async readRange(key: string, start: number, length: number): Promise<Buffer | null> {
    if (length <= 0) return (await this.exists(key)) ? Buffer.alloc(0) : null
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=${start}-${start + length - 1}` }))
      if (out.Body === undefined) return Buffer.alloc(0)
      return Buffer.from(await out.Body.transformToByteArray())
    } catch (err) {
      if (isNotFound(err)) return null
      throw toS3Error(err, 'read', this.url(key))
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = []
    let token: string | undefined
    try {
      do {
        const out = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }))
        for (const item of out.Contents ?? []) if (item.Key !== undefined) keys.push(item.Key)
        token = out.IsTruncated === true ? out.NextContinuationToken : undefined
      } while (token !== undefined)
    } catch (err) {
      throw toS3Error(err, 'list', this.url(prefix))
    }
    return keys
  }

  async remove(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }))
    } catch (err) {
      if (isNotFound(err)) return
      throw toS3Error(err, 'delete', this.url(key))
    }
  }

  async close(): Promise<void> {
    this.client.destroy()
  }
}

/** The client settings: path-style addressing and opt-in checksums for S3-compatible endpoints. */
export function s3ClientConfig(options: S3StoreOptions): S3ClientConfig {
  const config: S3ClientConfig = { maxAttempts: MAX_ATTEMPTS }
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? (options.endpoint !== null ? 'us-east-1' : undefined)
  if (region !== undefined) config.region = region
  if (options.endpoint !== null) {
    config.endpoint = options.endpoint
    config.forcePathStyle = true
    // many S3-compatible stores reject the CRC checksum headers newer SDKs send by default
    config.requestChecksumCalculation = 'WHEN_REQUIRED'
    config.responseChecksumValidation = 'WHEN_REQUIRED'
  }
  if (options.profile !== null) config.profile = options.profile
  if (options.envCredentials !== null) config.credentials = readEnvCredentials(options.envCredentials)
  return config
}

function readEnvCredentials(names: S3EnvCredentials): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } {
  const read = (key: string, name: string): string => {
    const value = process.env[name]
    if (value === undefined || value === '') {
      throw new RivetError('RIVET_DEST_AUTH', `environment variable ${name} (destination.${key}) is not set`, {
        hint: `export ${name} before running rivet, or remove destination.${key} to use the default AWS credential chain`,
        details: { variable: name },
      })
    }
    return value
  }
  const accessKeyId = read('access_key_env', names.accessKeyEnv)
  const secretAccessKey = read('secret_key_env', names.secretKeyEnv)
  const sessionToken = names.sessionTokenEnv !== null ? read('session_token_env', names.sessionTokenEnv) : undefined
  return sessionToken !== undefined ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey }
}

/** One multipart upload fed through a bounded stream: lib-storage cuts it into parts and retries each. */
class S3Upload implements ObjectUpload {
  private readonly body = new PassThrough({ highWaterMark: 1024 * 1024 })
  private readonly upload: Upload
  private readonly done: Promise<void>
  private failure: RivetError | undefined

  constructor(client: S3Client, bucket: string, key: string, contentType: string, partSize: number, private readonly url: string) {
    this.upload = new Upload({ client, params: { Bucket: bucket, Key: key, Body: this.body, ContentType: contentType }, partSize, queueSize: QUEUE_SIZE, leavePartsOnError: false })
    this.done = this.upload.done().then(
      () => undefined,
      (err: unknown) => {
        this.failure = toS3Error(err, 'upload', url)
        this.body.destroy()
        throw this.failure
      },
    )
    // failures are reported through write()/end(); keep an early one from being "unhandled"
    this.done.catch(() => undefined)
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure
    if (this.body.write(Buffer.from(chunk))) return
    await new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        this.body.off('close', onClose)
        resolve()
      }
      const onClose = () => {
        this.body.off('drain', onDrain)
        // lib-storage may close the body before its done() rejects: report the upload's own error
        void this.done.then(
          () => reject(new RivetError('RIVET_DEST_WRITE', `the upload to ${this.url} stopped`)),
          () => reject(this.failure),
        )
      }
      this.body.once('drain', onDrain)
      this.body.once('close', onClose)
    })
  }

  async end(): Promise<void> {
    if (this.failure) throw this.failure
    this.body.end()
    await this.done
  }

  async abort(): Promise<void> {
    this.body.destroy()
    await this.upload.abort().catch(() => undefined)
    await this.done.catch(() => undefined)
  }
}

/** Pass the chunks of `source` on, turning a failure while streaming into the store's error. */
async function* mapStreamErrors(source: AsyncIterable<Uint8Array>, map: (err: unknown) => RivetError): AsyncGenerator<Uint8Array> {
  try {
    yield* source
  } catch (err) {
    throw map(err)
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: unknown; $metadata?: { httpStatusCode?: unknown } } | null
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404
}

function conflict(url: string): RivetError {
  return new RivetError('RIVET_OUTPUT_CONFLICT', `${url} already exists; Rivet does not replace existing objects`, { details: { url } })
}
