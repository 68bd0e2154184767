/**
 * TLS modes against real TLS-only servers: a throwaway PostgreSQL 15 (pg_hba: hostssl + scram,
 * hostnossl reject) and a throwaway MariaDB (require_secure_transport=ON), both with a certificate
 * for `localhost` and 127.0.0.2 (not 127.0.0.1), signed by a CA made here. Each mode runs a real
 * export through the built CLI (PostgreSQL: planning over node-postgres, extraction over the wire
 * client), and each client is also driven directly to read the server's own view of the session's
 * encryption.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SourceConnectParams } from '../../src/plan/export-plan.js'
import { openMysqlConnection } from '../../src/source/mysql/index.js'
import { openPgClient } from '../../src/source/pg/index.js'
import { PgWireConnection } from '../../src/source/pg/wire/index.js'
import { rejection } from '../helpers/errors.js'
import { runCli, tempDir, writeConfig, type CliResult } from '../helpers/cli.js'
import {
  CERT_IP,
  createTestPki,
  loopbackUsable,
  mariadbTlsServerAvailable,
  pgTlsServerAvailable,
  startMariaDbTlsServer,
  startPgTlsServer,
  type TestPki,
  type TlsTestServer,
} from '../helpers/tls-servers.js'

type Mode = SourceConnectParams['tls']['mode']
type Engine = 'postgres' | 'mysql'

const ROWS = 1200
/** Folders of the runs, removed at the end. */
const runDirs: string[] = []

interface RunOutcome {
  readonly result: CliResult
  readonly dir: string
  /** The error `--json-errors` printed on stderr, if any. */
  readonly error?: { code: string; message: string; hint: string }
}

/** The error object `--json-errors` wrote on stderr (the last JSON line), if any. */
function jsonError(stderr: string): RunOutcome['error'] {
  const line = stderr.trim().split('\n').reverse().find((l) => l.startsWith('{'))
  return line === undefined ? undefined : (JSON.parse(line) as { error: RunOutcome['error'] }).error
}

function urlOf(engine: Engine, server: TlsTestServer, host: string): string {
  const scheme = engine === 'postgres' ? 'postgresql' : 'mysql'
  return `${scheme}://${server.user}:${encodeURIComponent(server.password)}@${host}:${server.port}/${server.database}`
}

/** Run one CSV export of `tls_items` through the built CLI with the given TLS settings. */
async function runExport(engine: Engine, server: TlsTestServer, host: string, tls: { mode?: Mode; caFile?: string }, command = 'run'): Promise<RunOutcome> {
  const dir = tempDir('rivet-tls-run-')
  runDirs.push(dir)
  const tlsLines = [tls.mode ? `    mode: ${tls.mode}\n` : '', tls.caFile ? `    ca_file: ${tls.caFile}\n` : ''].join('')
  const cfg = writeConfig(
    dir,
    `source:\n  type: ${engine}\n  url: ${urlOf(engine, server, host)}\n${tlsLines ? `  tls:\n${tlsLines}` : ''}` +
      `exports:\n  - name: items\n    table: tls_items\n    format: csv\n    compression: none\n    destination: { type: local, path: "./out" }\n`,
  )
  const result = await runCli([command, '-c', cfg, '--json-errors'], { cwd: dir })
  const error = jsonError(result.stderr)
  return { result, dir, ...(error ? { error } : {}) }
}

/** The ids in the exported CSV file, sorted. */
function exportedIds(dir: string): number[] {
  const file = readdirSync(join(dir, 'out')).find((f) => f.endsWith('.csv'))
  expect(file, 'no CSV file was written').toBeDefined()
  const lines = readFileSync(join(dir, 'out', file!), 'utf8').trimEnd().split('\n')
  expect(lines[0]).toBe('id,label')
  return lines.slice(1).map((l) => Number(l.split(',')[0])).sort((a, b) => a - b)
}

const ALL_IDS = Array.from({ length: ROWS }, (_, i) => i + 1)

