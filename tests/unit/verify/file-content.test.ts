import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { compressUnit } from '../../../src/format/index.js'
import { CsvRecordCounter, csvTextSink, FrameSplitter, Lz4FrameWalker, parquetFooterLength, parquetFooterRows, ZstdFrameWalker } from '../../../src/verify/index.js'
import { encodeThriftStruct, tI64, tList, tStruct } from '../../../src/format/parquet/index.js'
import { caught, rejection } from '../../helpers/errors.js'

const text = (s: string) => Buffer.from(s, 'utf8')

/** Feed `bytes` to a counter cut at every position in turn: the count must not depend on the cuts. */
function countsAtEveryCut(bytes: Buffer): Set<number> {
  const seen = new Set<number>()
  for (let cut = 0; cut <= bytes.length; cut++) {
    const counter = new CsvRecordCounter()
    counter.update(bytes.subarray(0, cut))
    counter.update(bytes.subarray(cut))
    seen.add(counter.rows())
  }
  return seen
}

describe('CsvRecordCounter', () => {
  it('counts records, not line feeds inside quoted values, however the text is cut', () => {
    const csv = text('id,note\n1,"a\nb"\n2,""\n3,"say ""hi""\nthere"\n4,\n')
    expect(countsAtEveryCut(csv)).toEqual(new Set([4]))
  })

  it('counts a last record without its line feed, and a header alone as no rows', () => {
    const counter = new CsvRecordCounter()
    counter.update(text('id\n1\n2'))
    expect(counter.records()).toBe(3)
    expect(counter.rows()).toBe(2)
    const header = new CsvRecordCounter()
    header.update(text('id,note\n'))
    expect(header.rows()).toBe(0)
  })

  it('tells when the text ends inside a quoted field', () => {
    const counter = new CsvRecordCounter()
    counter.update(text('id,note\n1,"cut off\n'))
    expect(counter.insideQuotes).toBe(true)
  })
})

/** Several independent units of one codec, back to back, as the CSV writer appends them. */
async function units(compression: 'zstd' | 'lz4', parts: readonly string[]): Promise<Buffer> {
  return Buffer.concat(await Promise.all(parts.map((p) => compressUnit(text(p), compression, null))))
}

const PARTS = ['id,v\n', '1,"x\ny"\n'.repeat(3000), '2,z\n'.repeat(5000), '']

describe('FrameSplitter', () => {
  for (const [codec, walker] of [['zstd', () => new ZstdFrameWalker()], ['lz4', () => new Lz4FrameWalker()]] as const) {
    it(`${codec}: cuts concatenated frames at their ends whatever the read sizes`, async () => {
      const bytes = await units(codec, PARTS)
      for (const step of [1, 7, 4096, bytes.length]) {
        const splitter = new FrameSplitter(walker())
        const lengths: number[] = []
        for (let at = 0; at < bytes.length; at += step) for (const frame of splitter.push(bytes.subarray(at, at + step))) lengths.push(frame.length)
        expect(lengths).toHaveLength(PARTS.length)
        expect(lengths.reduce((a, b) => a + b, 0)).toBe(bytes.length)
        expect(splitter.leftover).toBe(0)
      }
    })

    it(`${codec}: a cut-off file leaves bytes over`, async () => {
      const bytes = await units(codec, PARTS)
      const splitter = new FrameSplitter(walker())
      const frames = [...splitter.push(bytes.subarray(0, bytes.length - 3))]
      expect(frames.length).toBe(PARTS.length - 1)
      expect(splitter.leftover).toBeGreaterThan(0)
    })
  }

  it('refuses bytes that are not a frame of the codec', () => {
    const splitter = new FrameSplitter(new ZstdFrameWalker())
    expect(caught(() => [...splitter.push(gzipSync(text('id\n1\n')))]).message).toMatch(/not a zstd frame/)
  })
})

/** Decompress `bytes` through the sink in pieces of `step` and count the CSV rows. */
async function rowsThrough(compression: string, bytes: Buffer, step: number): Promise<number> {
  const counter = new CsvRecordCounter()
  const sink = csvTextSink(compression, (t) => counter.update(t))
  for (let at = 0; at < bytes.length; at += step) await sink.write(bytes.subarray(at, at + step))
  await sink.end()
  return counter.rows()
}

describe('csvTextSink', () => {
  const rows = 3000 + 5000
  it('counts the rows of zstd, LZ4 and multi-member gzip files as the writer makes them', async () => {
    expect(await rowsThrough('zstd', await units('zstd', PARTS), 999)).toBe(rows)
    expect(await rowsThrough('lz4', await units('lz4', PARTS), 999)).toBe(rows)
    expect(await rowsThrough('gzip', Buffer.concat(PARTS.map((p) => gzipSync(text(p)))), 999)).toBe(rows)
    expect(await rowsThrough('none', text(PARTS.join('')), 999)).toBe(rows)
  })

  it('fails on a truncated gzip file and on a cut-off frame', async () => {
    const gz = Buffer.concat(PARTS.map((p) => gzipSync(text(p))))
    expect((await rejection(rowsThrough('gzip', gz.subarray(0, gz.length - 10), 999))).code).toBe('RIVET_VALIDATE_MISMATCH')
    const zst = await units('zstd', PARTS)
    expect((await rejection(rowsThrough('zstd', zst.subarray(0, zst.length - 10), 999))).message).toMatch(/incomplete zstd frame/)
  })
})

/** A Parquet ending: footer (FileMetaData with num_rows and row groups), length, magic. */
function parquetTail(numRows: bigint, groups: readonly bigint[]): Buffer {
  const footer = encodeThriftStruct(tStruct([
    { id: 3, value: tI64(numRows) },
    { id: 4, value: tList('struct', groups.map((n) => tStruct([{ id: 3, value: tI64(n) }]))) },
  ]))
  const length = Buffer.alloc(4)
  length.writeUInt32LE(footer.length)
  return Buffer.concat([Buffer.from('PAR1'), Buffer.from(footer), length, Buffer.from('PAR1')])
}

describe('Parquet footer rows', () => {
  it('reads the row count of the footer, checked against its row groups', () => {
    const file = parquetTail(1500n, [1000n, 500n])
    const length = parquetFooterLength(file.subarray(file.length - 8), file.length)
    expect(parquetFooterRows(file.subarray(file.length - 8 - length, file.length - 8))).toBe(1500)
    const bad = parquetTail(1501n, [1000n, 500n])
    const badLength = parquetFooterLength(bad.subarray(bad.length - 8), bad.length)
    expect(caught(() => parquetFooterRows(bad.subarray(bad.length - 8 - badLength, bad.length - 8))).message).toMatch(/row groups hold 1500/)
  })

  it('refuses a file without the closing magic or with a footer longer than the file', () => {
    expect(caught(() => parquetFooterLength(Buffer.from('\x10\x00\x00\x00PAR2', 'latin1'), 100)).message).toMatch(/PAR1/)
    expect(caught(() => parquetFooterLength(Buffer.from('\xff\x00\x00\x00PAR1', 'latin1'), 100)).message).toMatch(/exceeds/)
  })
})
