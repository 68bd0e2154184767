import type { ResolvedExport } from '../config/index.js'
import type { ConnectionBudget } from '../source/connection-budget.js'
import { mysqlSourceOf, pgSourceOf, quoteMysqlName } from '../plan/index.js'
import type { SourceConnectParams } from '../plan/index.js'
import { classifyPgError, describePgExport, openPgClient, pgConnectionBudget, pgHasLeadingIndex, quoteIdent } from '../source/pg/index.js'
import type { ColumnSpec } from '../types/index.js'

/** How the source would answer one representative statement, from its EXPLAIN. */
export interface ExplainSummary {
  /** `index`: an index finds the rows; `scan`: the whole table is read; `tid`: PostgreSQL page ranges. */
  readonly access: 'index' | 'scan' | 'tid' | 'other'
  /** The plan in one line, e.g. `Index Scan using orders_pkey on orders (rows=1000)`. */
  readonly text: string
}

/** What `rivet check` learns about one export from the catalog, without reading rows. */
export interface CheckTarget {
  readonly columns: readonly ColumnSpec[]
  /** null for a query. */
  readonly relation: { readonly display: string; readonly primaryKey: readonly string[] | null; readonly isView: boolean; readonly ctid: boolean } | null
  /** Catalog row estimate; -1 when unknown (a query). */
  readonly estimatedRows: number
  /** Average stored row width in bytes from the statistics; null when unknown. */
  readonly avgRowBytes: number | null
  /** Name of an index whose first column is `column`, or null. */
  leadingIndex(column: string): Promise<string | null>
  /** EXPLAIN of `SELECT <columns> FROM <source> [WHERE predicate] [ORDER BY orderBy] [LIMIT n]`. */
  explain(predicate: string | null, orderBy: string | null, limit: number | null): Promise<ExplainSummary>
  /** Lowest and highest value of an indexed column, as text (cheap only with an index). */
  range(column: string): Promise<{ min: string | null; max: string | null }>
}

/** One planning connection to the source, shared by every export checked. */
export interface CheckSource {
  readonly engine: 'postgres' | 'mysql'
  readonly server: string
  describe(exp: ResolvedExport): Promise<CheckTarget>
  budget(): Promise<ConnectionBudget>
  /** A connection pooler or proxy between Rivet and the server, with the evidence; null when none is seen. */
  pooler(): Promise<string | null>
  quote(name: string): string
  close(): Promise<void>
}

export async function openCheckSource(type: 'postgres' | 'mysql', connect: SourceConnectParams): Promise<CheckSource> {
  return type === 'mysql' ? openMysqlCheckSource(connect) : openPgCheckSource(connect)
}

async function openPgCheckSource(connect: SourceConnectParams): Promise<CheckSource> {
  const client = await openPgClient(connect)
  const q = async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> => {
    try {
      return (await client.query<T>(sql, params)).rows
    } catch (err) {
      throw classifyPgError(err)
    }
  }
  const version = (await q<{ v: string }>(`SELECT current_setting('server_version') AS v`))[0]!.v
  return {
    engine: 'postgres',
    server: `PostgreSQL ${version}`,
    quote: quoteIdent,
    async describe(exp) {
      const facts = await describePgExport(client, exp)
      const { from, selectList } = pgSourceOf(exp, facts)
      const rel = facts.relation
      let avgRowBytes: number | null = null
      if (rel !== null) {
        const w = await q<{ w: string | null }>('SELECT sum(avg_width)::int8 AS w FROM pg_stats WHERE schemaname = $1 AND tablename = $2', [rel.schema, rel.name])
        avgRowBytes = w[0]?.w === null || w[0]?.w === undefined ? null : Number(w[0].w)
      }
      return {
        columns: facts.columns,
        relation: rel === null ? null : { display: from, primaryKey: rel.primaryKey, isView: rel.relkind === 'v' || rel.relkind === 'm', ctid: rel.relkind === 'r' || rel.relkind === 'm' },
        estimatedRows: rel?.estimatedRows ?? -1,
        avgRowBytes,
        async leadingIndex(column) {
          if (rel === null || !(await pgHasLeadingIndex(client, rel.oid, column))) return null
          const r = await q<{ name: string }>(
            `SELECT ci.relname AS name FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
             WHERE i.indrelid = $1 AND a.attname = $2 ORDER BY i.indisprimary DESC, ci.relname LIMIT 1`,
            [rel.oid, column],
          )
          return r[0]?.name ?? null
        },
        async explain(predicate, orderBy, limit) {
          const sql = `EXPLAIN (FORMAT JSON) SELECT ${selectList} FROM ${from}${predicate ? ` WHERE ${predicate}` : ''}${orderBy ? ` ORDER BY ${orderBy}` : ''}${limit !== null ? ` LIMIT ${limit}` : ''}`
          const rows = await q<{ 'QUERY PLAN': unknown }>(sql)
          return summarizePgPlan((rows[0]!['QUERY PLAN'] as { Plan: PgPlanNode }[])[0]!.Plan)
        },
        async range(column) {
          const r = await q<{ lo: string | null; hi: string | null }>(`SELECT min(${quoteIdent(column)})::text AS lo, max(${quoteIdent(column)})::text AS hi FROM ${from}`)
          return { min: r[0]?.lo ?? null, max: r[0]?.hi ?? null }
        },
      }
    },
    budget: () => pgConnectionBudget(client),
    async pooler() {
      // behind a transaction-mode pooler (pgBouncer, RDS Proxy…) two statements may reach two backends
      const a = (await q<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0]!.pid
      const b = (await q<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0]!.pid
      return a === b ? null : `transaction pooling: pg_backend_pid() was ${a} then ${b} on one client connection (pgBouncer pool_mode=transaction or a similar proxy)`
    },
    close: () => client.end(),
  }
}

