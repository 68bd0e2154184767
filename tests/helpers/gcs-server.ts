import { createHash, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CRC32C } from '@google-cloud/storage'

/**
 * A Cloud Storage server on a loopback port for tests: the JSON API and resumable-upload protocol
 * that @google-cloud/storage speaks (create an upload session, PUT its chunks with Content-Range,
 * answer 308 with the persisted Range until the last one; simple `media` and `multipart` uploads;
 * object metadata, media download, list, delete), with objects in memory and real md5/crc32c
 * hashes so the client's validation runs. It honours `ifGenerationMatch` on uploads (412 when the
 * precondition fails, checked when a session starts and again when it completes), answers 404 for
 * a bucket it was not given, and can be made to fail requests or die mid-upload.
 */
export interface GcsTestServer {
  /** http://127.0.0.1:PORT — pass as `apiEndpoint`. */
  readonly endpoint: string
  readonly objects: ReadonlyMap<string, Buffer>
  /** Content type each object was stored with, by `bucket/name`. */
  readonly contentTypes: ReadonlyMap<string, string>
  /** Chunk PUTs received so far (to check that uploads were resumable and multi-part). */
  readonly chunkPuts: number
  /** Bytes of resumable-upload chunks received so far (repeats counted once). */
  readonly bytesReceived: number
  /** Resumable upload sessions created so far. */
  readonly sessionsCreated: number
  /** Simple (`media` or `multipart`) uploads received so far. */
  readonly simpleUploads: number
  /** Requests answered with an injected failure so far. */
  readonly failuresServed: number
  /** Answer the next `count` requests, whatever they are, with `status` and a JSON error body. */
  failNext(status: number, count?: number): void
  /** Stop listening and drop every open connection, as a crashed server would: later requests are refused. */
  kill(): Promise<void>
  close(): Promise<void>
}

interface Session {
  readonly bucket: string
  readonly name: string
  readonly contentType: string
  readonly ifGenerationMatch: string | null
  readonly parts: Buffer[]
  received: number
}

interface MultipartPart {
  readonly headers: string
  readonly body: Buffer
}

const MISSING_BUCKET = 'The specified bucket does not exist.'

/** The parts of a `multipart/related` body, as the client's simple multipart upload sends it. */
function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1]
  if (boundary === undefined) return []
  const delimiter = Buffer.from(`--${boundary}`)
  const parts: MultipartPart[] = []
  let at = body.indexOf(delimiter)
  while (at !== -1) {
    let start = at + delimiter.length
    if (body.subarray(start, start + 2).toString('latin1') === '--') break
    if (body.subarray(start, start + 2).toString('latin1') === '\r\n') start += 2
    const next = body.indexOf(delimiter, start)
    if (next === -1) break
    const end = body.subarray(next - 2, next).toString('latin1') === '\r\n' ? next - 2 : next
    const part = body.subarray(start, end)
    const split = part.indexOf('\r\n\r\n')
    if (split !== -1) parts.push({ headers: part.subarray(0, split).toString('utf8'), body: part.subarray(split + 4) })
    at = next
  }
  return parts
}

