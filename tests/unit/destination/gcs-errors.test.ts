import { ApiError } from '@google-cloud/storage'
import { describe, expect, it } from 'vitest'
import { gcsChunkSize, gcsStorageOptions, toGcsError } from '../../../src/destination/gcs/index.js'

const URL = 'gs://acme-extracts/raw/orders/part-0.parquet'

/** A GaxiosError as gaxios builds it for an HTTP failure: status, response body, the request config. */
function gaxiosError(status: number, apiMessage: string): Error {
  return Object.assign(new Error(`Request failed with status code ${status}`), {
    name: 'GaxiosError',
    status,
    config: { url: 'https://storage.googleapis.com/upload/storage/v1/b/acme-extracts/o', headers: { Authorization: 'Bearer ya29.SECRET-TOKEN' } },
    response: { status, statusText: 'x', data: { error: { code: status, message: apiMessage } }, headers: {} },
  })
}

function networkError(code: string): Error {
  return Object.assign(new Error(`request to https://storage.googleapis.com/storage/v1/b/acme-extracts/o failed, reason: connect ${code} 10.1.2.3:443`), { name: 'FetchError', code })
}

describe('toGcsError', () => {
  it('maps 401 and 403 to RIVET_DEST_AUTH with a hint about credentials and roles', () => {
    for (const status of [401, 403]) {
      const cause = new ApiError({ code: status, message: 'caller does not have storage.objects.create access' })
      const err = toGcsError(cause, 'upload', URL)
      expect(err.code).toBe('RIVET_DEST_AUTH')
      expect(err.retryable).toBe(false)
      expect(err.message).toBe(`cannot upload ${URL}: caller does not have storage.objects.create access`)
      expect(err.hint).toContain('credentials_file')
      expect(err.hint).toContain('roles/storage.objectCreator')
      expect(err.hint).toContain('roles/storage.objectViewer')
      expect(err.hint).toContain('roles/storage.objectAdmin')
      expect(err.details).toEqual({ url: URL, action: 'upload', status })
      expect(err.cause).toBe(cause)
    }
  })

  it('maps credentials that cannot be loaded (no ADC, unreadable key file, rejected grant) to RIVET_DEST_AUTH', () => {
    const adc = new Error('Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.')
    expect(toGcsError(adc, 'write', URL).code).toBe('RIVET_DEST_AUTH')
    const keyFile = Object.assign(new Error("ENOENT: no such file or directory, open '/etc/rivet/key.json'"), { code: 'ENOENT', errno: -2 })
    const mapped = toGcsError(keyFile, 'write', URL)
    expect(mapped.code).toBe('RIVET_DEST_AUTH')
    expect(mapped.hint).toMatch(/^no usable credentials/)
    expect(toGcsError(new Error('invalid_grant: Invalid JWT Signature.'), 'write', URL).code).toBe('RIVET_DEST_AUTH')
  })

  it('maps a 404 (no such bucket) to RIVET_DEST_INVALID with the API message', () => {
    const err = toGcsError(gaxiosError(404, 'The specified bucket does not exist.'), 'upload', URL)
    expect(err.code).toBe('RIVET_DEST_INVALID')
    expect(err.message).toBe(`cannot upload ${URL}: The specified bucket does not exist. (HTTP 404)`)
    expect(err.hint).toContain('destination.bucket')
    expect(err.hint).toContain('endpoint')
    expect(err.details).toMatchObject({ status: 404 })
  })

  it('maps a 412 of an ifAbsent write to RIVET_OUTPUT_CONFLICT, in every shape the library reports it', () => {
    const shapes: unknown[] = [
      new ApiError({ code: 412, message: 'At least one of the pre-conditions you specified did not hold.' }),
      gaxiosError(412, 'At least one of the pre-conditions you specified did not hold.'),
      // a failed chunk: the library destroys the upload with the bare JSON error body
      { code: 412, message: 'At least one of the pre-conditions you specified did not hold.' },
      Object.assign(new Error('Upload failed'), { code: 412 }),
      { code: '412', message: 'Precondition Failed' },
    ]
    for (const shape of shapes) {
      const err = toGcsError(shape, 'upload', URL, { ifAbsent: true })
      expect(err.code).toBe('RIVET_OUTPUT_CONFLICT')
      expect(err.message).toContain(URL)
      expect(err.message).toContain('already exists')
      expect(err.cause).toBeInstanceOf(Error)
    }
  })

  it('keeps a bare JSON error body as an Error cause with its message and status', () => {
    const err = toGcsError({ code: 412, message: 'did not hold' }, 'upload', URL, { ifAbsent: true })
    expect(err.cause).toBeInstanceOf(Error)
    expect((err.cause as Error).name).toBe('GcsApiError')
    expect((err.cause as Error).message).toBe('did not hold')
    expect((err.cause as { code?: unknown }).code).toBe(412)
    expect(err.toJSON().cause).toBe('GcsApiError: did not hold')
  })

  it('maps a 412 without ifAbsent to retryable RIVET_DEST_WRITE: Rivet set no precondition', () => {
    const err = toGcsError(gaxiosError(412, 'Precondition Failed'), 'write', URL)
    expect(err.code).toBe('RIVET_DEST_WRITE')
    expect(err.retryable).toBe(true)
  })

  it('maps network failures to retryable RIVET_DEST_WRITE, naming the errno code', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']) {
      const err = toGcsError(networkError(code), 'upload', URL)
      expect(err.code).toBe('RIVET_DEST_WRITE')
      expect(err.retryable).toBe(true)
      expect(err.details).toEqual({ url: URL, action: 'upload', reason: code })
      expect(err.hint).toContain(code)
    }
    // undici puts the code on `cause`; the library's own retry error only names it in the message
    const fetchFailed = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) })
    expect(toGcsError(fetchFailed, 'read', URL).details).toMatchObject({ reason: 'ECONNREFUSED' })
    const retryLimit = new Error('Retry limit exceeded - status: NaN - request to http://x/ failed, reason: socket hang up - code: ECONNRESET')
    const mapped = toGcsError(retryLimit, 'upload', URL)
    expect(mapped.code).toBe('RIVET_DEST_WRITE')
    expect(mapped.details).toMatchObject({ reason: 'ECONNRESET' })
  })

  it('maps 408, 429 and 5xx to retryable RIVET_DEST_WRITE with a hint for each', () => {
    const hints = new Map<number, RegExp>([
      [408, /timed out/],
      [429, /throttling/],
      [500, /500/],
      [502, /502/],
      [503, /503/],
      [504, /504/],
    ])
    for (const [status, hint] of hints) {
      const err = toGcsError(new ApiError({ code: status, message: `status ${status}` }), 'write', URL)
      expect(err.code).toBe('RIVET_DEST_WRITE')
      expect(err.exitCode).toBe(2)
      expect(err.hint).toMatch(hint)
      expect(err.details).toMatchObject({ status })
    }
  })

  it('maps anything else to RIVET_DEST_WRITE and keeps the original as cause', () => {
    const cause = new RangeError('The offset is lower than the number of bytes written.')
    const err = toGcsError(cause, 'upload', URL)
    expect(err.code).toBe('RIVET_DEST_WRITE')
    expect(err.message).toBe(`cannot upload ${URL}: The offset is lower than the number of bytes written.`)
    expect(err.cause).toBe(cause)
    expect(err.details).toEqual({ url: URL, action: 'upload' })
    expect(toGcsError('a string', 'read', URL).message).toBe(`cannot read ${URL}: a string`)
    expect(toGcsError(undefined, 'read', URL).code).toBe('RIVET_DEST_WRITE')
  })

  it('reads the API message out of a JSON-text error message', () => {
    const err = toGcsError(new ApiError({ code: 503, message: '{"error":{"code":503,"message":"Backend Error"}}' }), 'read', URL)
    expect(err.message).toBe(`cannot read ${URL}: Backend Error (HTTP 503)`)
  })

  it('never puts credentials from the failed request into the message, hint or JSON form', () => {
    const err = toGcsError(gaxiosError(403, 'Forbidden'), 'write', URL)
    const json = JSON.stringify(err.toJSON())
    expect(json).not.toContain('SECRET-TOKEN')
    expect(err.message).not.toContain('SECRET-TOKEN')
    expect(err.hint).not.toContain('SECRET-TOKEN')
  })

  it('masks the resumable session id and tokens of a failed request URL in the message', () => {
    const failed = Object.assign(
      new Error('request to https://storage.googleapis.com/upload/storage/v1/b/acme-extracts/o?uploadType=resumable&name=a&upload_id=ADPycdv-SESSION failed, reason: socket hang up'),
      { code: 'ECONNRESET' },
    )
    const err = toGcsError(failed, 'upload', URL)
    expect(err.message).not.toContain('ADPycdv-SESSION')
    expect(err.message).toContain('upload_id=…')
    expect(err.message).toContain('uploadType=resumable&name=a')
    expect(toGcsError(new Error('GET https://x/o?access_token=ya29.abc&alt=media failed'), 'read', URL).message).not.toContain('ya29.abc')
  })
})