interface PgPlanNode {
  readonly 'Node Type': string
  readonly 'Index Name'?: string
  readonly 'Relation Name'?: string
  readonly 'Plan Rows'?: number
  readonly Plans?: readonly PgPlanNode[]
}

/** The access path of a PostgreSQL plan: the scan nodes under any Limit/Sort/Gather. */
export function summarizePgPlan(plan: PgPlanNode): ExplainSummary {
  const scans: PgPlanNode[] = []
  const walk = (n: PgPlanNode) => {
    if (/Scan$/.test(n['Node Type'])) scans.push(n)
    for (const child of n.Plans ?? []) walk(child)
  }
  walk(plan)
  const text = scans.map((n) => `${n['Node Type']}${n['Index Name'] ? ` using ${n['Index Name']}` : ''}${n['Relation Name'] ? ` on ${n['Relation Name']}` : ''} (rows=${n['Plan Rows'] ?? '?'})`).join(', ') || plan['Node Type']
  const types = scans.map((n) => n['Node Type'])
  const access = types.some((t) => t === 'Seq Scan' || t === 'Parallel Seq Scan')
    ? 'scan'
    : types.some((t) => t === 'Tid Range Scan' || t === 'Tid Scan')
      ? 'tid'
      : types.some((t) => /Index|Bitmap/.test(t))
        ? 'index'
        : 'other'
  return { access, text }
}

async function openMysqlCheckSource(connect: SourceConnectParams): Promise<CheckSource> {
  const { classifyMysqlError, describeMysqlExport, detectMysqlProxy, mysqlConnectionBudget, openMysqlConnection } = await import('../source/mysql/index.js')
  const session = await openMysqlConnection(connect)
  const conn = session.connection
  const q = async (sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> => {
    try {
      return (await conn.query(sql, params))[0] as Record<string, unknown>[]
    } catch (err) {
      throw classifyMysqlError(err)
    }
  }
  const version = String((await q('SELECT VERSION() AS v'))[0]!.v)
  return {
    engine: 'mysql',
    server: `${/mariadb/i.test(version) ? 'MariaDB' : 'MySQL'} ${version}`,
    quote: quoteMysqlName,
    async describe(exp) {
      const facts = await describeMysqlExport(conn, exp)
      const { from, selectList } = mysqlSourceOf(exp, facts)
      const rel = facts.relation
      let avgRowBytes: number | null = null
      if (rel !== null) {
        const r = await q('SELECT AVG_ROW_LENGTH AS w FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [rel.schema, rel.name])
        avgRowBytes = r[0]?.w === null || r[0]?.w === undefined ? null : Number(r[0].w) || null
      }
      return {
        columns: facts.columns,
        relation: rel === null ? null : { display: from, primaryKey: rel.primaryKey, isView: rel.isView, ctid: false },
        estimatedRows: rel?.estimatedRows ?? -1,
        avgRowBytes,
        async leadingIndex(column) {
          if (rel === null) return null
          const r = await q(
            `SELECT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ? AND SEQ_IN_INDEX = 1
             ORDER BY INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME LIMIT 1`,
            [rel.schema, rel.name, column],
          )
          return r[0] ? String(r[0].name) : null
        },
        async explain(predicate, orderBy, limit) {
          const rows = await q(`EXPLAIN SELECT ${selectList} FROM ${from}${predicate ? ` WHERE ${predicate}` : ''}${orderBy ? ` ORDER BY ${orderBy}` : ''}${limit !== null ? ` LIMIT ${limit}` : ''}`)
          return summarizeMysqlExplain(rows)
        },
        async range(column) {
          const r = await q(`SELECT CAST(MIN(${quoteMysqlName(column)}) AS CHAR) AS lo, CAST(MAX(${quoteMysqlName(column)}) AS CHAR) AS hi FROM ${from}`)
          return { min: r[0]?.lo === null || r[0]?.lo === undefined ? null : String(r[0].lo), max: r[0]?.hi === null || r[0]?.hi === undefined ? null : String(r[0].hi) }
        },
      }
    },
    budget: () => mysqlConnectionBudget(conn),
    async pooler() {
      const found = await detectMysqlProxy(conn)
      return found.kind === null ? null : `${found.kind}: ${found.evidence}`
    },
    close: () => session.close(),
  }
}

/** The access path of a MySQL/MariaDB EXPLAIN: `type` ALL is a full scan; range/ref/eq_ref/const/index use an index. */
export function summarizeMysqlExplain(rows: readonly Record<string, unknown>[]): ExplainSummary {
  const text = rows.map((r) => `type=${String(r.type ?? '?')}${r.key ? ` key=${String(r.key)}` : ''} on ${String(r.table ?? '?')} (rows=${String(r.rows ?? '?')})${r.Extra ? ` ${String(r.Extra)}` : ''}`).join(', ')
  const types = rows.map((r) => String(r.type ?? '').toLowerCase())
  const access = types.includes('all') ? 'scan' : types.some((t) => ['range', 'ref', 'eq_ref', 'const', 'system', 'index', 'ref_or_null', 'index_merge'].includes(t)) ? 'index' : 'other'
  return { access, text }
}
