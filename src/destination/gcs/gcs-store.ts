import type { Writable } from 'node:stream'
import { Storage } from '@google-cloud/storage'
import type { Bucket, CreateWriteStreamOptions, File, StorageOptions } from '@google-cloud/storage'
import { RivetError } from '../../errors/index.js'
import type { ErrorCode } from '../../errors/index.js'
import type { ObjectStore, ObjectUpload } from '../object-store/types.js'

export interface GcsStoreOptions {
  readonly bucket: string
  /** Service-account key file (absolute path); null = application default credentials. */
  readonly credentialsFile: string | null
  /** API endpoint override (emulators), e.g. http://127.0.0.1:4443; null = Google's. */
  readonly endpoint: string | null
  /** Bytes per resumable-upload chunk: a multiple of 256 KiB (round up), at least 256 KiB. This is the memory one upload holds. */
  readonly partSizeBytes: number
}

/** Resumable-upload chunks must be multiples of this (Cloud Storage's rule). */
export const GCS_CHUNK_GRANULE = 256 * 1024

/**
 * Retries per request after the first. The library's defaults keep retrying for up to 600 s with
 * delays growing to 64 s; three retries (about 1 + 2 + 4 s of back-off) make a dead server fail in
 * seconds while still riding out a brief 429/5xx.
 */
const MAX_RETRIES = 3

/** Options of an object write: what the caller gives startUpload() and put(). */
interface WriteOptions {
  readonly contentType: string
  readonly ifAbsent: boolean
}

/**
 * A Google Cloud Storage bucket through @google-cloud/storage. Large objects stream through
 * resumable uploads in `partSizeBytes` chunks (crc32c-validated); small ones go in one request.
 * With `ifAbsent`, writes carry `ifGenerationMatch=0`, which Cloud Storage checks atomically and
 * which also makes the library treat the write as idempotent, so it retries it; under the
 * library's default (conditional) retry strategy, writes without it are not retried at all.
 */
export class GcsStore implements ObjectStore {
  readonly scheme = 'gs'
  readonly bucket: string
  private readonly chunkSize: number
  private readonly storage: Storage
  private readonly bucketRef: Bucket

  constructor(options: GcsStoreOptions) {
    this.bucket = options.bucket
    this.chunkSize = gcsChunkSize(options.partSizeBytes)
    this.storage = new Storage(gcsStorageOptions(options))
    this.bucketRef = this.storage.bucket(options.bucket)
  }

  url(key: string): string {
    return `gs://${this.bucket}/${key}`
  }

  async exists(key: string): Promise<boolean> {
    try {
      // getMetadata rather than File#exists: exists() answers false for a missing bucket too
      await this.bucketRef.file(key).getMetadata()
      return true
    } catch (err) {
      if (isObjectNotFound(err)) return false
      throw toGcsError(err, 'inspect', this.url(key))
    }
  }

  startUpload(key: string, options: WriteOptions): ObjectUpload {
    const streamOptions: CreateWriteStreamOptions = {
      resumable: true,
      chunkSize: this.chunkSize,
      validation: 'crc32c',
      metadata: { contentType: options.contentType },
      preconditionOpts: options.ifAbsent ? { ifGenerationMatch: 0 } : undefined,
    }
    return new GcsUpload({
      url: this.url(key),
      ifAbsent: options.ifAbsent,
      chunkSize: this.chunkSize,
      open: () => this.bucketRef.file(key).createWriteStream(streamOptions),
      // the library would finish an empty resumable upload with `Content-Range: bytes 0--1/0`
      putEmpty: () => this.put(key, new Uint8Array(0), options),
    })
  }

