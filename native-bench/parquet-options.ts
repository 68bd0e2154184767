/**
 * parquet-wasm writer options on the 6-column mixed shape (250k rows generated in-process):
 * rows/s of `writeParquet(Table.fromIPCStream(ipc), props)` and the output size. One option
 * changes at a time from the base: zstd, dictionary on, chunk statistics, writer v1,
 * 1 MiB data pages, default row-group limit (all 250k rows in one group).
 *
 *   node dist/native-bench/parquet-options.js [--runs 5]
 */
import { tableToIPC } from 'apache-arrow'
import { Compression, EnabledStatistics, Table as WasmTable, WriterPropertiesBuilder, WriterVersion, writeParquet } from 'parquet-wasm'
import { emit, runsFromArgs, timeMedian, type BenchResult } from './lib/harness.js'
import { mixedColumns, mixedTable } from './lib/mixed-data.js'

const N = 250_000
const runs = runsFromArgs()
const ipc = tableToIPC(mixedTable(mixedColumns(N)), 'stream')

type Tweak = (b: WriterPropertiesBuilder) => WriterPropertiesBuilder
const base: Tweak = (b) => b.setCompression(Compression.ZSTD).setDictionaryEnabled(true).setStatisticsEnabled(EnabledStatistics.Chunk).setWriterVersion(WriterVersion.V1)

const CASES: [string, Tweak][] = [
  ['base (zstd, dict on, chunk stats, v1, 1 MiB pages, 1 row group)', (b) => b],
  ['compression UNCOMPRESSED', (b) => b.setCompression(Compression.UNCOMPRESSED)],
  ['compression SNAPPY', (b) => b.setCompression(Compression.SNAPPY)],
  ['compression LZ4_RAW', (b) => b.setCompression(Compression.LZ4_RAW)],
  ['row groups of 16k rows', (b) => b.setMaxRowGroupSize(16_384)],
  ['row groups of 64k rows', (b) => b.setMaxRowGroupSize(65_536)],
  ['row groups of 128k rows', (b) => b.setMaxRowGroupSize(131_072)],
  ['dictionary off', (b) => b.setDictionaryEnabled(false)],
  ['statistics none', (b) => b.setStatisticsEnabled(EnabledStatistics.None)],
  ['statistics page', (b) => b.setStatisticsEnabled(EnabledStatistics.Page)],
  ['writer version 2', (b) => b.setWriterVersion(WriterVersion.V2)],
  ['data page size 64 KiB', (b) => b.setDataPageSizeLimit(64 * 1024)],
  ['data page size 8 MiB', (b) => b.setDataPageSizeLimit(8 * 1024 * 1024)],
]

const results: BenchResult[] = []
const copyOnly = await timeMedian(runs, () => WasmTable.fromIPCStream(ipc).free())
results.push({ bench: 'parquet-options', case: 'Table.fromIPCStream only (copy into wasm)', value: N / copyOnly, unit: 'rows/s', runs, note: `IPC ${(ipc.byteLength / 1e6).toFixed(1)} MB` })
for (const [name, tweak] of CASES) {
  let size = 0
  const s = await timeMedian(runs, () => {
    const props = tweak(base(new WriterPropertiesBuilder())).build()
    size = writeParquet(WasmTable.fromIPCStream(ipc), props).byteLength
  })
  results.push({ bench: 'parquet-options', case: name, value: N / s, unit: 'rows/s', runs, note: `${(size / 1e6).toFixed(2)} MB out` })
}
emit(results)
