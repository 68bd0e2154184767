import type pg from 'pg'
import type { ColumnOrigin } from '../../override-keys.js'
import type { PgRawColumn } from '../types/index.js'

/** One pg_type row as the resolver needs it. */
interface PgTypeRow {
  readonly oid: number
  readonly typname: string
  readonly typtype: string
  readonly typcategory: string
  readonly typelem: number
  readonly typbasetype: number
  readonly typtypmod: number
}

/** A column before type resolution: what pg_attribute or RowDescription tell. */
export interface PgColumnStub {
  readonly name: string
  readonly typeOid: number
  readonly typmod: number
  readonly notNull: boolean
  /** format_type(oid, typmod); when absent the catalog lookup fills it in. */
  readonly formattedType?: string
  readonly origin?: ColumnOrigin
}

// The closure of the requested types under "domain → base type" and "array → element type",
// in one round trip; UNION (not UNION ALL) makes the recursion stop at types already seen.
const TYPE_CLOSURE_SQL = `
WITH RECURSIVE closure(oid) AS (
  SELECT unnest($1::oid[])
  UNION
  SELECT v.next FROM closure c
  JOIN pg_type t ON t.oid = c.oid
  CROSS JOIN LATERAL (VALUES (NULLIF(t.typbasetype, 0)), (CASE WHEN t.typcategory = 'A' THEN NULLIF(t.typelem, 0) END)) AS v(next)
  WHERE v.next IS NOT NULL
),
formatted AS (
  SELECT array_agg(format_type(u.o, u.m) ORDER BY u.i) AS names
  FROM unnest($2::oid[], $3::int4[]) WITH ORDINALITY AS u(o, m, i)
)
SELECT t.oid::int8 AS oid, t.typname, t.typtype, t.typcategory, t.typelem::int8 AS typelem,
       t.typbasetype::int8 AS typbasetype, t.typtypmod, (SELECT names FROM formatted) AS formatted
FROM closure c JOIN pg_type t ON t.oid = c.oid`

/** Look up every type the columns use (with their base and element types) and build PgRawColumns. */
export async function resolvePgColumns(client: pg.Client, stubs: readonly PgColumnStub[]): Promise<PgRawColumn[]> {
  const oids = [...new Set(stubs.map((s) => s.typeOid))]
  const types = new Map<number, PgTypeRow>()
  let formatted: string[] = []
  if (oids.length > 0) {
    const res = await client.query(TYPE_CLOSURE_SQL, [oids, stubs.map((s) => s.typeOid), stubs.map((s) => s.typmod)])
    for (const r of res.rows) {
      types.set(Number(r.oid), {
        oid: Number(r.oid),
        typname: r.typname,
        typtype: r.typtype,
        typcategory: r.typcategory,
        typelem: Number(r.typelem),
        typbasetype: Number(r.typbasetype),
        typtypmod: Number(r.typtypmod),
      })
      formatted = r.formatted ?? formatted
    }
  }
  return stubs.map((s, i) => toRawColumn({ ...s, formattedType: s.formattedType ?? formatted[i] ?? String(s.typeOid) }, types))
}

function toRawColumn(s: PgColumnStub & { formattedType: string }, types: ReadonlyMap<number, PgTypeRow>): PgRawColumn {
  const t = types.get(s.typeOid)
  if (t === undefined) return { ...s, typname: String(s.typeOid), typtype: 'p', typcategory: 'X' }
  let column: PgRawColumn = { ...s, typname: t.typname, typtype: t.typtype, typcategory: t.typcategory }
  let arrayType = t
  let elemTypmod = s.typmod
  if (t.typtype === 'd') {
    const base = resolveDomain(t, types)
    column = {
      ...column,
      baseTypeOid: base.type.oid,
      baseTypname: base.type.typname,
      baseTyptype: base.type.typtype,
      baseTypcategory: base.type.typcategory,
      baseTypmod: base.typmod,
    }
    arrayType = base.type
    elemTypmod = s.typmod !== -1 ? s.typmod : base.typmod
  }
  if (arrayType.typcategory !== 'A' || arrayType.typelem === 0) return column
  const elem = types.get(arrayType.typelem)
  if (elem === undefined) return column
  const resolved = elem.typtype === 'd' ? resolveDomain(elem, types) : { type: elem, typmod: -1 }
  return {
    ...column,
    elemTypeOid: resolved.type.oid,
    elemTypname: resolved.type.typname,
    elemTyptype: resolved.type.typtype,
    elemTypmod: elemTypmod !== -1 ? elemTypmod : resolved.typmod,
  }
}

/** Follow a domain chain to its base type; the outermost domain that sets a typmod wins. */
function resolveDomain(t: PgTypeRow, types: ReadonlyMap<number, PgTypeRow>): { type: PgTypeRow; typmod: number } {
  let cur = t
  let typmod = -1
  for (let depth = 0; cur.typtype === 'd' && depth < 32; depth++) {
    if (typmod === -1) typmod = cur.typtypmod
    const next = types.get(cur.typbasetype)
    if (next === undefined) break
    cur = next
  }
  return { type: cur, typmod }
}