  async put(key: string, body: Uint8Array, options: WriteOptions): Promise<void> {
    const file = this.bucketRef.file(key)
    const streamOptions: CreateWriteStreamOptions = { resumable: false, validation: 'crc32c', metadata: { contentType: options.contentType } }
    try {
      // save() retries a preconditioned write; without a precondition it would switch the shared
      // client's autoRetry off and never restore it, so unconditional writes use the stream directly
      if (options.ifAbsent) await file.save(Buffer.from(body), { ...streamOptions, preconditionOpts: { ifGenerationMatch: 0 } })
      else await writeInOneRequest(file, Buffer.from(body), streamOptions)
    } catch (err) {
      throw toGcsError(err, 'write', this.url(key), { ifAbsent: options.ifAbsent })
    }
  }

  async read(key: string): Promise<Buffer | null> {
    try {
      const [contents] = await this.bucketRef.file(key).download()
      return contents
    } catch (err) {
      if (isObjectNotFound(err)) return null
      throw toGcsError(err, 'read', this.url(key))
    }
  }

  async stat(key: string): Promise<{ readonly bytes: number } | null> {
    try {
      const [metadata] = await this.bucketRef.file(key).getMetadata()
      return { bytes: Number(metadata.size ?? 0) }
    } catch (err) {
      if (isObjectNotFound(err)) return null
      throw toGcsError(err, 'inspect', this.url(key))
    }
  }

  async readStream(key: string): Promise<AsyncIterable<Uint8Array> | null> {
    // a read stream reports a missing object only once consumed: ask first
    if ((await this.stat(key)) === null) return null
    const url = this.url(key)
    return mapStreamErrors(this.bucketRef.file(key).createReadStream(), (err) => toGcsError(err, 'read', url))
  }

  async readRange(key: string, start: number, length: number): Promise<Buffer | null> {
    if (length <= 0) return (await this.exists(key)) ? Buffer.alloc(0) : null
    try {
      const [contents] = await this.bucketRef.file(key).download({ start, end: start + length - 1 })
      return contents
    } catch (err) {
      if (isObjectNotFound(err)) return null
      throw toGcsError(err, 'read', this.url(key))
    }
  }

  async list(prefix: string): Promise<string[]> {
    try {
      const [files] = await this.bucketRef.getFiles({ prefix, autoPaginate: true })
      return files.map((f) => f.name)
    } catch (err) {
      throw toGcsError(err, 'list', this.url(prefix))
    }
  }

  async remove(key: string): Promise<void> {
    try {
      await this.bucketRef.file(key).delete({ ignoreNotFound: true })
    } catch (err) {
      throw toGcsError(err, 'delete', this.url(key))
    }
  }

  async close(): Promise<void> {
    // the library keeps no connection pool of its own to release
  }
}

/** The chunk size Cloud Storage accepts for `partSizeBytes`: rounded up to a multiple of 256 KiB, at least 256 KiB. */
export function gcsChunkSize(partSizeBytes: number): number {
  if (!Number.isFinite(partSizeBytes) || partSizeBytes <= GCS_CHUNK_GRANULE) return GCS_CHUNK_GRANULE
  return Math.ceil(partSizeBytes / GCS_CHUNK_GRANULE) * GCS_CHUNK_GRANULE
}

/**
 * The client settings. A custom endpoint (an emulator) is used without authentication unless a
 * key file is given, in which case the library must be told to authenticate anyway; against
 * Google's endpoint the key file, or else application default credentials, sign every request.
 */
export function gcsStorageOptions(options: GcsStoreOptions): StorageOptions {
  const settings: StorageOptions = { retryOptions: { autoRetry: true, maxRetries: MAX_RETRIES } }
  if (options.endpoint !== null) {
    settings.apiEndpoint = options.endpoint
    if (options.credentialsFile !== null) settings.useAuthWithCustomEndpoint = true
  }
  if (options.credentialsFile !== null) settings.keyFilename = options.credentialsFile
  return settings
}

/** Upload a small object in one (multipart) request; the library does not retry an unconditional one. */
function writeInOneRequest(file: File, body: Buffer, options: CreateWriteStreamOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    file.createWriteStream(options).on('error', reject).on('finish', resolve).end(body)
  })
}

