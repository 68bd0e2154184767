/**
 * The source password never leaves the config: every command of the built CLI, successful or
 * failing, text or JSON, is run with a password that is a marker string, then every byte Rivet
 * produced — stdout, stderr, data files, manifests, _SUCCESS, the state file and its WAL, plan
 * files, generated configs — is searched for the marker, plain, percent-encoded and base64. The
 * servers are throwaway TLS servers with password authentication (scram on PostgreSQL), so the
 * password is really checked and a wrong one really refused.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, tempDir, writeConfig } from '../helpers/cli.js'
import { PG_URL, withPg } from '../helpers/db.js'
import {
  createTestPki,
  freePort,
  mariadbTlsServerAvailable,
  pgTlsServerAvailable,
  startMariaDbTlsServer,
  startPgTlsServer,
  type TestPki,
  type TlsTestServer,
} from '../helpers/tls-servers.js'

/** The password: '+' and '/' make its percent-encoded form differ from the plain one. */
const MARKER = 'Rv7-LEAK+MARKER/q9'
const NEEDLES: readonly { form: string; bytes: Buffer }[] = [
  { form: 'plain', bytes: Buffer.from(MARKER) },
  // any partial copy ("Rv7-LEAK+MARKER" cut short, or with a neighbour redacted) still holds this
  { form: 'fragment', bytes: Buffer.from('LEAK+MARKER') },
  { form: 'percent-encoded', bytes: Buffer.from(encodeURIComponent(MARKER)) },
  { form: 'form-encoded', bytes: Buffer.from(new URLSearchParams({ p: MARKER }).toString().slice(2)) },
  { form: 'base64', bytes: Buffer.from(Buffer.from(MARKER).toString('base64')) },
  { form: 'utf-16', bytes: Buffer.from(MARKER, 'utf16le') },
]
const USER = 'rivet_leak_user'
const DENIED_USER = 'rivet_leak_denied'
const DATABASE = 'rivet_leak'
const PW_ENV = 'RIVET_LEAK_TEST_PW'
const URL_ENV = 'RIVET_LEAK_TEST_URL'

type Engine = 'postgres' | 'mysql'

/** Everything one CLI call printed, labelled for the failure message. */
interface Printed {
  readonly label: string
  readonly text: string
}

/** The forms of the marker found in `bytes`. */
function leaks(bytes: Buffer): string[] {
  return NEEDLES.filter((n) => bytes.includes(n.bytes)).map((n) => n.form)
}

/** Every file under `dir`, recursively (hidden ones too). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]))
}

function urlOf(engine: Engine, port: number, user = USER): string {
  return `${engine === 'postgres' ? 'postgresql' : 'mariadb'}://${user}:${encodeURIComponent(MARKER)}@localhost:${port}/${DATABASE}`
}

const EXPORTS = (table: string): string =>
  `exports:\n  - name: items\n    table: ${table}\n    format: csv\n    compression: none\n    destination: { type: local, path: "./out/{export}" }\n` +
  `  - name: items_pq\n    table: ${table}\n    format: parquet\n    destination: { type: local, path: "./out/{export}" }\n`

/**
 * One config per way of giving the credentials; `secretInFile` marks the configs that hold the
 * password by design (they are the only files allowed to contain it).
 */
function sourceBlock(engine: Engine, form: 'url' | 'password_env' | 'url_env', port: number, user = USER): { yaml: string; env: NodeJS.ProcessEnv; secretInFile: boolean } {
  const tls = `  tls: { mode: verify-full, ca_file: ${pki.caFile} }\n`
  if (form === 'url') return { yaml: `source:\n  type: ${engine}\n  url: "${urlOf(engine, port, user)}"\n${tls}`, env: {}, secretInFile: true }
  if (form === 'url_env') return { yaml: `source:\n  type: ${engine}\n  url_env: ${URL_ENV}\n${tls}`, env: { [URL_ENV]: urlOf(engine, port, user) }, secretInFile: false }
  return {
    yaml: `source:\n  type: ${engine}\n  host: localhost\n  port: ${port}\n  user: ${user}\n  password_env: ${PW_ENV}\n  database: ${DATABASE}\n${tls}`,
    env: { [PW_ENV]: MARKER },
    secretInFile: false,
  }
}

