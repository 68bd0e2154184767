import type pg from 'pg'
import { connectionBudget } from '../connection-budget.js'
import type { ConnectionBudget } from '../connection-budget.js'

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
  return connectionBudget({
    engine: 'postgres',
    maxConnections: Number(r.max_connections),
    reserved: r.superuser === true ? 0 : Number(r.reserved),
    inUse: Number(r.in_use),
    roleLimit: Number(r.role_limit) < 0 ? null : Number(r.role_limit),
    roleInUse: Number(r.role_in_use),
  })
}