/** What a GcsUpload needs from its store. */
interface UploadTarget {
  readonly url: string
  readonly ifAbsent: boolean
  readonly chunkSize: number
  /** The library's resumable write stream; nothing is sent before the first write. */
  open(): Writable
  /** Write the object empty in one request: an upload that ends without a byte. */
  putEmpty(): Promise<void>
}

/**
 * One resumable upload. Writes go into the library's write stream, and each write waits until the
 * server has persisted all but about one chunk of what was written (the library reports each
 * chunk's 308 Range as a 'response' event): left to itself the library would take up to three
 * chunks ahead. The first failure of the stream is kept, mapped, and returned by every later call.
 */
class GcsUpload implements ObjectUpload {
  private stream: Writable | undefined
  private failure: RivetError | undefined
  private finished = false
  private aborted = false
  /** Bytes handed to the stream, and bytes the server said it persisted. */
  private written = 0
  private persisted = 0

  constructor(private readonly target: UploadTarget) {}

  async write(chunk: Uint8Array): Promise<void> {
    this.throwIfStopped()
    if (chunk.byteLength === 0) return
    const stream = this.stream ?? this.open()
    this.written += chunk.byteLength
    // the stream keeps a reference until the chunk is sent: copy, since the caller may reuse it
    if (!stream.write(Buffer.from(chunk))) await this.waitFor(stream, 'drain')
    while (this.written - this.persisted > this.target.chunkSize) await this.waitFor(stream, 'response')
  }

  async end(): Promise<void> {
    if (this.finished) return
    this.throwIfStopped()
    if (this.stream === undefined) {
      try {
        await this.target.putEmpty()
      } catch (err) {
        this.failure ??= toGcsError(err, 'upload', this.target.url, { ifAbsent: this.target.ifAbsent })
        throw this.failure
      }
      this.finished = true
      return
    }
    if (!this.stream.writableEnded) this.stream.end()
    await this.waitFor(this.stream, 'finish')
  }

  async abort(): Promise<void> {
    if (this.finished || this.aborted) return
    this.aborted = true
    try {
      this.stream?.destroy()
    } catch {
      // abort never throws: the upload is abandoned either way
    }
  }

  private open(): Writable {
    const stream = this.target.open()
    // registered first, so the failure is recorded before any waiter hears of it
    stream.on('error', (err: unknown) => {
      this.failure ??= toGcsError(err, 'upload', this.target.url, { ifAbsent: this.target.ifAbsent })
    })
    stream.once('finish', () => {
      this.finished = true
    })
    stream.on('response', (response: unknown) => {
      this.persisted = Math.max(this.persisted, persistedBytes(response))
    })
    this.stream = stream
    return stream
  }

  private throwIfStopped(): void {
    if (this.failure !== undefined) throw this.failure
    if (this.aborted || this.stream?.destroyed === true) throw this.stopped()
  }

  private stopped(): RivetError {
    return new RivetError('RIVET_DEST_WRITE', `the upload to ${this.target.url} stopped before it completed`, { details: { url: this.target.url, action: 'upload' } })
  }

  /** Resolve on `event`; reject with the upload's failure as soon as the stream errors or closes first. */
  private waitFor(stream: Writable, event: 'drain' | 'finish' | 'response'): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const settle = (fail: boolean) => {
        stream.off(event, onEvent)
        stream.off('error', onStop)
        stream.off('close', onStop)
        if (fail) reject(this.failure ?? this.stopped())
        else resolve()
      }
      const onEvent = () => settle(false)
      const onStop = () => settle(true)
      stream.once(event, onEvent)
      stream.once('error', onStop)
      stream.once('close', onStop)
      if (stream.destroyed) settle(true)
    })
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

/** Bytes the server has persisted, from a chunk response's `Range: bytes=0-N` header (0 if absent). */
function persistedBytes(response: unknown): number {
  const headers = field(response, 'headers')
  const range = typeof headers === 'object' && headers !== null && 'get' in headers && typeof headers.get === 'function' ? (headers.get('range') as unknown) : field(headers, 'range')
  const last = typeof range === 'string' ? /bytes=\d+-(\d+)/.exec(range)?.[1] : undefined
  return last === undefined ? 0 : Number(last) + 1
}

