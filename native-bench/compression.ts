/**
 * Compression codecs on CSV text of the 6-column mixed shape, compressed in 4 MiB units
 * (one frame per batch, as Rivet's CSV writer does): input MB/s and compression ratio.
 * parquet-wasm's zstd has no direct entry point: its cost is the difference between writing
 * the same one-column (line per value) table with ZSTD and UNCOMPRESSED.
 *
 *   node dist/native-bench/compression.js [--runs 5]
 */
import { createRequire } from 'node:module'
import { gzipSync } from 'node:zlib'
import { Field, makeData, RecordBatch, Schema, Struct, Table, tableToIPC, Utf8 } from 'apache-arrow'
import { compress as lz4Block, compressFrame as lz4Frame } from 'lz4-napi'
import { Compression, EnabledStatistics, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm'
import { emit, runsFromArgs, timeMedian, type BenchResult } from './lib/harness.js'
import { mixedColumns, mixedCsv, utf8Data } from './lib/mixed-data.js'

// The package's index.js drops the level argument; the native binding honours it.
const zstd = createRequire(import.meta.url)('@mongodb-js/zstd/bindings.js') as {
  compress(data: Buffer, level?: number): Promise<Buffer>
}

const UNIT = 4 * 1024 * 1024
const runs = runsFromArgs()
const csv = mixedCsv(mixedColumns(200_000))
const units: Buffer[] = []
for (let o = 0; o < csv.length; o += UNIT) units.push(csv.subarray(o, Math.min(csv.length, o + UNIT)))
const inputMb = csv.length / 1e6

async function codec(name: string, fn: (b: Buffer) => Promise<Uint8Array> | Uint8Array): Promise<BenchResult> {
  let out = 0
  const s = await timeMedian(runs, async () => {
    out = 0
    for (const u of units) out += (await fn(u)).byteLength
  })
  return { bench: 'compression', case: name, value: inputMb / s, unit: 'MB/s', runs, note: `ratio ${(csv.length / out).toFixed(2)}` }
}

/** parquet-wasm zstd, derived: (t_zstd − t_uncompressed) on a one-column table of the CSV lines. */
async function parquetWasmZstd(): Promise<BenchResult> {
  const lines = csv.toString('utf8').split('\n')
  const field = new Field('line', new Utf8(), false)
  const data = utf8Data(lines)
  const batch = new RecordBatch(new Schema([field]), makeData({ type: new Struct([field]), length: lines.length, nullCount: 0, children: [data] }))
  const ipc = tableToIPC(new Table([batch]), 'stream')
  const props = (c: Compression) =>
    new WriterPropertiesBuilder().setCompression(c).setDictionaryEnabled(false).setStatisticsEnabled(EnabledStatistics.None).build()
  const sizes: Record<string, number> = {}
  const t = async (c: Compression) => timeMedian(runs, () => (sizes[c] = writeParquet(WasmTable.fromIPCStream(ipc), props(c)).byteLength))
  const none = await t(Compression.UNCOMPRESSED)
  const z = await t(Compression.ZSTD)
  const ratio = sizes[Compression.UNCOMPRESSED]! / sizes[Compression.ZSTD]!
  return { bench: 'compression', case: 'parquet-wasm ZSTD (internal, level 1 default; derived)', value: inputMb / Math.max(z - none, 1e-6), unit: 'MB/s', runs, note: `ratio ${ratio.toFixed(2)}` }
}

const results: BenchResult[] = [
  await codec('zstd native level 1 (@mongodb-js/zstd bindings)', (b) => zstd.compress(b, 1)),
  await codec('zstd native level 3', (b) => zstd.compress(b, 3)),
  await codec('zstd native level 6', (b) => zstd.compress(b, 6)),
  await parquetWasmZstd(),
  await codec('gzip level 1 (node:zlib)', (b) => gzipSync(b, { level: 1 })),
  await codec('gzip level 3', (b) => gzipSync(b, { level: 3 })),
  await codec('gzip level 6', (b) => gzipSync(b, { level: 6 })),
  await codec('lz4-napi compress (block)', (b) => lz4Block(b)),
  await codec('lz4-napi compressFrame', (b) => lz4Frame(b)),
]
results.forEach((r) => (r.note = `${r.note}; input ${inputMb.toFixed(1)} MB CSV in 4 MiB units`))
emit(results)
