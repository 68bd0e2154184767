import { Table, tableToIPC } from 'apache-arrow'
import { describe, expect, it } from 'vitest'
import { csvFileExtension, encodeCsvBatch, parquetFileExtension, type CsvEncodeOptions } from '../../../src/format/index.js'
import type { ColumnSpec, RivetType } from '../../../src/types/index.js'
import { batchIpc, makeBatch, schemaOnlyIpc, spec, type FixtureColumn } from './arrow-fixtures.js'
import { parseCsv } from './csv-helpers.js'
import { sliceCorpus, typeCorpus } from './type-corpus.js'

const decoder = new TextDecoder()

async function csvText(columns: readonly FixtureColumn[], options: Partial<CsvEncodeOptions> = {}): Promise<string> {
  const bytes = await encodeCsvBatch(batchIpc(columns), {
    header: false, compression: 'none', compressionLevel: null, columns: columns.map((c) => c.spec), ...options,
  })
  return decoder.decode(bytes)
}

function referenceDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0')
  const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits
  return negative ? `-${text}` : text
}

function referenceClock(micros: bigint): string {
  const s = micros / 1_000_000n
  const pad = (n: bigint, w: number) => n.toString().padStart(w, '0')
  return `${pad(s / 3600n, 2)}:${pad((s / 60n) % 60n, 2)}:${pad(s % 60n, 2)}.${pad(micros % 1_000_000n, 6)}`
}

function referenceTimestamp(micros: bigint, utc: boolean): string {
  const ms = micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n)
  const day = new Date(Number(ms)).toISOString().slice(0, 10)
  const dayStart = BigInt(Date.parse(`${day}T00:00:00Z`)) * 1000n
  return `${day}T${referenceClock(micros - dayStart)}${utc ? 'Z' : ''}`
}

/** The expected text of one value, computed with plain string, BigInt and Date operations. */
function reference(type: RivetType, value: unknown): string | null {
  if (value === null) return null
  switch (type.kind) {
    case 'int': return BigInt(value as number).toString()
    case 'float': return Object.is(value, -0) ? '-0' : String(type.bits === 32 && value === 3.4028234663852886e38 ? '3.4028235e+38' : value)
    case 'decimal': return referenceDecimal(value as bigint, type.scale)
    case 'binary': return `\\x${Buffer.from(value as Uint8Array).toString('hex')}`
    case 'date': return new Date((value as number) * 86_400_000).toISOString().slice(0, 10)
    case 'time': return referenceClock(value as bigint)
    case 'timestamp': return referenceTimestamp(value as bigint, type.tz === 'UTC')
    case 'list': return `[${(value as unknown[]).map((v) => (v === null ? 'null' : type.item.kind === 'json' ? v : JSON.stringify(v))).join(',')}]`
    default: return String(value)
  }
}