/** What the error says about itself, whatever its shape: ApiError, GaxiosError, a plain `{ code, message }` body, or a network error. */
interface ErrorFacts {
  readonly status: number | undefined
  /** An errno-style code (ECONNREFUSED, ENOENT…) of a failure below HTTP. */
  readonly networkCode: string | undefined
  readonly message: string
}

const NETWORK_CODE = /^(?:E[A-Z]+|UND_ERR_[A-Z_]+)$/
const NETWORK_CODES = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNABORTED|ESOCKETTIMEDOUT|UND_ERR_[A-Z_]+)\b/

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined
}

function asStatus(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599) return value
  if (typeof value === 'string' && /^[1-5]\d\d$/.test(value)) return Number(value)
  return undefined
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message
  const message = field(err, 'message')
  if (typeof message === 'string') return message
  return typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err))
}

/** The `error.message` of a JSON API error body, given as an object or as JSON text. */
function bodyMessage(body: unknown): string | undefined {
  let parsed = body
  if (typeof body === 'string' && body.trimStart().startsWith('{')) {
    try {
      parsed = JSON.parse(body) as unknown
    } catch {
      return undefined
    }
  }
  const message = field(field(parsed, 'error'), 'message')
  return typeof message === 'string' && message !== '' ? message : undefined
}