function expectExported(outcome: RunOutcome): void {
  expect(outcome.result.code, outcome.result.stderr).toBe(0)
  expect(exportedIds(outcome.dir)).toEqual(ALL_IDS)
}

function expectFailure(outcome: RunOutcome, code: string): NonNullable<RunOutcome['error']> {
  expect(outcome.result.code, outcome.result.stdout + outcome.result.stderr).toBe(1)
  expect(outcome.error?.code, outcome.result.stderr).toBe(code)
  return outcome.error!
}

function params(server: TlsTestServer, host: string, mode: Mode, ca?: string): SourceConnectParams {
  return {
    host,
    port: server.port,
    user: server.user,
    password: server.password,
    database: server.database,
    applicationName: 'rivet-tls-test',
    tls: { mode, ...(ca === undefined ? {} : { ca }) },
    connectTimeoutMs: 10_000,
  }
}

const certIpUsable = await loopbackUsable(CERT_IP)
if (!certIpUsable) console.warn(`SKIP: verify-full by IP address: ${CERT_IP} is not usable on this host`)
const canPg = pgTlsServerAvailable()
const canMariaDb = mariadbTlsServerAvailable()

let pki: TestPki
let pkiDir: string | undefined
beforeAll(async () => {
  if (!canPg && !canMariaDb) return
  pkiDir = tempDir('rivet-tls-pki-')
  pki = await createTestPki(pkiDir)
})
afterAll(() => {
  for (const dir of [...runDirs, ...(pkiDir === undefined ? [] : [pkiDir])]) rmSync(dir, { recursive: true, force: true })
})