describe('gcsChunkSize', () => {
  it('rounds up to a multiple of 256 KiB, at least 256 KiB', () => {
    const KiB = 1024
    expect(gcsChunkSize(1)).toBe(256 * KiB)
    expect(gcsChunkSize(0)).toBe(256 * KiB)
    expect(gcsChunkSize(Number.NaN)).toBe(256 * KiB)
    expect(gcsChunkSize(256 * KiB)).toBe(256 * KiB)
    expect(gcsChunkSize(256 * KiB + 1)).toBe(512 * KiB)
    expect(gcsChunkSize(5_000_000)).toBe(5 * 1024 * KiB)
    expect(gcsChunkSize(8 * 1024 * KiB)).toBe(8 * 1024 * KiB)
  })
})

describe('gcsStorageOptions', () => {
  const base = { bucket: 'b', partSizeBytes: 8 * 1024 * 1024 }
  const retryOptions = { autoRetry: true, maxRetries: 3 }

  it('talks to an emulator endpoint without authentication when no key file is given', () => {
    expect(gcsStorageOptions({ ...base, endpoint: 'http://127.0.0.1:4443', credentialsFile: null })).toEqual({ apiEndpoint: 'http://127.0.0.1:4443', retryOptions })
  })

  it('authenticates against a custom endpoint when a key file is given', () => {
    expect(gcsStorageOptions({ ...base, endpoint: 'https://gcs.internal', credentialsFile: '/etc/rivet/key.json' })).toEqual({
      apiEndpoint: 'https://gcs.internal',
      useAuthWithCustomEndpoint: true,
      keyFilename: '/etc/rivet/key.json',
      retryOptions,
    })
  })

  it("uses the key file, or else application default credentials, against Google's endpoint", () => {
    expect(gcsStorageOptions({ ...base, endpoint: null, credentialsFile: '/etc/rivet/key.json' })).toEqual({ keyFilename: '/etc/rivet/key.json', retryOptions })
    expect(gcsStorageOptions({ ...base, endpoint: null, credentialsFile: null })).toEqual({ retryOptions })
  })
})
