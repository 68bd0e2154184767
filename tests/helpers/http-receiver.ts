/**
 * A local HTTP server standing in for a webhook (Slack): listens on 127.0.0.1, records every
 * request, and answers from a script: a status with headers and body, or no answer at all (hang).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request as received. */
export interface ReceivedRequest {
  readonly method: string
  /** Path and query, e.g. `/services/T0/B0/x`. */
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/** How to answer one request; `hang` reads the request and never answers. */
export type Reply = { readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: string } | 'hang'

export interface HttpReceiver {
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string
  readonly requests: readonly ReceivedRequest[]
  /** Answers for the next requests, in order; after them, the default answer (200 `ok`, as Slack). */
  script(...replies: Reply[]): void
  /** Resolves once `count` requests have arrived. */
  waitForRequests(count: number): Promise<void>
  close(): Promise<void>
}

const OK: Reply = { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' }

/** Start a receiver on a free port of 127.0.0.1. */
export async function startHttpReceiver(fallback: Reply = OK): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = []
  const queue: Reply[] = []
  const hanging = new Set<ServerResponse>()
  const waiters: { count: number; resolve: () => void }[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      for (const w of waiters.filter((w) => requests.length >= w.count)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve()
      }
      const reply = queue.shift() ?? fallback
      if (reply === 'hang') {
        hanging.add(res)
        return
      }
      res.writeHead(reply.status, reply.headers ?? {})
      res.end(reply.body ?? '')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    script: (...replies) => {
      queue.push(...replies)
    },
    waitForRequests: (count) => (requests.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    close: async () => {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A URL on 127.0.0.1 where nothing listens (a port just released), for connection-refused cases. */
export async function unreachableUrl(path = '/services/T0/B0/unreachable'): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}${path}`
}