describe('encodeCsvBatch formatting', () => {
  it('formats every type exactly as the reference does, NULL as empty and "" as quoted', async () => {
    const corpus = typeCorpus()
    const rows = parseCsv(await csvText(corpus))
    expect(rows).toHaveLength(6)
    for (const [c, column] of corpus.entries()) {
      const expected = column.values.map((v) => reference(column.spec.type, v))
      expect(rows.map((r) => r[c]), column.spec.name).toEqual(expected)
    }
  })

  it('writes the expected bytes for a representative row', async () => {
    const lines = (await csvText(sliceCorpus(typeCorpus(), 0, 3))).split('\n')
    expect(lines[0]).toBe('1,true,-128,-32768,-2147483648,-9223372036854775808,0,0,0,0,0.1,0.1,123.45,-0.0100,' +
      '1000000000000000000000000000.0000000001,10000000000000000000000000000000000000000000000000000000.00000000000000000003,' +
      'plain,\\x0001ff,0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0,"{""a"":1}",1970-01-01,00:00:00.000000,1970-01-01T00:00:00.000000Z,' +
      '1970-01-01T00:00:00.000000,"[1,null,3]","[""a"",""b\\""c""]","[""0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"",null]","[{""a"":1},null]"')
    expect(lines[1]).toContain(',-0,-0.01,') // -0.0 float and decimal(9,2) -1
    expect(lines[1]).toContain(',"",\\x,') // empty string vs empty binary
    expect(lines[2]).toBe(`3${','.repeat(27)}`)
    expect(lines[3]).toBe('')
  })

  it('quotes header names that need it', async () => {
    const columns = [{ spec: spec('a,b', { kind: 'int', bits: 32, signed: true }), values: [1] }, { spec: spec('say "hi"', { kind: 'utf8' }), values: ['x'] }, { spec: spec('plain', { kind: 'bool' }), values: [true] }]
    expect(await csvText(columns, { header: true })).toBe('"a,b","say ""hi""",plain\n1,x,true\n')
  })

  it.each([
    ['comma', 'a,b', '"a,b"'],
    ['quote', 'say "hi"', '"say ""hi"""'],
    ['only a quote', '"', '""""'],
    ['LF', 'a\nb', '"a\nb"'],
    ['CR', 'a\rb', '"a\rb"'],
    ['CRLF', 'a\r\nb', '"a\r\nb"'],
    ['unicode', 'héllo, 世界 🌍', '"héllo, 世界 🌍"'],
    ['unicode without specials', 'žluťoučký kůň', 'žluťoučký kůň'],
    ['empty', '', '""'],
    ['leading/trailing spaces', '  x  ', '  x  '],
    ['backslash', 'c:\\path', 'c:\\path'],
    ['semicolon with comma delimiter', 'a;b', 'a;b'],
  ])('quotes text with %s', async (_name, value, expected) => {
    expect(await csvText([{ spec: spec('s', { kind: 'utf8' }), values: [value, null] }])).toBe(`${expected}\n\n`)
  })

  it('honours another delimiter and quotes for it instead of commas', async () => {
    const columns = [{ spec: spec('s', { kind: 'utf8' }), values: ['a;b', 'a,b', 'tab\there'] }, { spec: spec('n', { kind: 'decimal', precision: 5, scale: 2 }), values: [-1n, 5n, null] }]
    expect(await csvText(columns, { delimiter: ';' })).toBe('"a;b";-0.01\na,b;0.05\ntab\there;\n')
    expect(await csvText(columns, { delimiter: '\t' })).toBe('a;b\t-0.01\na,b\t0.05\n"tab\there"\t\n')
  })

  it.each(['', ',,', '"', '\n', '.', '-', ':', '5', 'x', 'é'])('rejects the delimiter %j', async (delimiter) => {
    await expect(csvText([{ spec: spec('s', { kind: 'utf8' }), values: ['a'] }], { delimiter })).rejects.toMatchObject({ code: 'RIVET_CONFIG_FORMAT' })
  })

  it('round-trips tricky text through a CSV parser', async () => {
    const alphabet = ['a', ',', '"', '\r', '\n', ' ', 'é', '🌍', '\\', ';', '\t', 'x']
    let seed = 7
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
    const values = Array.from({ length: 500 }, (_, i) => (i % 50 === 0 ? null : Array.from({ length: Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('')))
    const columns = [{ spec: spec('s', { kind: 'utf8' }), values }, { spec: spec('t', { kind: 'utf8' }), values: [...values].reverse() }]
    const rows = parseCsv(await csvText(columns, { header: true }))
    expect(rows[0]).toEqual(['s', 't'])
    expect(rows.slice(1).map((r) => r[0])).toEqual(values)
    expect(rows.slice(1).map((r) => r[1])).toEqual([...values].reverse())
  })

  it('formats floats as the shortest text that reads back to the same value', async () => {
    let seed = 3
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
    const f64 = Array.from({ length: 300 }, (_, i) => (random() - 0.5) * 10 ** ((i % 40) - 20))
    const f32 = f64.map((v) => Math.fround(v))
    const rows = parseCsv(await csvText([{ spec: spec('a', { kind: 'float', bits: 64 }), values: f64 }, { spec: spec('b', { kind: 'float', bits: 32 }), values: f32 }]))
    rows.forEach((row, i) => {
      expect(Number(row[0])).toBe(f64[i])
      expect(row[0]).toBe(String(f64[i]))
      expect(Math.fround(Number(row[1]))).toBe(f32[i])
      // no shorter decimal reads back to the same float32
      const digits = row[1]!.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length
      if (digits > 1) expect(Math.fround(Number(f32[i].toPrecision(digits - 1)))).not.toBe(f32[i])
    })
  })

  it('formats decimals exactly, including the double-precision boundary and decimal256', async () => {
    const edges = [0n, 1n, -1n, 2n ** 53n - 1n, 2n ** 53n, -(2n ** 53n), 2n ** 53n + 1n, -(2n ** 64n) + 1n, 2n ** 127n - 1n, -(2n ** 127n)]
    const d128 = { kind: 'decimal', precision: 38, scale: 4 } as const
    const d0 = { kind: 'decimal', precision: 38, scale: 0 } as const
    const d256 = { kind: 'decimal', precision: 76, scale: 30 } as const
    const wide = [2n ** 255n - 1n, -(2n ** 255n), 10n ** 75n, -(10n ** 30n), 12345n, -5n, 0n, 2n ** 200n, -(2n ** 128n), 2n ** 127n]
    const rows = parseCsv(await csvText([{ spec: spec('a', d128), values: edges }, { spec: spec('b', d0), values: edges }, { spec: spec('c', d256), values: wide }]))
    expect(rows.map((r) => r[0])).toEqual(edges.map((v) => referenceDecimal(v, 4)))
    expect(rows.map((r) => r[1])).toEqual(edges.map((v) => referenceDecimal(v, 0)))
    expect(rows.map((r) => r[2])).toEqual(wide.map((v) => referenceDecimal(v, 30)))
  })

  it('formats dates and timestamps across the calendar like Date does, and never fails on extreme years', async () => {
    let seed = 11
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
    const days = Array.from({ length: 400 }, () => Math.floor((random() - 0.5) * 2 * 2_932_896)) // about years -6000..9999+
    const inRange = days.filter((d) => d >= -719_162 && d <= 2_932_896) // 0001-01-01 .. 9999-12-31
    const micros = inRange.map((d) => BigInt(d) * 86_400_000_000n + BigInt(Math.floor(random() * 86_400_000_000)))
    const rows = parseCsv(await csvText([
      { spec: spec('d', { kind: 'date' }), values: inRange },
      { spec: spec('t', { kind: 'timestamp', tz: 'UTC' }), values: micros },
      { spec: spec('n', { kind: 'timestamp', tz: null }), values: micros },
    ]))
    expect(rows.map((r) => r[0])).toEqual(inRange.map((d) => reference({ kind: 'date' }, d)))
    expect(rows.map((r) => r[1])).toEqual(micros.map((m) => referenceTimestamp(m, true)))
    expect(rows.map((r) => r[2])).toEqual(micros.map((m) => referenceTimestamp(m, false)))
    const extremes = await csvText([
      { spec: spec('d', { kind: 'date' }), values: [-2147483648, 2147483647, -719_163, -719_529, 2_932_897] },
      { spec: spec('t', { kind: 'timestamp', tz: 'UTC' }), values: [-9223372036854775808n, 9223372036854775807n, -62135596800000001n, 253402300800000000n, -(2n ** 52n) - 1n] },
      { spec: spec('tm', { kind: 'time' }), values: [86_400_000_000n, 0n, 3_600_000_000n, 59_999_999n, 1n] },
    ])
    expect(extremes.split('\n').slice(0, 5)).toEqual([
      '-5877641-06-23,-290308-12-21T19:59:05.224192Z,24:00:00.000000',
      '5881580-07-11,294247-01-10T04:00:54.775807Z,00:00:00.000000',
      '0000-12-31,0000-12-31T23:59:59.999999Z,01:00:00.000000',
      '-0001-12-31,10000-01-01T00:00:00.000000Z,00:00:59.999999',
      '10000-01-01,1827-04-16T00:06:12.629503Z,00:00:00.000001',
    ])
  })

  it('writes lists as JSON arrays with escaped strings and typed items', async () => {
    const columns: FixtureColumn[] = [
      { spec: spec('s', { kind: 'list', item: { kind: 'utf8' } }), values: [['a"b', 'back\\slash', 'tab\t', 'nl\n', '\u0001', 'é'], null, []] },
      { spec: spec('f', { kind: 'list', item: { kind: 'float', bits: 64 } }), values: [[1.5, Number.NaN, Number.NEGATIVE_INFINITY, null], [], [0]] },
      { spec: spec('x', { kind: 'list', item: { kind: 'binary' } }), values: [[Uint8Array.of(1, 255), null], [], null] },
      { spec: spec('t', { kind: 'list', item: { kind: 'timestamp', tz: 'UTC' } }), values: [[0n, null], [1n], []] },
      { spec: spec('d', { kind: 'list', item: { kind: 'decimal', precision: 10, scale: 3 } }), values: [[-5n, 1234n], [null], []] },
      { spec: spec('n', { kind: 'list', item: { kind: 'list', item: { kind: 'int', bits: 64, signed: true } } }), values: [[[1n, null], null, []], [], null] },
    ]
    const rows = parseCsv(await csvText(columns))
    expect(JSON.parse(rows[0][0]!)).toEqual(['a"b', 'back\\slash', 'tab\t', 'nl\n', '\u0001', 'é'])
    expect(rows[0][0]).toBe('["a\\"b","back\\\\slash","tab\\t","nl\\n","\\u0001","é"]')
    expect(rows.map((r) => r[1])).toEqual(['[1.5,"NaN","-Infinity",null]', '[]', '[0]'])
    expect(rows.map((r) => r[2])).toEqual(['["\\\\x01ff",null]', '[]', null])
    expect(JSON.parse(rows[0][2]!)).toEqual(['\\x01ff', null])
    expect(rows.map((r) => r[3])).toEqual(['["1970-01-01T00:00:00.000000Z",null]', '["1970-01-01T00:00:00.000001Z"]', '[]'])
    expect(rows.map((r) => r[4])).toEqual(['[-0.005,1.234]', '[null]', '[]'])
    expect(rows.map((r) => r[5])).toEqual(['[[1,null],null,[]]', '[]', null])
    for (const row of rows) for (const field of row) if (field !== null) expect(() => JSON.parse(field)).not.toThrow()
  })
})

describe('encodeCsvBatch batches and columns', () => {
  it('encodes every record batch of a multi-batch IPC stream in order', async () => {
    const corpus = typeCorpus()
    const table = new Table([makeBatch(sliceCorpus(corpus, 0, 2)), makeBatch(sliceCorpus(corpus, 2, 6))])
    const options = { header: true, compression: 'none', compressionLevel: null, columns: corpus.map((c) => c.spec) } as const
    const whole = decoder.decode(await encodeCsvBatch(batchIpc(corpus), options))
    expect(decoder.decode(await encodeCsvBatch(tableToIPC(table, 'stream'), options))).toBe(whole)
  })

  it('writes only the header for a batch-less or empty stream, and nothing without a header', async () => {
    const columns: ColumnSpec[] = [spec('a', { kind: 'int', bits: 32, signed: true }), spec('b', { kind: 'utf8' })]
    const fixture = columns.map((c) => ({ spec: c, values: [] }))
    for (const ipc of [schemaOnlyIpc(fixture), batchIpc(fixture)]) {
      expect(decoder.decode(await encodeCsvBatch(ipc, { header: true, compression: 'none', compressionLevel: null, columns }))).toBe('a,b\n')
      expect((await encodeCsvBatch(ipc, { header: false, compression: 'none', compressionLevel: null, columns })).length).toBe(0)
    }
  })

  it('rejects a batch whose columns differ from the export columns, or whose Arrow type is not the declared one', async () => {
    const ipc = batchIpc([{ spec: spec('a', { kind: 'int', bits: 32, signed: true }), values: [1] }])
    const base = { header: false, compression: 'none', compressionLevel: null } as const
    await expect(encodeCsvBatch(ipc, { ...base, columns: [spec('b', { kind: 'int', bits: 32, signed: true })] })).rejects.toThrow(/do not match/)
    await expect(encodeCsvBatch(ipc, { ...base, columns: [spec('a', { kind: 'int', bits: 64, signed: true })] })).rejects.toMatchObject({ code: 'RIVET_INTERNAL' })
  })

  it('names file extensions', () => {
    expect(['none', 'zstd', 'gzip', 'lz4'].map((c) => csvFileExtension(c as 'none'))).toEqual(['.csv', '.csv.zst', '.csv.gz', '.csv.lz4'])
    expect(parquetFileExtension()).toBe('.parquet')
  })
})
