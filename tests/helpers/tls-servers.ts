/**
 * Throwaway TLS-only database servers for tests, started from the installed binaries: a PostgreSQL 15
 * cluster (initdb + pg_ctl, run as the `postgres` user) and a MariaDB server (mariadb-install-db +
 * mariadbd, run as the `mysql` user), each in its own temp folder on a free loopback port, with a
 * certificate signed by a CA made for the test. The shared local servers are never touched.
 *
 * The server certificate names `localhost` and the address 127.0.0.2 (SAN DNS:localhost,
 * IP:127.0.0.2), and the servers listen on 127.0.0.1 and 127.0.0.2: connecting to `localhost` or to
 * 127.0.0.2 matches the certificate, connecting to 127.0.0.1 does not — the same server under a name
 * and an address the certificate lacks, which is what verify-full must tell apart.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const PG_BIN = '/usr/lib/postgresql/15/bin'
const MARIADBD = '/usr/sbin/mariadbd'
const MARIADB_INSTALL_DB = '/usr/bin/mariadb-install-db'
const MARIADB_CLIENT = '/usr/bin/mariadb'
const inCI = process.env.CI === 'true' || process.env.CI === '1'
/** The second loopback address, named in the server certificate as an IP address. */
export const CERT_IP = '127.0.0.2'

/** CA, server certificate and a second, unrelated CA (for negative tests), as PEM files. */
export interface TestPki {
  readonly dir: string
  /** The CA that signed the server certificate. */
  readonly caFile: string
  /** A self-signed CA that signed nothing the servers use. */
  readonly wrongCaFile: string
  /** Server certificate: SAN DNS:localhost and IP:127.0.0.2, signed by `caFile`. */
  readonly certFile: string
  readonly keyFile: string
}

/** What a test needs to reach one throwaway server. */
export interface TlsTestServer {
  /** Always 127.0.0.1; `localhost` reaches the same listener. */
  readonly host: string
  /** Whether the server also listens on CERT_IP (some hosts have no 127.0.0.2). */
  readonly certIpReachable: boolean
  readonly port: number
  readonly user: string
  readonly password: string
  readonly database: string
  /** PostgreSQL: the unix socket directory (trust auth there); MariaDB: the socket file. */
  readonly socket: string
  /** The server's log of every connection (with its TLS state) and statement: PostgreSQL's log, MariaDB's general log. */
  readonly logFile: string
  /** Run SQL as the superuser over the server's unix socket; returns the unaligned, tab-separated output. */
  sql(text: string): Promise<string>
  /** Stop the server and remove its folder; safe to call more than once. */
  stop(): Promise<void>
}

/** Options of the throwaway servers. */
export interface TlsServerOptions {
  readonly user?: string
  readonly password?: string
  readonly database?: string
}

function run(file: string, args: readonly string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.slice(0, 3).join(' ')} failed: ${err.message}\n${stderr}`))
      else resolve(stdout)
    })
  })
}

/** Why the throwaway servers cannot run here, or null when they can. */
function missing(binaries: readonly string[]): string | null {
  if (process.getuid?.() !== 0) return 'the tests must run as root to start a server as another user'
  for (const bin of [...binaries, '/usr/sbin/runuser', '/usr/bin/openssl']) {
    if (!existsSync(bin)) return `${bin} is not installed`
  }
  return null
}

function available(engine: string, problem: string | null): boolean {
  if (problem === null) return true
  if (inCI) throw new Error(`a throwaway TLS ${engine} cannot start under CI: ${problem}`)
  console.warn(`SKIP: throwaway TLS ${engine} unavailable: ${problem}`)
  return false
}

/** Whether a throwaway TLS PostgreSQL can start here (skip with a reason outside CI, throw under CI). */
export function pgTlsServerAvailable(): boolean {
  return available('PostgreSQL', missing([`${PG_BIN}/initdb`, `${PG_BIN}/pg_ctl`, `${PG_BIN}/psql`]))
}

/** Whether a throwaway TLS MariaDB can start here (skip with a reason outside CI, throw under CI). */
export function mariadbTlsServerAvailable(): boolean {
  return available('MariaDB', missing([MARIADBD, MARIADB_INSTALL_DB, MARIADB_CLIENT]))
}

/** A TCP port nobody listens on right now (another process may take it; callers retry). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** Whether this host can listen on and connect to `address` (127.0.0.2 is not configured everywhere). */
export function loopbackUsable(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer((socket) => socket.end())
    server.once('error', () => resolve(false))
    server.listen(0, address, () => {
      const { port } = server.address() as net.AddressInfo
      const client = net.connect(port, address)
      const done = (ok: boolean): void => {
        client.destroy()
        server.close(() => resolve(ok))
      }
      client.once('connect', () => done(true))
      client.once('error', () => done(false))
    })
  })
}

/**
 * Make a CA, a server certificate signed by it — for `localhost` and CERT_IP unless `san` says
 * otherwise (openssl subjectAltName syntax) — and an unrelated CA, in `dir`.
 */
export async function createTestPki(dir: string, options: { san?: string } = {}): Promise<TestPki> {
  mkdirSync(dir, { recursive: true })
  const p = (name: string): string => join(dir, name)
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  const caExt = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']
  await run('openssl', ['req', '-x509', ...ec, '-days', '2', '-subj', '/CN=Rivet Test CA', ...caExt, '-keyout', p('ca.key'), '-out', p('ca.crt')])
  await run('openssl', ['req', '-x509', ...ec, '-days', '2', '-subj', '/CN=Rivet Wrong CA', ...caExt, '-keyout', p('wrong-ca.key'), '-out', p('wrong-ca.crt')])
  await run('openssl', ['req', ...ec, '-subj', '/CN=rivet-test-server', '-keyout', p('server.key'), '-out', p('server.csr')])
  writeFileSync(p('server.ext'), `subjectAltName=${options.san ?? `DNS:localhost,IP:${CERT_IP}`}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n`)
  await run('openssl', ['x509', '-req', '-in', p('server.csr'), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', p('server.ext'), '-out', p('server.crt')])
  return { dir, caFile: p('ca.crt'), wrongCaFile: p('wrong-ca.crt'), certFile: p('server.crt'), keyFile: p('server.key') }
}

/** A temp folder owned by `owner` (uid and gid of that system user) holding a copy of the server's certificate and key. */
function serverDir(prefix: string, owner: string, pki: TestPki): { dir: string; uid: number; gid: number } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const [uid, gid] = idsOf(owner)
  for (const name of ['server.crt', 'server.key', 'ca.crt']) copyFileSync(join(pki.dir, name), join(dir, name))
  chmodSync(join(dir, 'server.key'), 0o600)
  for (const entry of ['', ...readdirSync(dir)]) chownSync(join(dir, entry), uid, gid)
  return { dir, uid, gid }
}

function idsOf(user: string): [number, number] {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${user}:`))
  if (line === undefined) throw new Error(`no system user ${user}`)
  const [, , uid, gid] = line.split(':')
  return [Number(uid), Number(gid)]
}

