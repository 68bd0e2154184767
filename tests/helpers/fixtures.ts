import type pg from 'pg'

/** Columns of the mixed-type fixture, in table order. */
export const MIXED_COLUMNS = ['id', 'name', 'amount', 'created_at', 'payload', 'uid', 'active', 'day', 'blob', 'tags'] as const

/**
 * Create (once per fixture version) a deterministic table of mixed types with `rows` rows:
 * bigint, text, numeric(18,4), timestamptz, jsonb, uuid, bool, date, bytea, int[] — with NULLs.
 * The table comment records the version and row count so reruns reuse it.
 */
export async function ensureMixedTable(client: pg.Client, table: string, rows: number): Promise<void> {
  const marker = `rivet-fixture mixed v2 rows=${rows}`
  const existing = await client.query<{ c: string | null }>(`select obj_description(to_regclass($1), 'pg_class') as c`, [table])
  if (existing.rows[0]?.c === marker) return
  await client.query(`drop table if exists ${table}`)
  await client.query(`
    create table ${table} (
      id bigint primary key,
      name text,
      amount numeric(18,4),
      created_at timestamptz,
      payload jsonb,
      uid uuid,
      active boolean,
      day date,
      blob bytea,
      tags int[]
    )`)
  await client.query(`
    insert into ${table}
    select g,
      case when g % 97 = 0 then null else 'name-' || g || '-' || md5(g::text) end,
      case when g % 89 = 0 then null else ((g * 7919) % 100000000000)::numeric / 10000 * (case when g % 2 = 0 then -1 else 1 end) end,
      case when g % 83 = 0 then null else timestamptz '1969-12-31 23:00:00+00' + (g * interval '37 seconds 123457 microseconds') end,
      case when g % 79 = 0 then null else jsonb_build_object('id', g, 'k', 'v' || (g % 100), 'ok', g % 3 = 0, 'arr', jsonb_build_array(g % 7, 'x')) end,
      case when g % 73 = 0 then null else md5('u' || g)::uuid end,
      case when g % 71 = 0 then null else g % 2 = 0 end,
      case when g % 67 = 0 then null else date '1900-01-01' + (g % 60000)::int end,
      case when g % 61 = 0 then null else decode(md5(g::text), 'hex') end,
      case when g % 59 = 0 then null when g % 13 = 0 then array[]::int[] else array[g % 1000, null, -(g % 77)]::int[] end
    from generate_series(1, ${rows}) g`)
  await client.query(`analyze ${table}`)
  await client.query(`comment on table ${table} is '${marker}'`)
}

/** Canonical text of every column, computed by the server itself, keyed for comparison with Parquet values. */
export function mixedCanonicalSql(table: string): string {
  return `select id::text as id, name,
      amount::text as amount,
      (extract(epoch from created_at) * 1000000)::bigint::text as created_at,
      payload::text as payload,
      uid::text as uid,
      active,
      (day - date '1970-01-01') as day,
      encode(blob, 'hex') as blob,
      array_to_json(tags)::text as tags
    from ${table} order by id`
}
