import pg from 'pg'

/** Longest statement and transaction of one tool run, seen from the server. */
export interface StatementUsage {
  /** Longest single statement in seconds, or null when no backend of the tool was seen. */
  maxStatementS: number | null
  /** Longest transaction (xact_start → end) in seconds: what holds back vacuum's xmin horizon. */
  maxXactS: number | null
  /** Distinct statements observed. */
  statements: number
  /** Distinct backend pids observed. */
  backends: number
  /** Poll round trips completed. */
  polls: number
}

/** The columns of one pg_stat_activity poll row (epoch seconds). */
export interface ActivityRow {
  pid: number
  state: string | null
  qs: number | null
  sc: number | null
  xs: number | null
  now: number
}

const POLL_SQL = `
  select pid, state,
    extract(epoch from query_start)::float8 as qs,
    extract(epoch from state_change)::float8 as sc,
    extract(epoch from xact_start)::float8 as xs,
    extract(epoch from clock_timestamp())::float8 as now
  from pg_stat_activity
  where application_name like $1 and pid <> pg_backend_pid()`

/**
 * Polls pg_stat_activity every `intervalMs` (10 ms) from its own connection for the backends
 * whose application_name starts with a tag. A statement's duration is exact
 * (`state_change - query_start`) when a poll sees it finished on a still-connected backend;
 * otherwise (backend disconnected right after it) the last age observed while active, which
 * undercounts by at most one poll interval plus the poll's round trip. Statements shorter than
 * one interval can be missed entirely — irrelevant for "the longest".
 */
export class StatementMonitor {
  private client: pg.Client | null = null

  constructor(private readonly url: string) {}

  /** Open the monitoring connection once for the whole benchmark. */
  async open(): Promise<void> {
    this.client = new pg.Client({ connectionString: this.url, application_name: 'rivet_bench_monitor' })
    await this.client.connect()
  }

  /** Close the monitoring connection. */
  async close(): Promise<void> {
    await this.client?.end()
    this.client = null
  }

  /** Start polling for `tag%`; resolves the usage when the returned `stop` is called. */
  watch(tag: string, intervalMs = 10): { stop: () => Promise<StatementUsage> } {
    const client = this.client
    if (!client) throw new Error('StatementMonitor.open() was not called')
    const stmts: Durations = new Map()
    const xacts = new Map<string, number>()
    const pids = new Set<number>()
    // `_` is a LIKE wildcard and tags are full of them: escape so only the exact prefix matches.
    const pattern = `${tag.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    let polls = 0
    let stopped = false
    const loop = (async () => {
      while (!stopped) {
        const t0 = performance.now()
        const res = await client.query<ActivityRow>(POLL_SQL, [pattern])
        polls++
        for (const r of res.rows) recordActivity(r, stmts, xacts, pids)
        const wait = intervalMs - (performance.now() - t0)
        if (wait > 0) await new Promise((r) => setTimeout(r, wait))
      }
    })()
    let result: Promise<StatementUsage> | null = null
    const finish = async (): Promise<StatementUsage> => {
      stopped = true
      await loop
      const max = (v: number[]) => (v.length ? Math.max(...v) : null)
      const maxStatementS = max([...stmts.values()].map((d) => d.s))
      return { maxStatementS, maxXactS: max([...xacts.values()]), statements: stmts.size, backends: pids.size, polls }
    }
    // Idempotent: the caller may stop in a finally block after an earlier stop.
    return { stop: () => (result ??= finish()) }
  }
}

/** Per-key duration; `exact` once a poll saw the statement finished (state_change known). */
export type Durations = Map<string, { s: number; exact: boolean }>

/**
 * Fold one pg_stat_activity row into the statement and transaction maps. A finished
 * statement's `state_change - query_start` replaces any age seen while it ran (that age
 * includes the poll's own latency); ages only ever raise a non-exact entry.
 */
export function recordActivity(r: ActivityRow, stmts: Durations, xacts: Map<string, number>, pids: Set<number>): void {
  pids.add(r.pid)
  if (r.qs !== null) {
    const key = `${r.pid}:${r.qs}`
    const prev = stmts.get(key)
    if (r.state !== 'active' && r.sc !== null) stmts.set(key, { s: r.sc - r.qs, exact: true })
    else if (!prev?.exact) stmts.set(key, { s: Math.max(prev?.s ?? 0, r.now - r.qs), exact: false })
  }
  if (r.xs !== null) {
    const key = `${r.pid}:${r.xs}`
    xacts.set(key, Math.max(xacts.get(key) ?? 0, r.now - r.xs))
  }
}
