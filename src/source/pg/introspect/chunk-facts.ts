import type pg from 'pg'
import { RivetError } from '../../../errors/index.js'
import type { ColumnRange } from '../../chunk-probe.js'

/**
 * Catalog and data probes the coordinator runs to plan chunks: each one a short statement (an
 * index makes min/max, the NULL probe and the boundary walk cheap; without one they scan).
 */

/** Lowest and highest value of `expr` in `from`, as text, and whether any row has it NULL. */
export async function pgColumnRange(client: pg.Client, from: string, expr: string): Promise<ColumnRange> {
  // two statements: min/max read the ends of an index; the NULL probe stops at the first NULL
  const r = (await client.query(`SELECT min(${expr})::text AS lo, max(${expr})::text AS hi FROM ${from}`)).rows[0]
  const nulls = (await client.query(`SELECT EXISTS (SELECT 1 FROM ${from} WHERE ${expr} IS NULL) AS has_nulls`)).rows[0]
  return { min: r?.lo ?? null, max: r?.hi ?? null, hasNulls: nulls?.has_nulls === true }
}

/** The planner's row estimate for `SELECT * FROM from` (no rows are read). */
export async function pgRowEstimate(client: pg.Client, from: string): Promise<number> {
  const r = (await client.query(`EXPLAIN (FORMAT JSON) SELECT 1 FROM ${from}`)).rows[0]
  const plan = (r?.['QUERY PLAN'] as { Plan?: { 'Plan Rows'?: number } }[] | undefined)?.[0]?.Plan
  return Math.max(0, Math.round(plan?.['Plan Rows'] ?? 0))
}

/** The exact row count (a full read: only for small relations). */
export async function pgRowCount(client: pg.Client, from: string): Promise<number> {
  return Number((await client.query(`SELECT count(*)::int8 AS n FROM ${from}`)).rows[0]?.n ?? 0)
}

/**
 * Values that cut `expr` into runs of about `rowsPerChunk` rows, in order: each is the value
 * `rowsPerChunk` rows after the previous one (a value repeated more than that moves to the next
 * distinct value, so the bounds are strictly increasing). One short statement per boundary: each
 * walks `rowsPerChunk` index entries.
 */
export async function pgRowBoundaries(client: pg.Client, from: string, expr: string, type: string, rowsPerChunk: number, signal?: AbortSignal): Promise<string[]> {
  const bounds: string[] = []
  let previous: string | null = null
  for (;;) {
    if (signal?.aborted) throw new RivetError('RIVET_CANCELLED', 'planning was cancelled')
    const where: string = previous === null ? '' : `WHERE ${expr} >= $1::${type}`
    const params: string[] = previous === null ? [] : [previous]
    const at: { v: string | null } | undefined = (await client.query(`SELECT ${expr}::text AS v FROM ${from} ${where} ORDER BY ${expr} OFFSET ${rowsPerChunk} LIMIT 1`, params)).rows[0]
    if (at === undefined || at.v === null) return bounds
    let next: string | null = at.v
    if (previous !== null && next === previous) {
      const after: { v: string | null } | undefined = (await client.query(`SELECT min(${expr})::text AS v FROM ${from} WHERE ${expr} > $1::${type}`, [previous])).rows[0]
      next = after?.v ?? null
      if (next === null) return bounds
    }
    bounds.push(next as string)
    previous = next
  }
}

/** Whether `column` of relation `oid` is NOT NULL and alone forms a unique index (or the primary key). */
export async function pgIsUniqueNotNull(client: pg.Client, oid: number, column: string): Promise<boolean> {
  const r = await client.query(
    `SELECT EXISTS (
       SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
       WHERE i.indrelid = $1 AND i.indisunique AND i.indnkeyatts = 1 AND i.indpred IS NULL AND a.attname = $2 AND a.attnotnull
     ) AS ok`,
    [oid, column],
  )
  return r.rows[0]?.ok === true
}

/** Whether some btree index of relation `oid` starts with `column` (range and order probes are cheap). */
export async function pgHasLeadingIndex(client: pg.Client, oid: number, column: string): Promise<boolean> {
  const r = await client.query(
    `SELECT EXISTS (
       SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
       WHERE i.indrelid = $1 AND a.attname = $2
     ) AS ok`,
    [oid, column],
  )
  return r.rows[0]?.ok === true
}
