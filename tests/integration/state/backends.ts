import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { LATEST_SCHEMA_VERSION, PG_LATEST_SCHEMA_VERSION, openPostgresStateStore, openStateStore, type StateStore } from '../../../src/state/index.js'
import { PG_URL, withPg } from '../../helpers/db.js'

/** What a child process needs to open the same state (see child-store.mjs). */
export type ChildSpec = { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'postgres'; readonly url: string }

/** One state backend as the contract suite drives it. */
export interface Backend {
  readonly name: 'sqlite' | 'postgres'
  /** The schema version this code writes. */
  readonly latest: number
  /** Point at a new location and leave it empty: nothing is created until a store opens it. */
  reserve(): Promise<void>
  /** reserve(), then open a store on the new location. */
  fresh(): Promise<StateStore>
  /** Another store on the current location, as a second process would have. */
  open(): StateStore
  /** The current location, for a child process. */
  childSpec(): ChildSpec
  /** Make the statement that marks a run completed fail with 'refused'. */
  refuseCompletion(): Promise<void>
  /** Make storing a cursor fail with 'no cursor'. */
  refuseCursor(): Promise<void>
  /** The versions recorded in schema_version, ascending. */
  schemaVersions(): Promise<number[]>
  /** Record a schema version newer than this code knows. */
  addFutureVersion(): Promise<void>
  /** Remove everything this backend created. */
  cleanup(): Promise<void>
}

/** SQLite: one new file per fresh(), in a temporary directory. */
export function sqliteBackend(): Backend {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rivet-state-contract-'))
  let file = ''
  let counter = 0
  const exec = (sql: string) => {
    const db = new Database(file)
    db.exec(sql)
    db.close()
  }
  return {
    name: 'sqlite',
    latest: LATEST_SCHEMA_VERSION,
    async reserve() {
      file = path.join(dir, `state-${++counter}.db`)
    },
    async fresh() {
      await this.reserve()
      return openStateStore(file)
    },
    open: () => openStateStore(file),
    childSpec: () => ({ kind: 'sqlite', path: file }),
    async refuseCompletion() {
      exec(`CREATE TRIGGER refuse_completion BEFORE UPDATE OF status ON runs WHEN NEW.status = 'completed'
        BEGIN SELECT RAISE(ABORT, 'refused'); END`)
    },
    async refuseCursor() {
      exec("CREATE TRIGGER refuse_cursor BEFORE INSERT ON cursors BEGIN SELECT RAISE(ABORT, 'no cursor'); END")
    },
    async schemaVersions() {
      const db = new Database(file, { readonly: true })
      const rows = db.prepare('SELECT version FROM schema_version ORDER BY version').all() as { version: number }[]
      db.close()
      return rows.map((r) => r.version)
    },
    async addFutureVersion() {
      exec(`INSERT INTO schema_version (version, description, applied_at) VALUES (${LATEST_SCHEMA_VERSION + 1}, 'future', 'x')`)
    },
    async cleanup() {
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** PostgreSQL: one new schema per fresh() (prefixed with this file's name and pid), all dropped by cleanup(). */
export function postgresBackend(prefix: string): Backend {
  const schemas: string[] = []
  let schema = ''
  const urlOf = (name: string) => {
    const url = new URL(PG_URL)
    url.searchParams.set('schema', name)
    return url.toString()
  }
  const exec = (sql: string) => withPg((c) => c.query(sql).then(() => undefined))
  return {
    name: 'postgres',
    latest: PG_LATEST_SCHEMA_VERSION,
    async reserve() {
      schema = `${prefix}_${process.pid}_${schemas.length + 1}`
      schemas.push(schema)
      await exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    },
    async fresh() {
      await this.reserve()
      return openPostgresStateStore(urlOf(schema))
    },
    open: () => openPostgresStateStore(urlOf(schema)),
    childSpec: () => ({ kind: 'postgres', url: urlOf(schema) }),
    async refuseCompletion() {
      await exec(`CREATE FUNCTION ${schema}.refuse_completion() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
        CREATE TRIGGER refuse_completion BEFORE UPDATE OF status ON ${schema}.runs FOR EACH ROW WHEN (NEW.status = 'completed')
        EXECUTE FUNCTION ${schema}.refuse_completion()`)
    },
    async refuseCursor() {
      await exec(`CREATE FUNCTION ${schema}.refuse_cursor() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no cursor'; END $$;
        CREATE TRIGGER refuse_cursor BEFORE INSERT ON ${schema}.cursors FOR EACH ROW EXECUTE FUNCTION ${schema}.refuse_cursor()`)
    },
    async schemaVersions() {
      return withPg(async (c) => (await c.query<{ version: number }>(`SELECT version FROM ${schema}.schema_version ORDER BY version`)).rows.map((r) => r.version))
    },
    async addFutureVersion() {
      await exec(`INSERT INTO ${schema}.schema_version (version, description, applied_at) VALUES (${PG_LATEST_SCHEMA_VERSION + 1}, 'future', now())`)
    },
    async cleanup() {
      for (const name of schemas) await exec(`DROP SCHEMA IF EXISTS ${name} CASCADE`)
    },
  }
}