let pki: TestPki
let pkiDir: string | undefined
const dirs: string[] = []

const canPg = pgTlsServerAvailable()
const canMariaDb = mariadbTlsServerAvailable()

beforeAll(async () => {
  if (!canPg && !canMariaDb) return
  pkiDir = tempDir('rivet-leak-pki-')
  pki = await createTestPki(pkiDir)
})
afterAll(() => {
  for (const dir of [...dirs, ...(pkiDir === undefined ? [] : [pkiDir])]) rmSync(dir, { recursive: true, force: true })
})

/** Runs every command in one folder and collects what each printed. */
class Session {
  readonly dir = tempDir('rivet-leak-')
  readonly printed: Printed[] = []
  /** Config files that hold the password on purpose (url form): excluded from the search. */
  readonly secretFiles = new Set<string>()

  constructor() {
    dirs.push(this.dir)
  }

  config(name: string, block: { yaml: string; secretInFile: boolean }, table: string): string {
    const path = writeConfig(this.dir, `${block.yaml}${EXPORTS(table)}`, name)
    if (block.secretInFile) this.secretFiles.add(path)
    return path
  }

  async cli(args: readonly string[], env: NodeJS.ProcessEnv, expectCode?: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const r = await runCli(args, { cwd: this.dir, env })
    const label = `rivet ${args.map((a) => (a.startsWith(this.dir) ? relative(this.dir, a) : a)).join(' ')}`
    this.printed.push({ label: `${label} (stdout)`, text: r.stdout }, { label: `${label} (stderr)`, text: r.stderr })
    if (expectCode !== undefined) expect(r.code, `${label}\n${r.stdout}\n${r.stderr}`).toBe(expectCode)
    return r
  }

  /** The marker in any form, in anything printed or written; [] when clean. */
  findings(): string[] {
    const found: string[] = []
    for (const p of this.printed) {
      const forms = leaks(Buffer.from(p.text))
      if (forms.length > 0) found.push(`${p.label}: ${forms.join(', ')}`)
    }
    for (const file of filesUnder(this.dir)) {
      if (this.secretFiles.has(file)) continue
      const forms = leaks(readFileSync(file))
      if (forms.length > 0) found.push(`${relative(this.dir, file)}: ${forms.join(', ')}`)
    }
    return found
  }
}

