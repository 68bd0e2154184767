import { CANON, zeroDatesAsNull, type Canon } from './canon.js'

/**
 * One column of the all-types table: its SQL type, the SQL literals of rows 1, 3, 4, 5 and 6
 * (row 2 is all NULL, or `nullRow` for NOT NULL columns), how to compare it, and the output
 * types the documented mapping gives it (see types.ts for the notation).
 */
export interface Col {
  readonly name: string
  readonly sqlType: string
  readonly values: readonly string[]
  readonly canon: Canon
  readonly arrow: string
  readonly parquet: string
  readonly nullRow?: string
}

/** A MySQL string literal (the session keeps backslash escapes, see session.ts). */
export const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`
const strings = (...vs: string[]) => vs.map(q)

const NINES_35 = '9'.repeat(35)
const NINES_30 = '9'.repeat(30)

/** Plain INT32 and INT64 are signed 32- and 64-bit integers: the writer leaves out that INTEGER annotation. */
const int = (bits: number, signed: boolean) => {
  const physical = bits === 64 ? 'INT64' : 'INT32'
  return { arrow: `${signed ? 'Int' : 'Uint'}${bits}`, parquet: signed && (bits === 32 || bits === 64) ? physical : `${physical} INTEGER(${bits},${signed ? 'signed' : 'unsigned'})` }
}
/** The fewest bytes whose signed range holds every unscaled value of precision p. */
const decimalBytes = (p: number) => {
  let n = 1
  while (2n ** BigInt(8 * n - 1) <= 10n ** BigInt(p)) n++
  return n
}
/** decimal128 is written as INT32 (p <= 9), INT64 (p <= 18) or 16 bytes; decimal256 in the fewest bytes that fit. */
const decimal = (p: number, s: number) => ({
  arrow: `Decimal${p <= 38 ? 128 : 256}(${p},${s})`,
  parquet: `${p <= 9 ? 'INT32' : p <= 18 ? 'INT64' : `FIXED_LEN_BYTE_ARRAY(${p <= 38 ? 16 : decimalBytes(p)})`} DECIMAL(${p},${s})`,
})
const BOOL = { arrow: 'Bool', parquet: 'BOOLEAN' }
const UTF8 = { arrow: 'Utf8', parquet: 'BYTE_ARRAY STRING' }
const BINARY = { arrow: 'Binary', parquet: 'BYTE_ARRAY' }
const DATE = { arrow: 'Date32<DAY>', parquet: 'INT32 DATE' }
const DATETIME = { arrow: 'Timestamp<MICROSECOND>', parquet: 'INT64 TIMESTAMP(MICROS,local)' }
const TIMESTAMP = { arrow: 'Timestamp<MICROSECOND, UTC>', parquet: 'INT64 TIMESTAMP(MICROS,utc)' }
const TIME = { arrow: 'Time64<MICROSECOND>', parquet: 'INT64 TIME(MICROS,local)' }

export const COLS: Col[] = [
  // integers
  { name: 'c_tinyint', sqlType: 'tinyint', values: ['1', '127', '-128', '0', '-1'], canon: CANON.int, ...int(8, true) },
  { name: 'c_utinyint', sqlType: 'tinyint unsigned', values: ['1', '255', '0', '128', '7'], canon: CANON.int, ...int(8, false) },
  { name: 'c_smallint', sqlType: 'smallint', values: ['123', '32767', '-32768', '0', '-1'], canon: CANON.int, ...int(16, true) },
  { name: 'c_usmallint', sqlType: 'smallint unsigned', values: ['1', '65535', '0', '32768', '2'], canon: CANON.int, ...int(16, false) },
  { name: 'c_mediumint', sqlType: 'mediumint', values: ['1', '8388607', '-8388608', '0', '-1'], canon: CANON.int, ...int(32, true) },
  { name: 'c_umediumint', sqlType: 'mediumint unsigned', values: ['1', '16777215', '0', '8388608', '3'], canon: CANON.int, ...int(32, false) },
  { name: 'c_int', sqlType: 'int', values: ['42', '2147483647', '-2147483648', '0', '-1'], canon: CANON.int, ...int(32, true) },
  { name: 'c_uint', sqlType: 'int unsigned', values: ['1', '4294967295', '0', '2147483648', '4'], canon: CANON.int, ...int(32, false) },
  { name: 'c_zerofill', sqlType: 'int(6) unsigned zerofill', values: ['42', '4294967295', '0', '7', '123456'], canon: CANON.int, ...int(32, false) },
  {
    name: 'c_bigint',
    sqlType: 'bigint',
    values: ['1', '9223372036854775807', '-9223372036854775808', '9007199254740993', '-9007199254740993'],
    canon: CANON.int,
    ...int(64, true),
  },
  {
    name: 'c_ubigint',
    sqlType: 'bigint unsigned',
    values: ['1', '18446744073709551615', '0', '9223372036854775808', '9007199254740993'],
    canon: CANON.int,
    ...int(64, false),
  },
  { name: 'c_year', sqlType: 'year', values: strings('2024', '1901', '2155', '0000', '1970'), canon: CANON.int, ...int(16, true) },
  // booleans and bits
  { name: 'c_tinyint1', sqlType: 'tinyint(1)', values: ['1', '0', '1', '0', '1'], canon: CANON.bool, ...BOOL },
  { name: 'c_boolean', sqlType: 'boolean', values: ['false', 'true', 'true', 'false', 'true'], canon: CANON.bool, ...BOOL },
  { name: 'c_bool', sqlType: 'bool', values: ['0', '1', '0', '1', '0'], canon: CANON.bool, ...BOOL },
  { name: 'c_bit1', sqlType: 'bit(1)', values: ["b'1'", "b'0'", "b'1'", "b'0'", "b'1'"], canon: CANON.bool, ...BOOL },
  { name: 'c_bit12', sqlType: 'bit(12)', values: ["b'101'", "b'111111111111'", "b'0'", "b'100000000000'", "b'1'"], canon: CANON.bit, ...int(64, true) },
  {
    name: 'c_bit64',
    sqlType: 'bit(64)',
    values: ["b'1'", '18446744073709551615', '0', '9223372036854775808', '9007199254740993'],
    canon: CANON.bit,
    ...int(64, false),
  },
  // decimals
  { name: 'c_dec5', sqlType: 'decimal(5,2)', values: ['123.45', '999.99', '-999.99', '0', '-0.01'], canon: CANON.decimal, ...decimal(5, 2) },
  { name: 'c_dec_plain', sqlType: 'decimal', values: ['1', '9999999999', '-9999999999', '0', '-1'], canon: CANON.decimal, ...decimal(10, 0) },
  { name: 'c_dec18', sqlType: 'decimal(18,4)', values: ['12345.6789', '99999999999999.9999', '-99999999999999.9999', '0', '-0.0001'], canon: CANON.decimal, ...decimal(18, 4) },
  { name: 'c_udec', sqlType: 'decimal(12,3) unsigned', values: ['1.5', '999999999.999', '0', '0.001', '123456789.123'], canon: CANON.decimal, ...decimal(12, 3) },
  {
    name: 'c_dec38',
    sqlType: 'numeric(38,10)',
    values: ['1.5', '9999999999999999999999999999.9999999999', '-9999999999999999999999999999.9999999999', '-0.0000000001', '1234567890123456789.0123456789'],
    canon: CANON.decimal,
    ...decimal(38, 10),
  },
  {
    name: 'c_dec65',
    sqlType: 'decimal(65,30)',
    values: ['1.5', `${NINES_35}.${NINES_30}`, `-${NINES_35}.${NINES_30}`, `-0.${'0'.repeat(29)}1`, '12345678901234567890123.123456789012345678901234567890'],
    canon: CANON.decimal,
    ...decimal(65, 30),
  },
  { name: 'c_dec65_0', sqlType: 'decimal(65,0)', values: ['1', '9'.repeat(65), `-${'9'.repeat(65)}`, '0', '18446744073709551616'], canon: CANON.decimal, ...decimal(65, 0) },
  // floats (MariaDB has no NaN or infinity)
  { name: 'c_float', sqlType: 'float', values: ['3.1415927', '3.4028235e38', '-3.4028235e38', '1.17549435e-38', '-1.4e-45'], canon: CANON.float, arrow: 'Float32', parquet: 'FLOAT' },
  { name: 'c_float_b', sqlType: 'float', values: ['0.1', '16777217', '-0e0', '1e-10', '123456.789'], canon: CANON.float, arrow: 'Float32', parquet: 'FLOAT' },
  {
    name: 'c_double',
    sqlType: 'double',
    values: ['3.141592653589793', '1.7976931348623157e308', '-1.7976931348623157e308', '5e-324', '-2.2250738585072014e-308'],
    canon: CANON.double,
    arrow: 'Float64',
    parquet: 'DOUBLE',
  },
  { name: 'c_double_b', sqlType: 'double', values: ['0.1', '9007199254740993', '-0e0', '1e-300', '123456789.123456789'], canon: CANON.double, arrow: 'Float64', parquet: 'DOUBLE' },
  { name: 'c_real', sqlType: 'real', values: ['1.5', '-2.5e-5', '0', '1e300', '0.30000000000000004'], canon: CANON.double, arrow: 'Float64', parquet: 'DOUBLE' },
  // dates and times
  { name: 'c_date', sqlType: 'date', values: strings('2024-02-29', '1000-01-01', '9999-12-31', '1970-01-01', '1969-12-31'), canon: CANON.date, ...DATE },
  { name: 'c_date_early', sqlType: 'date', values: strings('0001-01-01', '0000-01-01', '0999-12-31', '1582-10-10', '2000-02-29'), canon: CANON.date, ...DATE },
  { name: 'c_time', sqlType: 'time', values: strings('12:34:56', '00:00:00', '23:59:59', '08:00:00', '00:00:01'), canon: CANON.time, ...TIME },
  { name: 'c_time6', sqlType: 'time(6)', values: strings('12:34:56.789012', '00:00:00.000001', '23:59:59.999999', '00:00:00', '13:00:00.5'), canon: CANON.time, ...TIME },
  {
    name: 'c_datetime',
    sqlType: 'datetime',
    values: strings('2024-01-01 12:34:56', '1000-01-01 00:00:00', '9999-12-31 23:59:59', '1970-01-01 00:00:00', '1969-12-31 23:59:59'),
    canon: CANON.datetime,
    ...DATETIME,
  },
  {
    name: 'c_datetime1',
    sqlType: 'datetime(1)',
    values: strings('2024-01-01 12:34:56.7', '1000-01-01 00:00:00.1', '9999-12-31 23:59:59.9', '1970-01-01 00:00:00.0', '1969-12-31 23:59:59.9'),
    canon: CANON.datetime,
    ...DATETIME,
  },
  {
    name: 'c_datetime3',
    sqlType: 'datetime(3)',
    values: strings('2024-01-01 12:34:56.789', '1000-01-01 00:00:00.001', '9999-12-31 23:59:59.999', '1970-01-01 00:00:00.000', '1969-12-31 23:59:59.999'),
    canon: CANON.datetime,
    ...DATETIME,
  },
  {
    name: 'c_datetime6',
    sqlType: 'datetime(6)',
    values: strings('2024-01-01 12:34:56.123456', '1000-01-01 00:00:00.000001', '9999-12-31 23:59:59.999999', '0001-01-01 00:00:00', '1969-12-31 23:59:59.999999'),
    canon: CANON.datetime,
    ...DATETIME,
  },
  {
    name: 'c_timestamp',
    sqlType: 'timestamp NULL',
    values: strings('2024-01-01 12:34:56', '1970-01-01 00:00:01', '2038-01-19 03:14:07', '2000-02-29 00:00:00', '1999-12-31 23:59:59'),
    canon: CANON.timestamp,
    ...TIMESTAMP,
  },
  {
    name: 'c_timestamp6',
    sqlType: 'timestamp(6) NULL',
    values: strings('2024-01-01 12:34:56.123456', '1970-01-01 00:00:01.000001', '2038-01-19 03:14:07.999999', '2001-09-09 01:46:40.5', '2024-06-30 23:59:59.999999'),
    canon: CANON.timestamp,
    ...TIMESTAMP,
  },
  // zero dates: written as NULL (NOT NULL columns too), and counted in a warning
  {
    name: 'z_date',
    sqlType: 'date',
    values: strings('0000-00-00', '2024-00-10', '2024-05-00', '2024-05-10', '0000-00-00'),
    canon: zeroDatesAsNull(CANON.date),
    ...DATE,
  },
  {
    name: 'z_datetime',
    sqlType: 'datetime(6)',
    values: strings('0000-00-00 00:00:00', '2024-00-10 12:00:00', '2024-01-01 00:00:00.5', '0000-00-00 00:00:00', '2024-05-00 01:02:03'),
    canon: zeroDatesAsNull(CANON.datetime),
    ...DATETIME,
  },
  {
    name: 'z_timestamp',
    sqlType: 'timestamp NULL',
    values: strings('0000-00-00 00:00:00', '2024-01-01 00:00:00', '0000-00-00 00:00:00', '2000-01-01 00:00:00', '0000-00-00 00:00:00'),
    canon: zeroDatesAsNull(CANON.timestamp),
    ...TIMESTAMP,
  },
  {
    name: 'z_date_nn',
    sqlType: 'date NOT NULL',
    values: strings('2024-01-01', '0000-00-00', '1999-12-31', '0000-00-00', '2024-12-00'),
    nullRow: q('0000-00-00'),
    canon: zeroDatesAsNull(CANON.date),
    ...DATE,
  },
  // text, in utf8mb4 and in other character sets
  { name: 'c_char', sqlType: 'char(10)', values: strings('abc', '', 'ünï  ', ' x y', '日本語😀'), canon: CANON.text, ...UTF8 },
  {
    name: 'c_varchar',
    sqlType: 'varchar(100)',
    values: strings('hello', '', '😀 emoji 👍🏽', 'comma, "quote"\nnew line\r\nCRLF', ' lead and trail '),
    canon: CANON.text,
    ...UTF8,
  },
  { name: 'c_tinytext', sqlType: 'tinytext', values: strings('tiny', '', 'NULL', '日本', 'back\\slash'), canon: CANON.text, ...UTF8 },
  { name: 'c_text', sqlType: 'text', values: strings('ünïcödé ✓ 😀 日本語', '', 'tab\there', 'x'.repeat(5000), '"'), canon: CANON.text, ...UTF8 },
  { name: 'c_mediumtext', sqlType: 'mediumtext', values: ['REPEAT(\'日本😀,"\', 20000)', "''", "'\\0 nul'", q('a\nb'), q('𝄞 clef')], canon: CANON.text, ...UTF8 },
  { name: 'c_longtext', sqlType: 'longtext', values: ["REPEAT('ab', 100000)", "''", q('한국어'), q('ℝ ∞ ≠'), q('x')], canon: CANON.text, ...UTF8 },
  {
    name: 'c_latin1',
    sqlType: 'varchar(50) CHARACTER SET latin1',
    values: strings('café', '', 'naïve £ ¿ ÿ ©', 'Æøå ß', 'plain ascii, "quoted"'),
    canon: CANON.text,
    ...UTF8,
  },
  { name: 'c_utf16', sqlType: 'varchar(20) CHARACTER SET utf16', values: strings('utf16 ü', '', '😀', '日本', 'z'), canon: CANON.text, ...UTF8 },
  // binary strings
  { name: 'c_binary', sqlType: 'binary(4)', values: ["X'00ff'", "''", "X'deadbeef'", "X'00000000'", "X'ff'"], canon: CANON.binary, ...BINARY },
  { name: 'c_varbinary', sqlType: 'varbinary(20)', values: ["X'00ff10'", "''", "X'00'", "X'ffff'", "X'0a0d2c22'"], canon: CANON.binary, ...BINARY },
  { name: 'c_tinyblob', sqlType: 'tinyblob', values: ["X'ff00'", "''", "X'00'", "X'7f80'", "X'01'"], canon: CANON.binary, ...BINARY },
  { name: 'c_blob', sqlType: 'blob', values: ["X'00ff00ff'", "''", "REPEAT(X'00ff', 1000)", "X'ff'", "X'00'"], canon: CANON.binary, ...BINARY },
  { name: 'c_mediumblob', sqlType: 'mediumblob', values: ["REPEAT(X'00ff10', 30000)", "''", "X'ff'", "X'00'", "X'c3a9'"], canon: CANON.binary, ...BINARY },
  { name: 'c_longblob', sqlType: 'longblob', values: ["REPEAT(X'ff00', 70000)", "''", "X'00'", "X'ffffffff'", "X'e29c93'"], canon: CANON.binary, ...BINARY },
  // JSON (MariaDB: longtext CHECK (json_valid(...)), kept as the text stored)
  {
    name: 'c_json',
    sqlType: 'json',
    values: strings('{"b": 1,  "a": [1,2]}', '[]', '"ü ✓ 😀"', '{"nested": {"deep": [1, {"x": null}], "big": 123456789012345678901234567890}}', '[1.5, true, false, null, "日本", "q\\"uote"]'),
    canon: CANON.text,
    arrow: 'Utf8 arrow.json',
    parquet: 'BYTE_ARRAY JSON',
  },
  // labels and MariaDB's own types
  { name: 'c_enum', sqlType: "enum('sad','ok','happy','日本')", values: strings('happy', 'sad', '日本', 'ok', 'happy'), canon: CANON.text, ...UTF8 },
  { name: 'c_set', sqlType: "set('a','b','c','ü')", values: strings('a,b', '', 'c', 'a,b,c,ü', 'b'), canon: CANON.text, ...UTF8 },
  {
    name: 'c_uuid',
    sqlType: 'uuid',
    values: strings('123e4567-e89b-12d3-a456-426614174000', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '01234567-89ab-cdef-0123-456789abcdef'),
    canon: CANON.text,
    arrow: 'FixedSizeBinary[16] arrow.uuid',
    parquet: 'FIXED_LEN_BYTE_ARRAY(16) UUID',
  },
  { name: 'c_inet4', sqlType: 'inet4', values: strings('0.0.0.0', '255.255.255.255', '192.168.1.1', '10.0.0.1', '127.0.0.1'), canon: CANON.text, ...UTF8 },
  { name: 'c_inet6', sqlType: 'inet6', values: strings('::', '::1', '2001:db8::ff00:42:8329', '::ffff:1.2.3.4', 'fe80::1'), canon: CANON.text, ...UTF8 },
]

/** Rows in the table; row 2 (index 1) is all NULL. */
export const ROWS = 6

/** The SQL literals of row `r` (0-based), one per column. */
export function rowLiterals(r: number): string[] {
  return COLS.map((c) => (r === 1 ? (c.nullRow ?? 'NULL') : c.values[r === 0 ? 0 : r - 1]!))
}
