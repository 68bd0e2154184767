import type pg from 'pg'

/** How many more connections the source can give this role, and the figures behind it. */
export interface ConnectionBudget {
  readonly maxConnections: number
  /** Slots kept for superusers (superuser_reserved_connections; 0 when the role is a superuser). */
  readonly reserved: number
  /** Client connections open now, this probe's own included. */
  readonly inUse: number
  /** The role's CONNECTION LIMIT, or null when unlimited. */
  readonly roleLimit: number | null
  /** Client connections of this role open now, this probe's own included. */
  readonly roleInUse: number
  /** Connections left free for other clients of the server (max(2, 10% of max_connections)). */
  readonly headroom: number
  /**
   * Connections Rivet may open once this probe's own connection is closed: the smaller of the
   * server's free slots minus the headroom and the role's remaining limit.
   */
  readonly available: number
}

const BUDGET_SQL = `
SELECT current_setting('max_connections')::int AS max_connections,
       current_setting('superuser_reserved_connections')::int AS reserved,
       r.rolsuper AS superuser,
       r.rolconnlimit AS role_limit,
       (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend') AS in_use,
       (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend' AND usename = current_user) AS role_in_use
FROM pg_roles r WHERE r.rolname = current_user`

/** Probe the server's connection limits (counts include the probing connection itself). */
export async function pgConnectionBudget(client: pg.Client): Promise<ConnectionBudget> {
  const r = (await client.query(BUDGET_SQL)).rows[0]
  const maxConnections = Number(r.max_connections)
  const reserved = r.superuser === true ? 0 : Number(r.reserved)
  const inUse = Number(r.in_use)
  const roleInUse = Number(r.role_in_use)
  const roleLimit = Number(r.role_limit) < 0 ? null : Number(r.role_limit)
  const headroom = Math.max(2, Math.ceil(maxConnections * 0.1))
  // the probe's own connection is closed before the workers connect: it does not count
  const serverFree = maxConnections - reserved - (inUse - 1) - headroom
  const roleFree = roleLimit === null ? Infinity : roleLimit - (roleInUse - 1)
  return { maxConnections, reserved, inUse, roleLimit, roleInUse, headroom, available: Math.max(0, Math.min(serverFree, roleFree)) }
}

/** The parallelism to use: `wanted`, clamped to the connection budget and the memory budget. */
export function clampParallelism(
  wanted: number,
  budget: ConnectionBudget,
  memoryMax: number,
): { parallel: number; reason: string | null } {
  let parallel = wanted
  const reasons: string[] = []
  if (budget.available < parallel) {
    parallel = budget.available
    reasons.push(describeBudget(budget))
  }
  if (memoryMax < parallel) {
    parallel = Math.max(1, memoryMax)
    reasons.push(`the memory budget allows ${memoryMax} concurrent chunk reader(s)`)
  }
  return { parallel, reason: reasons.length > 0 ? reasons.join('; ') : null }
}

/** One line with the numbers behind a connection budget. */
export function describeBudget(b: ConnectionBudget): string {
  const server = `max_connections ${b.maxConnections}, ${b.inUse - 1} in use, ${b.reserved} reserved for superusers, ${b.headroom} left for others`
  const role = b.roleLimit === null ? '' : `; role CONNECTION LIMIT ${b.roleLimit} with ${b.roleInUse - 1} in use`
  return `the source can spare ${b.available} connection(s) (${server}${role})`
}