/** URL parameters that grant access: a resumable session id lets anyone holding it upload, a token or key authenticates. */
const SECRET_PARAMS = /\b(upload_id|access_token|key|token)=[^&\s"']+/gi

/** The most telling message: the API's own words where the error carries its response body (GaxiosError), else the error's; secrets in URLs masked. */
function readableMessage(err: unknown, status: number | undefined): string {
  const own = errorMessage(err)
  const api = bodyMessage(field(field(err, 'response'), 'data')) ?? bodyMessage(own)
  const message = api === undefined ? own : status !== undefined && !api.includes(String(status)) ? `${api} (HTTP ${status})` : api
  return message.replace(SECRET_PARAMS, '$1=…')
}

/** The HTTP status and network error code of `err`, looking through `response`, `cause` and `error`. */
function errorFacts(err: unknown): ErrorFacts {
  const status = asStatus(field(err, 'status')) ?? asStatus(field(err, 'code')) ?? asStatus(field(field(err, 'response'), 'status'))
  const message = readableMessage(err, status)
  const codes = [field(err, 'code'), field(field(err, 'cause'), 'code'), field(field(err, 'error'), 'code')]
  const named = codes.find((c): c is string => typeof c === 'string' && NETWORK_CODE.test(c))
  const networkCode = named ?? NETWORK_CODES.exec(message)?.[1]
  return { status, networkCode, message }
}

/** A 404 that names the bucket rather than the object: the bucket does not exist. */
function isMissingBucket(facts: ErrorFacts): boolean {
  return facts.status === 404 && /bucket/i.test(facts.message) && !/no such object/i.test(facts.message)
}

/** A 404 for the object itself (the bucket exists). */
function isObjectNotFound(err: unknown): boolean {
  const facts = errorFacts(err)
  return facts.status === 404 && !isMissingBucket(facts)
}

/** Credential problems that happen before any request reaches the bucket. */
const CREDENTIAL_FAILURE = /could not load the default credentials|invalid_grant|unauthorized_client|invalid_client|error:[0-9a-f]+:.*(?:pem|decoder)|private key/i
/** Errno codes of reading a local file: the only local file the client reads is the key file. */
const FILE_CODES: ReadonlySet<string> = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR'])

function isCredentialFailure(facts: ErrorFacts): boolean {
  if (facts.status === 401 || facts.status === 403) return true
  if (facts.status !== undefined) return false
  return CREDENTIAL_FAILURE.test(facts.message) || (facts.networkCode !== undefined && FILE_CODES.has(facts.networkCode))
}

function authHint(facts: ErrorFacts, url: string): string {
  const roles =
    "and the account's roles on the bucket: roles/storage.objectCreator to write, roles/storage.objectViewer to read back, " +
    'roles/storage.objectAdmin to delete or replace objects'
  const where = 'destination.credentials_file (a service-account key) or the application default credentials (GOOGLE_APPLICATION_CREDENTIALS, or `gcloud auth application-default login`)'
  if (facts.status === undefined) return `no usable credentials for ${url}: check ${where}, ${roles}`
  return `Cloud Storage refused the credentials for ${url} (HTTP ${facts.status}): check ${where}, ${roles}`
}

function writeHint(facts: ErrorFacts): string {
  if (facts.networkCode !== undefined && !FILE_CODES.has(facts.networkCode)) return `could not reach Cloud Storage (${facts.networkCode}): check network access and destination.endpoint, then run again`
  if (facts.status === 429) return 'Cloud Storage is throttling requests (429): lower parallelism or run again later'
  if (facts.status !== undefined && facts.status >= 500) return `Cloud Storage answered ${facts.status} (a server-side failure): run again`
  if (facts.status === 408) return 'the request to Cloud Storage timed out: run again'
  return 'the write to Cloud Storage failed: run again, and check the bucket and network if it repeats'
}

/** Code and hint for an error, in the order of the checks that decide them. */
function classify(facts: ErrorFacts, url: string, ifAbsent: boolean): { code: ErrorCode; hint: string } {
  if (isCredentialFailure(facts)) {
    return { code: 'RIVET_DEST_AUTH', hint: authHint(facts, url) }
  }
  if (facts.status === 404) {
    return { code: 'RIVET_DEST_INVALID', hint: `the bucket of ${url} was not found: check destination.bucket and, if set, destination.endpoint` }
  }
  if (facts.status === 412 && ifAbsent) {
    return { code: 'RIVET_OUTPUT_CONFLICT', hint: `${url} already exists and Rivet never replaces an object: change the prefix or remove the object` }
  }
  return { code: 'RIVET_DEST_WRITE', hint: writeHint(facts) }
}

/**
 * Map an error of @google-cloud/storage to a RivetError: 401/403 (and credentials that cannot be
 * loaded) → RIVET_DEST_AUTH; 404 (no such bucket) → RIVET_DEST_INVALID; 412 of an `ifAbsent`
 * write → RIVET_OUTPUT_CONFLICT; everything else — network failures, 408, 429, 5xx, the library's
 * "Retry limit exceeded" — → RIVET_DEST_WRITE, which is retryable. The message names the action,
 * the gs:// URL and the cause's message (never credentials); the original error is the `cause`
 * (a bare JSON error body, which the library emits for a failed chunk, is wrapped in an Error).
 */
export function toGcsError(err: unknown, action: string, url: string, options: { readonly ifAbsent?: boolean } = {}): RivetError {
  const facts = errorFacts(err)
  const { code, hint } = classify(facts, url, options.ifAbsent === true)
  const message = code === 'RIVET_OUTPUT_CONFLICT' ? `cannot ${action} ${url}: the object already exists; Cloud Storage said: ${facts.message}` : `cannot ${action} ${url}: ${facts.message}`
  const details: Record<string, unknown> = { url, action }
  if (facts.status !== undefined) details.status = facts.status
  if (facts.networkCode !== undefined) details.reason = facts.networkCode
  return new RivetError(code, message, { hint, details, cause: asError(err, facts) })
}

/** The library passes some failures on as bare JSON error bodies: keep those as an Error, so the cause prints and crosses threads. */
function asError(err: unknown, facts: ErrorFacts): Error {
  if (err instanceof Error) return err
  const wrapped = new Error(facts.message)
  wrapped.name = 'GcsApiError'
  if (facts.status !== undefined) Object.assign(wrapped, { code: facts.status })
  return wrapped
}
