import type { ColumnOrigin } from '../../override-keys.js'

/** One column as the PostgreSQL catalog describes it, before mapping to a ColumnSpec. */
export interface PgRawColumn {
  readonly name: string
  readonly typeOid: number
  /** atttypmod / RowDescription type modifier; -1 when none. */
  readonly typmod: number
  readonly typname: string
  /** b base · e enum · d domain · c composite · r range · m multirange · p pseudo. */
  readonly typtype: string
  /** pg_type.typcategory ('A' for arrays, 'N' numeric, 'S' string, ...). */
  readonly typcategory: string
  /** For arrays (after domain resolution): the element type, itself resolved through domains. */
  readonly elemTypeOid?: number
  readonly elemTypname?: string
  readonly elemTyptype?: string
  /** Typmod that applies to the elements (the column's, or the element domain's). */
  readonly elemTypmod?: number
  /** For domains: the base type (domains over domains resolved to the last one). */
  readonly baseTypeOid?: number
  readonly baseTypname?: string
  readonly baseTyptype?: string
  readonly baseTypcategory?: string
  /** The domain's typmod when the column has none, e.g. a domain over numeric(10,2). */
  readonly baseTypmod?: number
  /** NOT NULL constraint (always false for query columns, whose nullability is unknown). */
  readonly notNull: boolean
  /** format_type(oid, typmod), e.g. `numeric(18,4)` or `timestamp with time zone`. */
  readonly formattedType: string
  /** The table column it is read from (`table.col` override keys match it); absent for query expressions. */
  readonly origin?: ColumnOrigin
}
