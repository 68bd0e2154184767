import { formatColumnOverride } from '../../../config/column-override.js'
import { ERROR_CODES, RivetError, type ErrorCode, type ErrorItem } from '../../../errors/index.js'
import type { ColumnSpec } from '../../../types/index.js'
import { matchColumnOverrides } from '../../override-keys.js'
import { applyPgOverride } from './apply-override.js'
import type { ColumnOverride } from './column-override.js'
import type { PgRawColumn } from './pg-raw-column.js'
import { isPgTypeProblem, mapPgScalar, type PgTypeProblem, type PgTypeRef } from './scalar-map.js'

/**
 * Map catalog columns to output columns, applying `columns:` overrides. Every column that cannot
 * be exported is collected and reported in ONE error: RIVET_TYPE_UNSUPPORTED,
 * RIVET_TYPE_NUMERIC_UNBOUNDED or RIVET_TYPE_OVERRIDE_INVALID when all problems are of that kind,
 * RIVET_TYPE_UNSUPPORTED (with one item per column, each carrying its own code) when they are mixed.
 * Override keys are matched by matchColumnOverrides (`col`, `table.col`, `schema.table.col`).
 */
export function mapPgColumns(cols: readonly PgRawColumn[], overrides: Readonly<Record<string, ColumnOverride>> = {}): ColumnSpec[] {
  const { matches, items: keyItems } = matchColumnOverrides(cols, overrides, 'pg')
  const items: ErrorItem[] = []
  const specs: ColumnSpec[] = []
  cols.forEach((col, i) => {
    const spec = mapColumn(col, matches[i]?.override, items)
    if (spec !== null) specs.push(spec)
  })
  items.push(...keyItems)
  if (items.length > 0) throw typeError(items)
  return specs
}

function mapColumn(col: PgRawColumn, override: ColumnOverride | undefined, items: ErrorItem[]): ColumnSpec | null {
  const scalar = effectiveType(col)
  const element = elementType(col)
  const base = { name: col.name, nullable: !col.notNull, sourceType: col.formattedType }
  if (override !== undefined) {
    const r = applyPgOverride(override, scalar, element)
    if ('error' in r) {
      items.push({ code: 'RIVET_TYPE_OVERRIDE_INVALID', path: col.name, message: `column "${col.name}" (${col.formattedType}): ${r.error}` })
      return null
    }
    return { ...base, ...r, override: formatColumnOverride(override) }
  }
  const mapped = mapPgScalar(element ?? scalar)
  if (isPgTypeProblem(mapped)) {
    items.push(problemItem(col, mapped))
    return null
  }
  if (element === null) return { ...base, type: mapped.type, decoder: mapped.decoder, fidelity: mapped.fidelity }
  return { ...base, type: { kind: 'list', item: mapped.type }, decoder: 'array', itemDecoder: mapped.decoder, fidelity: mapped.fidelity }
}

/** The column's type with domains resolved to their base type. */
function effectiveType(col: PgRawColumn): PgTypeRef {
  if (col.typtype !== 'd' || col.baseTypeOid === undefined) return { oid: col.typeOid, typname: col.typname, typtype: col.typtype, typmod: col.typmod }
  return {
    oid: col.baseTypeOid,
    typname: col.baseTypname ?? col.typname,
    typtype: col.baseTyptype ?? 'b',
    typmod: col.typmod !== -1 ? col.typmod : (col.baseTypmod ?? -1),
  }
}

/** The element type of an array column (after domain resolution), or null for scalars. */
function elementType(col: PgRawColumn): PgTypeRef | null {
  const category = col.typtype === 'd' ? col.baseTypcategory : col.typcategory
  if (category !== 'A' || col.elemTypeOid === undefined) return null
  return {
    oid: col.elemTypeOid,
    typname: col.elemTypname ?? '',
    typtype: col.elemTyptype ?? 'b',
    // an array column's typmod applies to its elements (numeric(10,2)[])
    typmod: col.elemTypmod ?? col.typmod,
  }
}

function problemItem(col: PgRawColumn, p: PgTypeProblem): ErrorItem {
  const q = JSON.stringify(col.name)
  switch (p.problem) {
    case 'unbounded':
      return {
        code: 'RIVET_TYPE_NUMERIC_UNBOUNDED',
        path: col.name,
        message: `column ${q} is ${col.formattedType} without precision and scale, so no exact decimal type fits every value`,
        hint: `add \`columns: { ${q}: "decimal(38,9)" }\` with the precision and scale the data needs (values that do not fit are refused), or \`columns: { ${q}: text }\``,
      }
    case 'too_wide':
      return {
        code: 'RIVET_TYPE_UNSUPPORTED',
        path: col.name,
        message: `column ${q} is ${col.formattedType}: precision ${p.precision} exceeds the 76 digits of decimal256`,
        hint: `add \`columns: { ${q}: "decimal(76,${Math.min(Math.max(p.scale, 0), 76)})" }\` if the values fit, or \`columns: { ${q}: text }\``,
      }
    case 'unsupported':
      return {
        code: 'RIVET_TYPE_UNSUPPORTED',
        path: col.name,
        message: `column ${q} has type ${col.formattedType}, which Rivet cannot export as it is`,
        hint: `cast it in a \`query:\` (for example ${q}::text) or add \`columns: { ${q}: text }\``,
      }
  }
}

function typeError(items: ErrorItem[]): RivetError {
  const codes = new Set(items.map((i) => i.code))
  const code: ErrorCode = codes.size === 1 ? items[0].code : 'RIVET_TYPE_UNSUPPORTED'
  const listed = items.map((i) => i.path ?? '?').join(', ')
  const what = code === 'RIVET_TYPE_OVERRIDE_INVALID' ? 'invalid column overrides' : 'columns that cannot be exported as they are'
  const hint = codes.size === 1 ? (items.length === 1 && items[0].hint !== undefined ? items[0].hint : ERROR_CODES[code].hint) : 'see each listed column for what to do'
  return new RivetError(code, `${items.length} ${what}: ${listed}`, { hint, items, details: { columns: items.map((i) => i.path) } })
}