/** Processes to end if the test process exits without stopping its servers (a crash in a hook). */
const leftovers = new Map<string, () => void>()
process.once('exit', () => {
  for (const stop of leftovers.values()) stop()
})

function sqlQuote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`
}

/**
 * Start a PostgreSQL 15 cluster that accepts TLS only: pg_hba has `hostssl ... scram-sha-256` for
 * 127.0.0.1 and ::1 and `hostnossl ... reject`, so a plain connection is refused by the server. The
 * login user owns `database`. Logs every connection (with its TLS state) and every statement, each
 * line prefixed with its session id, to `logFile`.
 */
export async function startPgTlsServer(pki: TestPki, options: TlsServerOptions = {}): Promise<TlsTestServer> {
  const { dir } = serverDir('rivet-tls-pg-', 'postgres', pki)
  const certIp = await loopbackUsable(CERT_IP)
  const data = join(dir, 'data')
  const logFile = join(dir, 'server.log')
  const asPostgres = (bin: string, args: readonly string[]): Promise<string> => run('/usr/sbin/runuser', ['-u', 'postgres', '--', `${PG_BIN}/${bin}`, ...args])
  let port = 0
  const pidOf = (): number | null => {
    try {
      return Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0])
    } catch {
      return null
    }
  }
  const kill = (): void => {
    const pid = pidOf()
    if (pid !== null) {
      try {
        process.kill(pid, 'SIGQUIT')
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true })
  }
  leftovers.set(dir, kill)
  try {
    await asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=reject', '--no-sync', '--no-instructions', '-E', 'UTF8', '--locale=C'])
    writeFileSync(
      join(data, 'pg_hba.conf'),
      [
        'local all all trust',
        'hostssl all all 127.0.0.0/8 scram-sha-256',
        'hostssl all all ::1/128 scram-sha-256',
        'hostnossl all all 0.0.0.0/0 reject',
        'hostnossl all all ::/0 reject',
        '',
      ].join('\n'),
    )
    for (let attempt = 1; ; attempt++) {
      port = await freePort()
      writeFileSync(
        join(data, 'postgresql.auto.conf'),
        [
          `port = ${port}`,
          // ::1 and 127.0.0.2 may be missing on some hosts; the server then skips them (a warning)
          `listen_addresses = '127.0.0.1,${certIp ? `${CERT_IP},` : ''}::1'`,
          `unix_socket_directories = '${dir}'`,
          'ssl = on',
          `ssl_cert_file = '${join(dir, 'server.crt')}'`,
          `ssl_key_file = '${join(dir, 'server.key')}'`,
          `password_encryption = 'scram-sha-256'`,
          'fsync = off',
          'shared_buffers = 16MB',
          'max_connections = 40',
          'log_connections = on',
          // every statement with its session id (%c): tells which connection ran what
          'log_statement = all',
          `log_line_prefix = '%m [%p] %c '`,
          '',
        ].join('\n'),
      )
      try {
        await asPostgres('pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '30', 'start'])
        break
      } catch (err) {
        if (attempt >= 3) throw new Error(`${(err as Error).message}\n${existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''}`)
      }
    }
    const sql = (text: string): Promise<string> =>
      run(`${PG_BIN}/psql`, ['-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-h', dir, '-p', String(port), '-U', 'postgres', '-d', options.database ?? 'rivet_tls', '-c', text])
    const user = options.user ?? 'rivet_tls'
    const password = options.password ?? 'tls-test-pw'
    const database = options.database ?? 'rivet_tls'
    await run(`${PG_BIN}/psql`, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', dir, '-p', String(port), '-U', 'postgres', '-d', 'postgres',
      '-c', `create role ${user} login password ${sqlQuote(password)}`, '-c', `create database ${database} owner ${user}`])
    let stopped: Promise<void> | null = null
    const stop = (): Promise<void> => {
      stopped ??= asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
        .catch(() => undefined)
        .then(() => {
          leftovers.delete(dir)
          kill()
        })
      return stopped
    }
    return { host: '127.0.0.1', certIpReachable: certIp, port, user, password, database, socket: dir, logFile, sql, stop }
  } catch (err) {
    leftovers.delete(dir)
    await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined)
    kill()
    throw err
  }
}

/**
 * Start a MariaDB server that accepts TLS only (`require_secure_transport=ON`) on 127.0.0.1, with
 * its own data folder and socket, and a login user (host '%') with all rights on `database`. The
 * general log (`logFile`) records every connection and statement.
 */
export async function startMariaDbTlsServer(pki: TestPki, options: TlsServerOptions = {}): Promise<TlsTestServer> {
  const { dir } = serverDir('rivet-tls-my-', 'mysql', pki)
  const certIp = await loopbackUsable(CERT_IP)
  const data = join(dir, 'data')
  const socket = join(dir, 'mysqld.sock')
  const errorLog = join(dir, 'error.log')
  // the general log records every connection (with its transport: TCP/IP or SSL/TLS) and statement
  const logFile = join(dir, 'general.log')
  let child: ChildProcess | null = null
  const killChild = (): void => {
    if (child !== null && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  const kill = (): void => {
    killChild()
    rmSync(dir, { recursive: true, force: true })
  }
  leftovers.set(dir, kill)
  const exited = (): Promise<void> =>
    new Promise((resolve) => {
      if (child === null || child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
    })
  try {
    await run(MARIADB_INSTALL_DB, ['--no-defaults', `--datadir=${data}`, '--user=mysql', '--auth-root-authentication-method=socket', '--skip-test-db'])
    let port = 0
    for (let attempt = 1; ; attempt++) {
      port = await freePort()
      child = spawn(MARIADBD, [
        '--no-defaults', `--datadir=${data}`, '--user=mysql', `--port=${port}`, `--bind-address=127.0.0.1${certIp ? `,${CERT_IP}` : ''}`, `--socket=${socket}`,
        `--pid-file=${join(dir, 'mysqld.pid')}`, `--log-error=${errorLog}`, '--general-log=1', `--general-log-file=${logFile}`, '--skip-log-bin', '--skip-name-resolve',
        '--innodb-buffer-pool-size=16M', '--innodb-log-file-size=8M', '--max-connections=40',
        `--ssl-cert=${join(dir, 'server.crt')}`, `--ssl-key=${join(dir, 'server.key')}`, `--ssl-ca=${join(dir, 'ca.crt')}`,
        '--require-secure-transport=ON',
      ], { stdio: 'ignore' })
      if (await waitForSocket(socket, child, 30_000)) break
      killChild()
      await exited()
      // most likely the port was taken in the meantime: try another one
      if (attempt >= 3) throw new Error(`mariadbd did not start:\n${existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : ''}`)
    }
    const sql = (text: string, database?: string): Promise<string> =>
      run(MARIADB_CLIENT, ['--no-defaults', '-S', socket, '-uroot', '-B', '-N', ...(database ? [database] : []), '-e', text])
    const user = options.user ?? 'rivet_tls'
    const password = options.password ?? 'tls-test-pw'
    const database = options.database ?? 'rivet_tls'
    await sql(`create user '${user}'@'%' identified by ${sqlQuote(password)}; create database ${database}; grant all on ${database}.* to '${user}'@'%';`)
    let stopped: Promise<void> | null = null
    const stop = (): Promise<void> => {
      stopped ??= (async () => {
        if (child !== null && child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM')
          const timer = setTimeout(() => child?.kill('SIGKILL'), 10_000)
          await exited()
          clearTimeout(timer)
        }
        leftovers.delete(dir)
        kill()
      })()
      return stopped
    }
    return { host: '127.0.0.1', certIpReachable: certIp, port, user, password, database, socket, logFile, sql: (text) => sql(text, database), stop }
  } catch (err) {
    leftovers.delete(dir)
    kill()
    await exited()
    throw err
  }
}

/** Wait until the server's unix socket exists (it is created once the server accepts connections). */
async function waitForSocket(socket: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false
    if (existsSync(socket) && statSync(socket).isSocket()) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return false
}
