import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** s3rver's launcher, found from this file whether it runs as TypeScript (tests) or from dist/ (bench). */
function s3rverBin(): string {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    const bin = join(dir, 'node_modules', 's3rver', 'bin', 's3rver.js')
    if (existsSync(bin)) return bin
    if (dirname(dir) === dir) throw new Error('s3rver is not installed: run npm ci')
  }
}

/** s3rver in its own process, so a test can kill it (SIGKILL) mid-upload and start it again on the same port and data. */
export interface S3Process {
  readonly endpoint: string
  readonly directory: string
  /** SIGKILL the server; resolves once it has exited. */
  kill(): Promise<void>
  /** Start it again on the same port and directory. */
  start(): Promise<void>
  /** Multipart part files currently stored (uploads in progress). */
  partsInProgress(): number
  close(): Promise<void>
}

export async function spawnS3Server(buckets: readonly string[]): Promise<S3Process> {
  const directory = mkdtempSync(join(tmpdir(), 'rivet-s3p-'))
  const port = await freePort()
  let child: ChildProcess | null = null
  const start = async () => {
    const args = [s3rverBin(), '-d', directory, '-a', '127.0.0.1', '-p', String(port), '--silent']
    for (const b of buckets) args.push('--configure-bucket', b)
    child = spawn(process.execPath, args, { stdio: 'ignore' })
    await waitForPort(port, 15_000)
  }
  const kill = async () => {
    const c = child
    child = null
    if (c === null || c.exitCode !== null) return
    const exited = new Promise<void>((r) => c.once('exit', () => r()))
    c.kill('SIGKILL')
    await exited
  }
  await start()
  return {
    endpoint: `http://127.0.0.1:${port}`,
    directory,
    kill,
    start,
    partsInProgress: () => countParts(directory),
    async close() {
      await kill()
      rmSync(directory, { recursive: true, force: true })
    },
  }
}

function countParts(dir: string): number {
  let n = 0
  const walk = (d: string, inUploads: boolean) => {
    let names: string[]
    try {
      names = readdirSync(d)
    } catch {
      return
    }
    for (const name of names) {
      const p = join(d, name)
      let isDir = false
      try {
        isDir = statSync(p).isDirectory()
      } catch {
        continue
      }
      if (isDir) walk(p, inUploads || name.includes('uploads'))
      else if (inUploads && /^\d+$/.test(name)) n++
    }
  }
  walk(dir, false)
  return n
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolvePort(port))
    })
  })
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        r(true)
      })
      socket.once('error', () => r(false))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`s3rver did not listen on ${port} within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