function leakSuite(engine: Engine, start: (pki: TestPki) => Promise<TlsTestServer>, setup: (server: TlsTestServer) => Promise<void>): void {
  let server: TlsTestServer
  let logStart = 0

  beforeAll(async () => {
    server = await start(pki)
    await setup(server)
    logStart = readFileSync(server.logFile).length
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('url with the password: run, check, doctor, plan/apply, state, metrics, journal, validate (text and --json) and failing runs print and write no trace of it', async () => {
    const s = new Session()
    const block = sourceBlock(engine, 'url', server.port)
    const cfg = s.config('rivet.yaml', block, 'leak_items')
    const missingTable = s.config('missing-table.yaml', block, 'leak_no_such_table')
    const closed = sourceBlock(engine, 'url', await freePort())
    // no retries: a refused connection is retryable, and the backoff would only make the test slow
    const wrongPort = s.config('wrong-port.yaml', { ...closed, yaml: `${closed.yaml}  tuning: { max_retries: 0 }\n` }, 'leak_items')
    const denied = s.config('denied.yaml', sourceBlock(engine, 'url', server.port, DENIED_USER), 'leak_items')
    const env = block.env

    await s.cli(['run', '-c', cfg], env, 0)
    await s.cli(['run', '-c', cfg, '--json'], env, 0)
    await s.cli(['check', '-c', cfg, '--json'], env)
    await s.cli(['doctor', '-c', cfg], env, 0)
    await s.cli(['plan', '-c', cfg, '-o', join(s.dir, 'plan.json')], env, 0)
    await s.cli(['apply', '-c', cfg, join(s.dir, 'plan.json')], env, 0)
    await s.cli(['plan', '-c', cfg, '-o', join(s.dir, 'plan2.json'), '--json'], env, 0)
    await s.cli(['state', 'files', '-c', cfg], env, 0)
    await s.cli(['state', 'files', '-c', cfg, '--json'], env, 0)

    // failures: the error messages name the endpoint and the user, never the password
    const noTable = await s.cli(['run', '-c', missingTable, '--json-errors'], env, 1)
    expect(noTable.stderr).toContain('RIVET_SOURCE_NOT_FOUND')
    const unreachable = await s.cli(['run', '-c', wrongPort, '--json-errors'], env)
    expect(unreachable.stderr).toContain('RIVET_SOURCE_UNREACHABLE')
    await s.cli(['doctor', '-c', wrongPort, '--json'], env)
    const refused = await s.cli(['run', '-c', denied, '--json-errors'], env, 1)
    expect(refused.stderr).toContain('RIVET_SOURCE_AUTH')
    await s.cli(['run', '-c', denied], env, 1)
    // the recorded runs, failed ones included, with their error messages
    await s.cli(['metrics', '-c', cfg], env, 0)
    await s.cli(['metrics', '-c', missingTable, '--json'], env, 0)
    // the commands that read back what runs recorded; exit codes are theirs to define, only the output matters here
    for (const json of [[], ['--json']]) {
      await s.cli(['journal', '-c', cfg, '-e', 'items', ...json], env)
      await s.cli(['journal', '-c', missingTable, '-e', 'items', ...json], env)
      await s.cli(['state', 'show', '-c', cfg, ...json], env)
      await s.cli(['validate', '-c', cfg, ...json], env)
    }
    await s.cli(['reconcile', '-c', cfg, '-e', 'items', '--json'], env)
    await s.cli(['repair', '-c', cfg, '-e', 'items', '--json'], env)

    // the runs really happened and were recorded: the search covers real artifacts
    expect(filesUnder(join(s.dir, 'out', 'items')).some((f) => f.endsWith('.csv'))).toBe(true)
    expect(filesUnder(join(s.dir, 'out', 'items')).some((f) => f.endsWith('_SUCCESS'))).toBe(true)
    expect(existsSync(join(s.dir, 'plan.json'))).toBe(true)
    const state = join(s.dir, '.rivet_state.db')
    expect(readFileSync(state).includes(Buffer.from('leak_no_such_table'))).toBe(true)
    // control: the search does find the password where it is on purpose
    expect(leaks(readFileSync(cfg))).toContain('percent-encoded')
    expect(s.findings()).toEqual([])
  })

  it('password_env and url_env: the same, and the state file is private (0600)', async () => {
    const s = new Session()
    for (const form of ['password_env', 'url_env'] as const) {
      const block = sourceBlock(engine, form, server.port)
      const cfg = s.config(`${form}.yaml`, block, 'leak_items')
      const denied = s.config(`${form}-denied.yaml`, sourceBlock(engine, form, server.port, DENIED_USER), 'leak_items')
      await s.cli(['run', '-c', cfg, '--json'], block.env, 0)
      await s.cli(['doctor', '-c', cfg, '--json'], block.env, 0)
      const deniedEnv = sourceBlock(engine, form, server.port, DENIED_USER).env
      await s.cli(['run', '-c', denied, '--json-errors'], deniedEnv, 1)
      await s.cli(['metrics', '-c', cfg], block.env, 0)
      // the environment variable missing: the message names the variable, not a value
      const missing = await s.cli(['run', '-c', cfg, '--json-errors'], {}, 1)
      expect(missing.stderr).toContain('RIVET_CONFIG_ENV_MISSING')
    }
    const state = join(s.dir, '.rivet_state.db')
    expect(existsSync(state)).toBe(true)
    for (const file of [state, `${state}-wal`, `${state}-shm`].filter((f) => existsSync(f))) {
      expect((statSync(file).mode & 0o777).toString(8), file).toBe('600')
    }
    expect(s.findings()).toEqual([])
  })

  it('with the state in PostgreSQL (RIVET_STATE_URL), successful and failing runs leave no trace of it in the state tables', async () => {
    const s = new Session()
    const block = sourceBlock(engine, 'url', server.port)
    const cfg = s.config('pg-state.yaml', block, 'leak_items')
    const missingTable = s.config('pg-state-missing.yaml', block, 'leak_no_such_table')
    const schema = `leak_state_${engine}`
    const env = { ...block.env, RIVET_STATE_URL: `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}` }
    await withPg((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`))
    try {
      await s.cli(['run', '-c', cfg, '--json'], env, 0)
      await s.cli(['run', '-c', missingTable, '--json-errors'], env, 1)
      await s.cli(['journal', '-c', cfg, '-e', 'items', '--json'], env, 0)
      await s.cli(['state', 'show', '-c', cfg, '--json'], env, 0)
      expect(existsSync(join(s.dir, '.rivet_state.db')), 'the state went to PostgreSQL, not to a file').toBe(false)
      const rows = await withPg(async (c) => {
        const tables = await c.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema])
        const dumps: string[] = []
        for (const { table_name } of tables.rows) {
          const r = await c.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${schema}.${table_name} t`)
          dumps.push(...r.rows.map((x) => x.row))
        }
        return dumps.join('\n')
      })
      // the dump holds the runs, the failure and the journal: the search covers real content
      expect(rows).toContain('leak_no_such_table')
      expect(rows).toContain('"kind":"outcome"')
      expect(leaks(Buffer.from(rows))).toEqual([])
      expect(s.findings()).toEqual([])
    } finally {
      await withPg((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`))
    }
  })

  it('rivet init writes a config without the password, from --source and from --source-env', async () => {
    const s = new Session()
    await s.cli(['init', '--source', urlOf(engine, server.port), '--table', 'leak_items', '-o', join(s.dir, 'init-source.yaml')], {}, 0)
    await s.cli(['init', '--source-env', URL_ENV, '--table', 'leak_items', '-o', join(s.dir, 'init-env.yaml')], { [URL_ENV]: urlOf(engine, server.port) }, 0)
    await s.cli(['init', '--source', urlOf(engine, server.port), '--table', 'leak_items', '-o', '-'], {}, 0)
    await s.cli(['init', '--source', urlOf(engine, server.port, DENIED_USER), '--table', 'leak_items', '-o', '-', '--json-errors'], {}, 1)
    expect(readFileSync(join(s.dir, 'init-source.yaml'), 'utf8')).toContain('url_env: RIVET_SOURCE_URL')
    expect(s.findings()).toEqual([])
  })

  it("Rivet never sent the password inside a statement or a startup field (the server's log)", () => {
    const log = readFileSync(server.logFile).subarray(logStart)
    expect(log.length).toBeGreaterThan(0)
    expect(leaks(log)).toEqual([])
  })
}

describe.skipIf(!canPg)('no credential leaks: PostgreSQL (throwaway TLS server, scram)', () => {
  leakSuite(
    'postgres',
    (p) => startPgTlsServer(p, { user: USER, password: MARKER, database: DATABASE }),
    async (server) => {
      await server.sql(
        `set role ${USER}; create table leak_items (id int primary key, label text, updated_at timestamptz); ` +
          `insert into leak_items select g, 'item ' || g, now() from generate_series(1, 500) g; reset role; ` +
          `create role ${DENIED_USER} login password 'a-different-password'; grant select on leak_items to ${DENIED_USER}`,
      )
    },
  )
})

describe.skipIf(!canMariaDb)('no credential leaks: MariaDB (throwaway TLS server)', () => {
  leakSuite(
    'mysql',
    (p) => startMariaDbTlsServer(p, { user: USER, password: MARKER, database: DATABASE }),
    async (server) => {
      const values = Array.from({ length: 500 }, (_, i) => `(${i + 1}, 'item ${i + 1}', now())`).join(',')
      await server.sql(
        `create table leak_items (id int primary key, label varchar(40), updated_at datetime(6)); insert into leak_items values ${values}; ` +
          `create user '${DENIED_USER}'@'%' identified by 'a-different-password'; grant select on ${DATABASE}.* to '${DENIED_USER}'@'%'`,
      )
    },
  )
})

describe('no credential leaks: config errors', () => {
  const url = `postgresql://${USER}:${encodeURIComponent(MARKER)}@db.invalid:5432/${DATABASE}`
  /** Configs that are wrong in ways that put the password next to the mistake; `literal` ones hold it in the file. */
  const CASES: readonly { name: string; yaml: string; env?: NodeJS.ProcessEnv; literal?: true }[] = [
    // ${VAR} where the variable's name was meant: the value is the secret itself
    { name: 'url-env-interpolated', yaml: `source:\n  type: postgres\n  url_env: "\${${URL_ENV}}"\n`, env: { [URL_ENV]: url } },
    { name: 'password-env-interpolated', yaml: `source:\n  type: postgres\n  host: h\n  user: u\n  database: d\n  password_env: "\${${PW_ENV}}"\n`, env: { [PW_ENV]: MARKER } },
    { name: 'enum-from-env', yaml: `source:\n  type: postgres\n  url: "${url}"\n  tls: { mode: "\${${PW_ENV}}" }\n`, env: { [PW_ENV]: MARKER }, literal: true },
    { name: 'bad-sslmode', yaml: `source:\n  type: postgres\n  url: "${url}?sslmode=bogus"\n`, literal: true },
    { name: 'bad-sslmode-from-env', yaml: `source:\n  type: postgres\n  url_env: ${URL_ENV}\n`, env: { [URL_ENV]: `${url}?sslmode=bogus` } },
    { name: 'unknown-param', yaml: `source:\n  type: postgres\n  url: "${url}?sslcert=x"\n`, literal: true },
    { name: 'no-host', yaml: `source:\n  type: postgres\n  url: "postgresql://${USER}:${encodeURIComponent(MARKER)}@/${DATABASE}"\n`, literal: true },
    { name: 'bad-port', yaml: `source:\n  type: postgres\n  url: "postgresql://${USER}:${encodeURIComponent(MARKER)}@h:99999/${DATABASE}"\n`, literal: true },
    { name: 'bad-escape', yaml: `source:\n  type: postgres\n  url: "postgresql://${USER}:${encodeURIComponent(MARKER)}%zz@h/${DATABASE}"\n`, literal: true },
    { name: 'scheme-mismatch', yaml: `source:\n  type: mysql\n  url: "${url}"\n`, literal: true },
    { name: 'url-and-password', yaml: `source:\n  type: postgres\n  url: "${url}"\n  password: "${MARKER}"\n`, literal: true },
    { name: 'sslmode-disagrees', yaml: `source:\n  type: postgres\n  url: "${url}?sslmode=require"\n  tls: { mode: verify-full }\n`, literal: true },
  ]

  it('every invalid config is refused with a RIVET_CONFIG_* code, and no message quotes the password', async () => {
    const s = new Session()
    for (const c of CASES) {
      const cfg = s.config(`${c.name}.yaml`, { yaml: c.yaml, secretInFile: c.literal === true }, 'leak_items')
      const json = await s.cli(['run', '-c', cfg, '--json-errors'], c.env ?? {}, 1)
      expect((JSON.parse(json.stderr.trim().split('\n').pop()!) as { error: { code: string } }).error.code, c.name).toMatch(/^RIVET_CONFIG_/)
      await s.cli(['run', '-c', cfg], c.env ?? {}, 1)
      // doctor reports config problems in its own JSON: checked where a value comes from the environment
      if (c.env !== undefined) await s.cli(['doctor', '-c', cfg, '--json'], c.env)
    }
    expect(s.findings()).toEqual([])
  })
})
