import type { ColumnSpec } from '../../../types/index.js'

/**
 * Text-protocol decoders of the MySQL/MariaDB reader; ColumnSpec.decoder is `mysql:<kind>`.
 * The builder's RivetType picks the width (`int` fills int8..uint64, `float`/`double` fill
 * float32 or float64, `datetime` fills both timestamp flavours).
 */
export type MysqlDecoderKind =
  /** `0` / `1` as text (tinyint(1), or an integer column overridden to bool). */
  | 'bool'
  /** bit(1): one raw byte 0x00 / 0x01. */
  | 'bit-bool'
  /** Integer text, range-checked against the output type. */
  | 'int'
  /** Decimal text (exponent allowed), checked against the output precision and scale. */
  | 'decimal'
  /** FLOAT, selected as `col * 1e0`: MariaDB prints FLOAT with 6 significant digits, a double exactly. */
  | 'float'
  /** Float text parsed by Number (the server prints the shortest round-trip form of a double). */
  | 'double'
  /** A bigint or decimal as a float64: Number of its text, refused unless the double reads back as the same number. */
  | 'double-exact'
  | 'date'
  /** `YYYY-MM-DD HH:MM:SS[.ffffff]` (a bare date reads as midnight). */
  | 'datetime'
  | 'time'
  /** UTF-8 text as the server sends it (the connection charset is utf8mb4). */
  | 'text'
  | 'binary'
  | 'json'
  /** Text overridden to json: each value is checked to be JSON, then kept as it is. */
  | 'json-text'
  /** BIT(n): up to 8 raw big-endian bytes. */
  | 'bit'
  /** A UUID in its 36-character text form (MariaDB `uuid`, or char(36) overridden to uuid). */
  | 'uuid'
  /** binary(16) read as the 16 UUID bytes. */
  | 'uuid-bin'
  /** Text overrides that need a server-side rendering: `LOWER(HEX(col))`, `CAST(col AS UNSIGNED)`, `ST_AsText(col)`, `CAST(col AS CHAR)`. */
  | 'text-hex'
  | 'text-bit'
  | 'text-wkt'
  | 'text-char'
  /** FLOAT as text: selected as `col * 1e0`, written as the shortest text that reads back as the same float32. */
  | 'text-float'

const PREFIX = 'mysql:'

const KINDS: readonly MysqlDecoderKind[] = [
  'bool',
  'bit-bool',
  'int',
  'decimal',
  'float',
  'double',
  'double-exact',
  'date',
  'datetime',
  'time',
  'text',
  'binary',
  'json',
  'json-text',
  'bit',
  'uuid',
  'uuid-bin',
  'text-hex',
  'text-bit',
  'text-wkt',
  'text-char',
  'text-float',
]

/** The ColumnSpec.decoder id of a decoder kind. */
export function mysqlDecoderId(kind: MysqlDecoderKind): string {
  return PREFIX + kind
}

/** The decoder kind of a ColumnSpec.decoder id, or null when it is not a MySQL decoder. */
export function mysqlDecoderKind(decoder: string): MysqlDecoderKind | null {
  if (!decoder.startsWith(PREFIX)) return null
  const kind = decoder.slice(PREFIX.length)
  return (KINDS as readonly string[]).includes(kind) ? (kind as MysqlDecoderKind) : null
}

/** A MySQL identifier in backquotes. */
export function quoteMysqlIdentifier(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`'
}

/**
 * The SELECT-list expression for a column: its quoted name, or the server-side rendering its
 * decoder reads, aliased back to the column name (e.g. ``LOWER(HEX(`payload`)) AS `payload` ``).
 * Plans must build their SELECT lists with it.
 */
export function mysqlSelectExpression(column: Pick<ColumnSpec, 'name' | 'decoder'>): string {
  const q = quoteMysqlIdentifier(column.name)
  switch (mysqlDecoderKind(column.decoder)) {
    case 'float':
    case 'text-float':
      return `${q} * 1e0 AS ${q}`
    case 'text-hex':
      return `LOWER(HEX(${q})) AS ${q}`
    case 'text-bit':
      return `CAST(${q} AS UNSIGNED) AS ${q}`
    case 'text-wkt':
      return `ST_AsText(${q}) AS ${q}`
    case 'text-char':
      return `CAST(${q} AS CHAR) AS ${q}`
    default:
      return q
  }
}
