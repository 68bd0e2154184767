/**
 * How one column is compared. `sql` renders the column on the server as text (read back as a
 * string, see server.ts); `server`, `parquet` and `csv` turn the server's text, the value read
 * back from Parquet (hyparquet, through readParquetExact) and the CSV field into the same
 * canonical string. A value in an unexpected shape becomes `unexpected: ...`, so it never
 * compares equal by accident.
 */
export interface Canon {
  sql(column: string): string
  server(text: string): string
  parquet(value: unknown): string
  csv(field: string): string
}

const unexpected = (what: unknown) => `unexpected: ${typeof what} ${typeof what === 'bigint' ? what.toString() : JSON.stringify(what)}`
const US_PER_SECOND = 1_000_000n

/** Integers of any width: the server's text without ZEROFILL padding, Parquet numbers or bigints. */
function intCanon(sql: (c: string) => string): Canon {
  return {
    sql,
    server: (t) => BigInt(t).toString(),
    parquet: (v) => (typeof v === 'number' || typeof v === 'bigint' ? v.toString() : unexpected(v)),
    csv: (f) => (/^-?\d+$/.test(f) ? f : unexpected(f)),
  }
}

/** A float64 spelled so that -0 stays distinct from 0. */
const floatText = (x: number) => (Object.is(x, -0) ? '-0' : String(x))
const numberIn = (f: string) => (/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(f) ? Number(f) : NaN)

/** `YYYY-MM-DDTHH:MM:SS.ffffff` of a count of µs since 1970-01-01 00:00. */
export function isoMicros(us: bigint): string {
  let seconds = us / US_PER_SECOND
  if (seconds * US_PER_SECOND > us) seconds -= 1n
  const fraction = us - seconds * US_PER_SECOND
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}.${fraction.toString().padStart(6, '0')}`
}

/** `HH:MM:SS.ffffff` of a count of µs since midnight. */
function timeOfDay(us: bigint): string {
  const seconds = Number(us / US_PER_SECOND)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}.${(us % US_PER_SECOND).toString().padStart(6, '0')}`
}

/** µs since 1970-01-01 00:00 UTC of UNIX_TIMESTAMP()'s `seconds[.ffffff]`. */
function unixMicros(t: string): string {
  const [s, f = ''] = t.split('.')
  return (BigInt(s!) * US_PER_SECOND + BigInt(f.padEnd(6, '0'))).toString()
}

/** µs since 1970-01-01 00:00 UTC of a CSV `YYYY-MM-DDTHH:MM:SS.ffffffZ`. */
function csvUtcMicros(f: string): string {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{6})Z$/.exec(f)
  if (m === null) return unexpected(f)
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]))
  return (BigInt(ms) * 1000n + BigInt(m[7]!)).toString()
}

const matching = (re: RegExp) => (f: string) => (re.test(f) ? f : unexpected(f))
const asChar = (c: string) => `CAST(${c} AS CHAR)`
const asUnsigned = (c: string) => `CAST(${c} AS UNSIGNED)`
const bigintMicros = (v: unknown, format: (us: bigint) => string) => (typeof v === 'bigint' ? format(v) : unexpected(v))

export const CANON = {
  /** Every integer type and YEAR (`0000` is 0). */
  int: intCanon(asChar),
  /** BIT(n) as the unsigned number of its bits. */
  bit: intCanon(asUnsigned),
  /** tinyint(1)/boolean and BIT(1): the server's 0/1 against Parquet booleans and CSV true/false. */
  bool: {
    sql: asUnsigned,
    server: (t) => (t === '1' ? 'true' : t === '0' ? 'false' : unexpected(t)),
    parquet: (v) => (typeof v === 'boolean' ? String(v) : unexpected(v)),
    csv: matching(/^(true|false)$/),
  } satisfies Canon,
  /** Decimals as exact text with all `s` fraction digits, as MariaDB prints them. */
  decimal: {
    sql: asChar,
    server: (t) => t,
    parquet: (v) => (typeof v === 'string' ? v : unexpected(v)),
    csv: matching(/^-?\d+(\.\d+)?$/),
  } satisfies Canon,
  /** FLOAT: the exact double of the stored float32 (CAST AS DOUBLE), compared as a float32. */
  float: {
    sql: (c) => `CAST(CAST(${c} AS DOUBLE) AS CHAR)`,
    server: (t) => floatText(Math.fround(Number(t))),
    parquet: (v) => (typeof v === 'number' && Math.fround(v) === v ? floatText(v) : unexpected(v)),
    csv: (f) => floatText(Math.fround(numberIn(f))),
  } satisfies Canon,
  /** DOUBLE: the server prints the shortest text that reads back as the stored double. */
  double: {
    sql: asChar,
    server: (t) => floatText(Number(t)),
    parquet: (v) => (typeof v === 'number' ? floatText(v) : unexpected(v)),
    csv: (f) => floatText(numberIn(f)),
  } satisfies Canon,
  /** DATE as `YYYY-MM-DD`; Parquet holds days since 1970-01-01. */
  date: {
    sql: asChar,
    server: (t) => t,
    parquet: (v) => (typeof v === 'number' && Number.isInteger(v) ? new Date(v * 86_400_000).toISOString().slice(0, 10) : unexpected(v)),
    csv: matching(/^\d{4}-\d\d-\d\d$/),
  } satisfies Canon,
  /** DATETIME(n): the wall-clock time as stored; Parquet holds µs since 1970-01-01 00:00. */
  datetime: {
    sql: (c) => `DATE_FORMAT(${c}, '%Y-%m-%dT%H:%i:%s.%f')`,
    server: (t) => t,
    parquet: (v) => bigintMicros(v, isoMicros),
    csv: matching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/),
  } satisfies Canon,
  /** TIMESTAMP(n) as µs since the epoch: UNIX_TIMESTAMP() is independent of any session time zone. */
  timestamp: {
    sql: (c) => `CAST(UNIX_TIMESTAMP(${c}) AS CHAR)`,
    server: unixMicros,
    parquet: (v) => (typeof v === 'bigint' ? v.toString() : unexpected(v)),
    csv: csvUtcMicros,
  } satisfies Canon,
  /** TIME(n) within one day as `HH:MM:SS.ffffff`; Parquet holds µs since midnight. */
  time: {
    sql: (c) => `TIME_FORMAT(${c}, '%H:%i:%s.%f')`,
    server: (t) => t,
    parquet: (v) => bigintMicros(v, timeOfDay),
    csv: matching(/^\d\d:\d\d:\d\d\.\d{6}$/),
  } satisfies Canon,
  /** Text of any character set (the server converts it to UTF-8), enum/set labels, JSON, uuid, inet. */
  text: {
    sql: (c) => c,
    server: (t) => t,
    parquet: (v) => (typeof v === 'string' ? v : unexpected(v)),
    csv: (f) => f,
  } satisfies Canon,
  /** Binary strings as lowercase hex; CSV writes `\x` + hex. */
  binary: {
    sql: (c) => `LOWER(HEX(${c}))`,
    server: (t) => t,
    parquet: (v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : unexpected(v)),
    csv: (f) => /^\\x((?:[0-9a-f]{2})*)$/.exec(f)?.[1] ?? unexpected(f),
  } satisfies Canon,
} satisfies Record<string, Canon>

/** Zero dates (month or day 0) are written as NULL: the server side says so in SQL. */
export function zeroDatesAsNull(canon: Canon): Canon {
  return { ...canon, sql: (c) => `IF(MONTH(${c}) = 0 OR DAY(${c}) = 0, NULL, ${canon.sql(c)})` }
}