export async function startGcsServer(buckets: readonly string[]): Promise<GcsTestServer> {
  const objects = new Map<string, Buffer>()
  const contentTypes = new Map<string, string>()
  const generations = new Map<string, number>()
  const sessions = new Map<string, Session>()
  let chunkPuts = 0
  let bytesReceived = 0
  let sessionsCreated = 0
  let simpleUploads = 0
  let nextGeneration = 1
  let failures: { status: number; remaining: number } | null = null
  let failuresServed = 0
  let endpoint = ''
  const key = (bucket: string, name: string) => `${bucket}/${name}`

  const metadata = (bucket: string, name: string, data: Buffer) => {
    const crc = new CRC32C()
    crc.update(data)
    const generation = String(generations.get(key(bucket, name)) ?? 1)
    return {
      kind: 'storage#object', bucket, name, id: `${bucket}/${name}/${generation}`, generation, metageneration: '1', size: String(data.length),
      md5Hash: createHash('md5').update(data).digest('base64'), crc32c: crc.toString(), contentType: contentTypes.get(key(bucket, name)) ?? 'application/octet-stream',
      timeCreated: new Date().toISOString(), updated: new Date().toISOString(),
    }
  }

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const error = (res: ServerResponse, status: number, message: string) => json(res, status, { error: { code: status, message, errors: [{ message }] } })

  /** Whether an `ifGenerationMatch` precondition fails for the object as it is now. */
  const preconditionFails = (bucket: string, name: string, ifGenerationMatch: string | null): boolean => {
    if (ifGenerationMatch === null) return false
    const current = generations.get(key(bucket, name))
    return ifGenerationMatch === '0' ? current !== undefined : String(current) !== ifGenerationMatch
  }

  const store = (bucket: string, name: string, data: Buffer, contentType: string) => {
    objects.set(key(bucket, name), data)
    contentTypes.set(key(bucket, name), contentType)
    generations.set(key(bucket, name), nextGeneration++)
  }

  const remove = (bucket: string, name: string) => {
    objects.delete(key(bucket, name))
    contentTypes.delete(key(bucket, name))
    generations.delete(key(bucket, name))
  }

  const startSession = (res: ServerResponse, url: URL, bucket: string, req: IncomingMessage, body: Buffer) => {
    const meta = body.length > 0 ? (JSON.parse(body.toString('utf8')) as { name?: string; contentType?: string }) : {}
    const name = url.searchParams.get('name') ?? meta.name ?? ''
    const ifGenerationMatch = url.searchParams.get('ifGenerationMatch')
    if (preconditionFails(bucket, name, ifGenerationMatch)) return error(res, 412, 'At least one of the pre-conditions you specified did not hold.')
    const header = req.headers['x-upload-content-type']
    const contentType = (typeof header === 'string' ? header : undefined) ?? meta.contentType ?? 'application/octet-stream'
    const id = randomUUID()
    sessions.set(id, { bucket, name, contentType, ifGenerationMatch, parts: [], received: 0 })
    sessionsCreated++
    res.writeHead(200, { location: `${endpoint}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable&upload_id=${id}` })
    return res.end()
  }

  const simpleUpload = (res: ServerResponse, url: URL, bucket: string, req: IncomingMessage, body: Buffer) => {
    simpleUploads++
    let data = body
    let meta: { name?: string; contentType?: string } = {}
    if (url.searchParams.get('uploadType') === 'multipart') {
      const parts = parseMultipart(body, req.headers['content-type'] ?? '')
      if (parts.length !== 2) return error(res, 400, 'multipart upload needs a metadata part and a media part')
      meta = JSON.parse(parts[0]!.body.toString('utf8')) as { name?: string; contentType?: string }
      data = parts[1]!.body
      meta.contentType ??= /content-type:\s*([^\r\n]+)/i.exec(parts[1]!.headers)?.[1]
    } else {
      meta.contentType = req.headers['content-type']
    }
    const name = url.searchParams.get('name') ?? meta.name ?? ''
    if (name === '') return error(res, 400, 'object name required')
    if (preconditionFails(bucket, name, url.searchParams.get('ifGenerationMatch'))) return error(res, 412, 'At least one of the pre-conditions you specified did not hold.')
    store(bucket, name, Buffer.from(data), meta.contentType ?? 'application/octet-stream')
    return json(res, 200, metadata(bucket, name, data))
  }

  const putChunk = (res: ServerResponse, url: URL, req: IncomingMessage, body: Buffer) => {
    const id = url.searchParams.get('upload_id') ?? ''
    const session = sessions.get(id)
    if (session === undefined) return error(res, 404, 'no such upload session')
    chunkPuts++
    const range = /^bytes (\*|(\d+)-(\d+))\/(\*|\d+)$/.exec(req.headers['content-range'] ?? `bytes */*`)
    if (range === null) return error(res, 400, 'bad Content-Range')
    if (range[2] !== undefined) {
      const start = Number(range[2])
      // a chunk repeated after a lost reply: keep only what is new
      if (start > session.received) return error(res, 400, 'gap in upload')
      const fresh = body.subarray(session.received - start)
      session.parts.push(fresh)
      session.received += fresh.length
      bytesReceived += fresh.length
    }
    const total = range[4] === '*' ? null : Number(range[4])
    if (total !== null && session.received >= total) {
      sessions.delete(id)
      // the precondition holds at completion too: another writer may have won meanwhile
      if (preconditionFails(session.bucket, session.name, session.ifGenerationMatch)) return error(res, 412, 'At least one of the pre-conditions you specified did not hold.')
      const data = Buffer.concat(session.parts)
      store(session.bucket, session.name, data, session.contentType)
      return json(res, 200, metadata(session.bucket, session.name, data))
    }
    res.writeHead(308, session.received > 0 ? { range: `bytes=0-${session.received - 1}` } : {})
    return res.end()
  }

  const objectRoute = (res: ServerResponse, url: URL, req: IncomingMessage, bucket: string, encodedName: string | undefined) => {
    if (encodedName === undefined && req.method === 'GET') {
      const prefix = url.searchParams.get('prefix') ?? ''
      const items = [...objects].filter(([k]) => k.startsWith(`${bucket}/${prefix}`)).map(([k, v]) => metadata(bucket, k.slice(bucket.length + 1), v))
      return json(res, 200, { kind: 'storage#objects', items })
    }
    const name = decodeURIComponent(encodedName ?? '')
    const data = objects.get(key(bucket, name))
    if (data === undefined) return error(res, 404, `No such object: ${bucket}/${name}`)
    if (req.method === 'DELETE') {
      remove(bucket, name)
      res.writeHead(204)
      return res.end()
    }
    if (url.searchParams.get('alt') === 'media') {
      const meta = metadata(bucket, name, data)
      res.writeHead(200, { 'content-type': meta.contentType, 'content-length': data.length, 'x-goog-hash': `crc32c=${meta.crc32c},md5=${meta.md5Hash}` })
      return res.end(data)
    }
    return json(res, 200, metadata(bucket, name, data))
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', endpoint)
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    if (failures !== null && failures.remaining > 0) {
      failures.remaining--
      failuresServed++
      return error(res, failures.status, `injected failure ${failures.status}`)
    }
    let m = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname)
    if (m !== null) {
      const bucket = decodeURIComponent(m[1]!)
      if (req.method === 'PUT') return putChunk(res, url, req, body)
      if (!buckets.includes(bucket)) return error(res, 404, MISSING_BUCKET)
      const uploadType = url.searchParams.get('uploadType')
      if (req.method === 'POST' && uploadType === 'resumable') return startSession(res, url, bucket, req, body)
      if (req.method === 'POST' && (uploadType === 'media' || uploadType === 'multipart')) return simpleUpload(res, url, bucket, req, body)
    }
    m = /^\/(?:download\/)?storage\/v1\/b\/([^/]+)\/o(?:\/(.+))?$/.exec(url.pathname)
    if (m !== null) {
      const bucket = decodeURIComponent(m[1]!)
      if (!buckets.includes(bucket)) return error(res, 404, MISSING_BUCKET)
      return objectRoute(res, url, req, bucket, m[2])
    }
    error(res, 404, `unknown route ${req.method} ${url.pathname}`)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) error(res, 500, String(err))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  return {
    endpoint,
    objects,
    contentTypes,
    get chunkPuts() {
      return chunkPuts
    },
    get bytesReceived() {
      return bytesReceived
    },
    get sessionsCreated() {
      return sessionsCreated
    },
    get simpleUploads() {
      return simpleUploads
    },
    get failuresServed() {
      return failuresServed
    },
    failNext(status: number, count = 1) {
      failures = { status, remaining: count }
    },
    kill: stop,
    close: stop,
  }
}