describe.skipIf(!canPg)('TLS modes against a TLS-only PostgreSQL', () => {
  let server: TlsTestServer

  beforeAll(async () => {
    server = await startPgTlsServer(pki)
    await server.sql(
      `set role ${server.user}; create table tls_items (id int primary key, label text); ` +
        `insert into tls_items select g, 'item ' || g from generate_series(1, ${ROWS}) g`,
    )
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('disable: the server refuses the plain connection, reported as RIVET_SOURCE_TLS with a hint to turn TLS on', async () => {
    const error = expectFailure(await runExport('postgres', server, '127.0.0.1', { mode: 'disable' }), 'RIVET_SOURCE_TLS')
    expect(error.message).toMatch(/no encryption/)
    expect(error.hint).toMatch(/tls\.mode/)
    expect(error.hint).toMatch(/require|verify-ca|verify-full/)
  })

  it('prefer (the default) and require encrypt without checking the certificate', async () => {
    expectExported(await runExport('postgres', server, '127.0.0.1', {}))
    // an unrelated CA file does not matter: require checks nothing
    expectExported(await runExport('postgres', server, '127.0.0.1', { mode: 'require', caFile: pki.wrongCaFile }))
  })

  it('verify-ca: passes with the right CA whatever the host name, fails with another CA or none', async () => {
    expectExported(await runExport('postgres', server, '127.0.0.1', { mode: 'verify-ca', caFile: pki.caFile }))
    const wrong = expectFailure(await runExport('postgres', server, 'localhost', { mode: 'verify-ca', caFile: pki.wrongCaFile }), 'RIVET_SOURCE_TLS')
    expect(wrong.message).toMatch(/certificate/i)
    expectFailure(await runExport('postgres', server, 'localhost', { mode: 'verify-ca' }), 'RIVET_SOURCE_TLS')
  })

  it('verify-full: passes for the name in the certificate, fails for another name of the same server', async () => {
    expectExported(await runExport('postgres', server, 'localhost', { mode: 'verify-full', caFile: pki.caFile }))
    const error = expectFailure(await runExport('postgres', server, '127.0.0.1', { mode: 'verify-full', caFile: pki.caFile }), 'RIVET_SOURCE_TLS')
    expect(error.message).toMatch(/127\.0\.0\.1/)
    expect(error.message).toMatch(/localhost|altname|host ?name/i)
  })

  it.skipIf(!certIpUsable)('verify-full by IP address: passes for the address in the certificate', async () => {
    expectExported(await runExport('postgres', server, CERT_IP, { mode: 'verify-full', caFile: pki.caFile }))
  })

  it('a unix-socket host ignores the TLS mode, as libpq does', async () => {
    expectExported(await runExport('postgres', server, encodeURIComponent(server.socket), { mode: 'verify-full', caFile: pki.caFile }))
  })

  it('a wrong password is refused by scram over TLS as RIVET_SOURCE_AUTH', async () => {
    const wrong = { ...server, password: 'not-the-password' }
    expectFailure(await runExport('postgres', wrong, 'localhost', { mode: 'verify-full', caFile: pki.caFile }), 'RIVET_SOURCE_AUTH')
  })

  it('every connection of a run was encrypted (server log): the planning one (node-postgres) and the extraction one (wire client)', async () => {
    const before = readFileSync(server.logFile, 'utf8').length
    expectExported(await runExport('postgres', server, 'localhost', { mode: 'verify-full', caFile: pki.caFile }))
    // log lines carry the session id after the pid: "<time> [pid] <session> LOG: ..."
    const sessions = new Map<string, string[]>()
    for (const line of readFileSync(server.logFile, 'utf8').slice(before).split('\n')) {
      const m = /^\S+ \S+ \S+ \[\d+\] (\S+) (.*)$/.exec(line)
      if (m) sessions.set(m[1]!, [...(sessions.get(m[1]!) ?? []), m[2]!])
    }
    const ofUser = [...sessions.values()].filter((lines) => lines.some((l) => l.includes(`connection authorized: user=${server.user}`)))
    expect(ofUser.length).toBeGreaterThanOrEqual(2)
    for (const lines of ofUser) expect(lines.find((l) => l.includes('connection authorized'))).toMatch(/SSL enabled \(protocol=TLSv1\.[23]/)
    // node-postgres runs the catalog queries as extended-protocol "execute"; the wire client streams COPY
    expect(ofUser.filter((lines) => lines.some((l) => /LOG: {2}execute .*:/.test(l)))).not.toHaveLength(0)
    expect(ofUser.filter((lines) => lines.some((l) => /LOG: {2}statement: COPY \(SELECT "id", "label" FROM "public"\."tls_items"/.test(l)))).not.toHaveLength(0)
  })

  it('rivet doctor reaches the source with verify-full and names the TLS failure with a wrong CA', async () => {
    const ok = await runExport('postgres', server, 'localhost', { mode: 'verify-full', caFile: pki.caFile }, 'doctor')
    expect(ok.result.code, ok.result.stdout + ok.result.stderr).toBe(0)
    const bad = await runExport('postgres', server, 'localhost', { mode: 'verify-full', caFile: pki.wrongCaFile }, 'doctor')
    expect(bad.result.code).toBe(1)
    expect(bad.result.stdout + bad.result.stderr).toContain('RIVET_SOURCE_TLS')
  })

  describe('each client on its own, checked with pg_stat_ssl', () => {
    const SSL_QUERY = 'select ssl::text, coalesce(version, \'\') from pg_stat_ssl where pid = pg_backend_pid()'

    async function viaPg(host: string, mode: Mode, ca?: string): Promise<string[]> {
      const client = await openPgClient(params(server, host, mode, ca))
      try {
        const { rows } = await client.query({ text: SSL_QUERY, rowMode: 'array' })
        return rows[0] as string[]
      } finally {
        await client.end()
      }
    }

    async function viaWire(host: string, mode: Mode, ca?: string): Promise<string[]> {
      const p = params(server, host, mode, ca)
      const conn = await PgWireConnection.connect({ ...p, tls: p.tls })
      try {
        return (await conn.query(SSL_QUERY)).rows[0] as string[]
      } finally {
        await conn.close()
      }
    }

    for (const [name, connect] of [['node-postgres (planning)', viaPg], ['wire client (extraction)', viaWire]] as const) {
      it(`${name}: every mode does what it says`, async () => {
        const ca = readFileSync(pki.caFile, 'utf8')
        const wrongCa = readFileSync(pki.wrongCaFile, 'utf8')
        for (const [host, mode, caText] of [
          ['127.0.0.1', 'prefer', undefined],
          ['127.0.0.1', 'require', wrongCa],
          ['127.0.0.1', 'verify-ca', ca],
          ['localhost', 'verify-full', ca],
          ...(certIpUsable ? [[CERT_IP, 'verify-full', ca] as const] : []),
        ] as const) {
          const [ssl, version] = await connect(host, mode, caText)
          expect([mode, ssl], `${mode} to ${host}`).toEqual([mode, 'true'])
          expect(version).toMatch(/^TLSv1\.[23]$/)
        }
        // a unix socket never negotiates TLS, whatever the mode (as with libpq)
        expect(await connect(server.socket, 'verify-full', ca)).toEqual(['false', ''])
        const refused = await rejection(connect('127.0.0.1', 'disable'))
        expect(refused.code).toBe('RIVET_SOURCE_TLS')
        expect(refused.hint).toMatch(/tls\.mode/)
        expect((await rejection(connect('localhost', 'verify-ca', wrongCa))).code).toBe('RIVET_SOURCE_TLS')
        expect((await rejection(connect('localhost', 'verify-full', wrongCa))).code).toBe('RIVET_SOURCE_TLS')
        const mismatch = await rejection(connect('127.0.0.1', 'verify-full', ca))
        expect(mismatch.code).toBe('RIVET_SOURCE_TLS')
        expect(mismatch.message).toMatch(/127\.0\.0\.1/)
      })
    }
  })
})

describe.skipIf(!canMariaDb)('TLS modes against a TLS-only MariaDB (require_secure_transport=ON)', () => {
  let server: TlsTestServer

  beforeAll(async () => {
    server = await startMariaDbTlsServer(pki)
    const values = ALL_IDS.map((i) => `(${i}, 'item ${i}')`).join(',')
    await server.sql(`create table tls_items (id int primary key, label varchar(40)); insert into tls_items values ${values}`)
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('disable: the server answers "access denied", reported as RIVET_SOURCE_AUTH with a hint that names TLS', async () => {
    const error = expectFailure(await runExport('mysql', server, '127.0.0.1', { mode: 'disable' }), 'RIVET_SOURCE_AUTH')
    expect(error.message).toMatch(/Access denied/)
    expect(error.hint).toMatch(/tls\.mode/)
  })

  it('prefer (the default) and require encrypt without checking the certificate', async () => {
    expectExported(await runExport('mysql', server, '127.0.0.1', {}))
    expectExported(await runExport('mysql', server, '127.0.0.1', { mode: 'require', caFile: pki.wrongCaFile }))
  })

  it('verify-ca: passes with the right CA whatever the host name, fails with another CA', async () => {
    expectExported(await runExport('mysql', server, '127.0.0.1', { mode: 'verify-ca', caFile: pki.caFile }))
    const wrong = expectFailure(await runExport('mysql', server, 'localhost', { mode: 'verify-ca', caFile: pki.wrongCaFile }), 'RIVET_SOURCE_TLS')
    expect(wrong.message).toMatch(/certificate/i)
  })

  it('verify-full: passes for the name in the certificate, fails for another name of the same server', async () => {
    expectExported(await runExport('mysql', server, 'localhost', { mode: 'verify-full', caFile: pki.caFile }))
    const error = expectFailure(await runExport('mysql', server, '127.0.0.1', { mode: 'verify-full', caFile: pki.caFile }), 'RIVET_SOURCE_TLS')
    expect(error.message).toMatch(/127\.0\.0\.1/)
  })

  it.skipIf(!certIpUsable)('verify-full by IP address: passes for the address in the certificate', async () => {
    expectExported(await runExport('mysql', server, CERT_IP, { mode: 'verify-full', caFile: pki.caFile }))
  })

  it('every connection of a run was encrypted (general log)', async () => {
    const before = readFileSync(server.logFile).length
    expectExported(await runExport('mysql', server, 'localhost', { mode: 'verify-full', caFile: pki.caFile }))
    const connects = readFileSync(server.logFile).subarray(before).toString('utf8').split('\n').filter((l) => /\sConnect\t/.test(l))
    const ofUser = connects.filter((l) => l.includes(`${server.user}@`))
    // planning and at least one reader
    expect(ofUser.length, connects.join('\n')).toBeGreaterThanOrEqual(2)
    for (const line of ofUser) expect(line).toMatch(/using SSL\/TLS/)
  })

  it('rivet doctor reaches the source with verify-full', async () => {
    const ok = await runExport('mysql', server, 'localhost', { mode: 'verify-full', caFile: pki.caFile }, 'doctor')
    expect(ok.result.code, ok.result.stdout + ok.result.stderr).toBe(0)
  })

  it('the connection itself: each mode encrypts (Ssl_cipher) or fails as it should', async () => {
    const ca = readFileSync(pki.caFile, 'utf8')
    const wrongCa = readFileSync(pki.wrongCaFile, 'utf8')
    for (const [host, mode, caText] of [
      ['127.0.0.1', 'prefer', undefined],
      ['127.0.0.1', 'require', wrongCa],
      ['127.0.0.1', 'verify-ca', ca],
      ['localhost', 'verify-full', ca],
      ...(certIpUsable ? [[CERT_IP, 'verify-full', ca] as const] : []),
    ] as const) {
      const session = await openMysqlConnection(params(server, host, mode, caText))
      try {
        const [rows] = await session.connection.query<import('mysql2/promise').RowDataPacket[]>("show session status like 'Ssl_cipher'")
        expect([mode, session.tls], `${mode} to ${host}`).toEqual([mode, true])
        expect(String(rows[0]!.Value)).not.toBe('')
      } finally {
        await session.close()
      }
    }
    expect((await rejection(openMysqlConnection(params(server, '127.0.0.1', 'disable')))).code).toBe('RIVET_SOURCE_AUTH')
    expect((await rejection(openMysqlConnection(params(server, 'localhost', 'verify-ca', wrongCa)))).code).toBe('RIVET_SOURCE_TLS')
    expect((await rejection(openMysqlConnection(params(server, '127.0.0.1', 'verify-full', ca)))).code).toBe('RIVET_SOURCE_TLS')
  })
})

describe.skipIf(!canMariaDb || !certIpUsable)('MariaDB verify-full with a certificate that names only an IP address', () => {
  let server: TlsTestServer
  let ipPkiDir: string

  beforeAll(async () => {
    ipPkiDir = tempDir('rivet-tls-pki-ip-')
    // mysql2 alone would check such a certificate against the name "localhost", and refuse it
    server = await startMariaDbTlsServer(await createTestPki(ipPkiDir, { san: `IP:${CERT_IP}` }))
  })
  afterAll(async () => {
    await server?.stop()
    rmSync(ipPkiDir, { recursive: true, force: true })
  })

  it('accepts the address in the certificate and refuses another address of the same server', async () => {
    const ca = readFileSync(join(ipPkiDir, 'ca.crt'), 'utf8')
    const session = await openMysqlConnection(params(server, CERT_IP, 'verify-full', ca))
    expect(session.tls).toBe(true)
    await session.close()
    const other = await rejection(openMysqlConnection(params(server, '127.0.0.1', 'verify-full', ca)))
    expect(other.code).toBe('RIVET_SOURCE_TLS')
    expect(other.message).toMatch(/127\.0\.0\.1 is not in the cert's list/)
    expect((await rejection(openMysqlConnection(params(server, 'localhost', 'verify-full', ca)))).code).toBe('RIVET_SOURCE_TLS')
  })
})
