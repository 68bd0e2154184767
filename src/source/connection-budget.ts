/** How many more connections the source can give this user, and the figures behind it. */
export interface ConnectionBudget {
  readonly engine: 'postgres' | 'mysql'
  readonly maxConnections: number
  /** Slots kept for superusers (PostgreSQL's superuser_reserved_connections; 0 for a superuser and on MySQL). */
  readonly reserved: number
  /** Client connections open now, this probe's own included. */
  readonly inUse: number
  /** The user's own limit (PostgreSQL role CONNECTION LIMIT, MySQL max_user_connections), or null when unlimited. */
  readonly roleLimit: number | null
  /** Client connections of this user open now, this probe's own included. */
  readonly roleInUse: number
  /** Connections left free for other clients of the server (max(2, 10% of max_connections)). */
  readonly headroom: number
  /**
   * Connections Rivet may open once this probe's own connection is closed: the smaller of the
   * server's free slots minus the headroom and the user's remaining limit.
   */
  readonly available: number
}

/** The budget from the raw figures (counts include the probing connection itself). */
export function connectionBudget(figures: Omit<ConnectionBudget, 'headroom' | 'available'>): ConnectionBudget {
  const headroom = Math.max(2, Math.ceil(figures.maxConnections * 0.1))
  // the probe's own connection is closed before the workers connect: it does not count
  const serverFree = figures.maxConnections - figures.reserved - (figures.inUse - 1) - headroom
  const roleFree = figures.roleLimit === null ? Infinity : figures.roleLimit - (figures.roleInUse - 1)
  return { ...figures, headroom, available: Math.max(0, Math.min(serverFree, roleFree)) }
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
  const reserved = b.engine === 'postgres' ? `, ${b.reserved} reserved for superusers` : ''
  const server = `max_connections ${b.maxConnections}, ${b.inUse - 1} in use${reserved}, ${b.headroom} left for others`
  const limitName = b.engine === 'postgres' ? 'role CONNECTION LIMIT' : 'max_user_connections'
  const role = b.roleLimit === null ? '' : `; ${limitName} ${b.roleLimit} with ${b.roleInUse - 1} in use`
  return `the source can spare ${b.available} connection(s) (${server}${role})`
}
