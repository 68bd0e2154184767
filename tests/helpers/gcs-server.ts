import { createHash, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CRC32C } from '@google-cloud/storage'

/**
 * A Cloud Storage server on a loopback port for tests: the JSON API and resumable-upload protocol
 * that @google-cloud/storage speaks (create an upload session, PUT its chunks with Content-Range,
 * answer 308 with the persisted Range until the last one; object metadata, media download, list,
 * delete), with objects in memory and real md5/crc32c hashes so the client's validation runs.
 */
export interface GcsTestServer {
  /** http://127.0.0.1:PORT — pass as `apiEndpoint`. */
  readonly endpoint: string
  readonly objects: ReadonlyMap<string, Buffer>
  /** Chunk PUTs received so far (to check that uploads were resumable and multi-part). */
  readonly chunkPuts: number
  close(): Promise<void>
}

interface Session {
  readonly bucket: string
  readonly name: string
  readonly parts: Buffer[]
  received: number
}

export async function startGcsServer(buckets: readonly string[]): Promise<GcsTestServer> {
  const objects = new Map<string, Buffer>()
  const sessions = new Map<string, Session>()
  let chunkPuts = 0
  let endpoint = ''
  const key = (bucket: string, name: string) => `${bucket}/${name}`

  const metadata = (bucket: string, name: string, data: Buffer) => {
    const crc = new CRC32C()
    crc.update(data)
    return {
      kind: 'storage#object', bucket, name, id: `${bucket}/${name}/1`, generation: '1', metageneration: '1', size: String(data.length),
      md5Hash: createHash('md5').update(data).digest('base64'), crc32c: crc.toString(), contentType: 'application/octet-stream',
      timeCreated: new Date().toISOString(), updated: new Date().toISOString(),
    }
  }

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', endpoint)
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    let m = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname)
    if (m !== null && req.method === 'POST' && url.searchParams.get('uploadType') === 'resumable') {
      const bucket = decodeURIComponent(m[1]!)
      if (!buckets.includes(bucket)) return json(res, 404, { error: { code: 404, message: 'bucket not found' } })
      const meta = body.length > 0 ? (JSON.parse(body.toString('utf8')) as { name?: string }) : {}
      const name = url.searchParams.get('name') ?? meta.name ?? ''
      const id = randomUUID()
      sessions.set(id, { bucket, name, parts: [], received: 0 })
      res.writeHead(200, { location: `${endpoint}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable&upload_id=${id}` })
      return res.end()
    }
    if (m !== null && req.method === 'PUT') {
      const session = sessions.get(url.searchParams.get('upload_id') ?? '')
      if (session === undefined) return json(res, 404, { error: { code: 404, message: 'no such upload session' } })
      chunkPuts++
      const range = /^bytes (\*|(\d+)-(\d+))\/(\*|\d+)$/.exec(req.headers['content-range'] ?? `bytes */*`)
      if (range === null) return json(res, 400, { error: { code: 400, message: 'bad Content-Range' } })
      if (range[2] !== undefined) {
        const start = Number(range[2])
        // a chunk repeated after a lost reply: keep only what is new
        if (start > session.received) return json(res, 400, { error: { code: 400, message: 'gap in upload' } })
        const fresh = body.subarray(session.received - start)
        session.parts.push(fresh)
        session.received += fresh.length
      }
      const total = range[4] === '*' ? null : Number(range[4])
      if (total !== null && session.received >= total) {
        const data = Buffer.concat(session.parts)
        objects.set(key(session.bucket, session.name), data)
        return json(res, 200, metadata(session.bucket, session.name, data))
      }
      res.writeHead(308, session.received > 0 ? { range: `bytes=0-${session.received - 1}` } : {})
      return res.end()
    }
    m = /^\/(?:download\/)?storage\/v1\/b\/([^/]+)\/o(?:\/(.+))?$/.exec(url.pathname)
    if (m !== null) {
      const bucket = decodeURIComponent(m[1]!)
      if (m[2] === undefined && req.method === 'GET') {
        const prefix = url.searchParams.get('prefix') ?? ''
        const items = [...objects].filter(([k]) => k.startsWith(`${bucket}/${prefix}`)).map(([k, v]) => metadata(bucket, k.slice(bucket.length + 1), v))
        return json(res, 200, { kind: 'storage#objects', items })
      }
      const name = decodeURIComponent(m[2] ?? '')
      const data = objects.get(key(bucket, name))
      if (data === undefined) return json(res, 404, { error: { code: 404, message: `No such object: ${bucket}/${name}` } })
      if (req.method === 'DELETE') {
        objects.delete(key(bucket, name))
        res.writeHead(204)
        return res.end()
      }
      if (url.searchParams.get('alt') === 'media') {
        const meta = metadata(bucket, name, data)
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length, 'x-goog-hash': `crc32c=${meta.crc32c},md5=${meta.md5Hash}` })
        return res.end(data)
      }
      return json(res, 200, metadata(bucket, name, data))
    }
    json(res, 404, { error: { code: 404, message: `unknown route ${req.method} ${url.pathname}` } })
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => json(res, 500, { error: { code: 500, message: String(err) } }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    endpoint,
    objects,
    get chunkPuts() {
      return chunkPuts
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
