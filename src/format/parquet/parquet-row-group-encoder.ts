import type { WriterProperties } from 'parquet-wasm'
import { RivetError, isRivetError } from '../../errors/index.js'
import { compressParquetPagesZstd } from './parquet-page-compressor.js'
import { COLUMN_CHUNK, COLUMN_META, FILE_META, ROW_GROUP, dropPageIndexes, readFooter, rowGroupColumns, rowGroupDataEnd, shiftRowGroup } from './parquet-metadata.js'
import { encodeThriftStruct, encodeThriftValue } from './thrift-compact.js'
import { getI64, getInt, getList, getStruct, setField, structElements, tI64, tList, type ThriftStruct } from './thrift-value.js'

/** Parquet codecs Rivet writes (lz4 is written as LZ4_RAW, the non-deprecated LZ4 codec). */
export type ParquetCompression = 'zstd' | 'snappy' | 'gzip' | 'lz4' | 'none'

/** How one batch is encoded to Parquet. */
export interface ParquetEncodeOptions {
  readonly compression: ParquetCompression
  /**
   * zstd level (1..22, default 1), applied by the native zstd binding. Ignored for the other
   * codecs: parquet-wasm 0.8 exposes them without levels, so its defaults apply (gzip 6).
   */
  readonly compressionLevel: number | null
  /** Statistics written: 'chunk' (default) or 'page' (page-level stats feed the column index, which is dropped). */
  readonly statistics?: 'none' | 'chunk' | 'page'
  /** Dictionary encoding (default true; falls back to plain per column past the dictionary page limit). */
  readonly dictionary?: boolean
  /**
   * Column paths (`a` or `a.list.item`) written without a dictionary although `dictionary` is on:
   * the columns whose dictionary overflowed in an earlier batch of the same export.
   */
  readonly plainColumns?: readonly string[]
  /** Target data page size in bytes (parquet-rs default 1 MiB). */
  readonly dataPageSizeLimit?: number
  /** Parquet data page version (default 1, the most widely readable). */
  readonly writerVersion?: 1 | 2
}

/**
 * One encoded batch: flat plain data and Uint8Arrays only, so it crosses worker threads by
 * structured clone with its buffers transferred.
 */
export interface EncodedRowGroup {
  /** Column chunk bytes to append to the output file; `body` may be a view into a larger buffer. */
  readonly body: Uint8Array
  /** Thrift compact `list<RowGroup>` with offsets relative to `body[0]` and no page index references. */
  readonly rowGroups: Uint8Array
  /** How many row groups `rowGroups` holds: 1 for a non-empty batch, 0 for an empty one. */
  readonly rowGroupCount: number
  /** Thrift compact FileMetaData without row groups: version, schema, key-value metadata, column orders. */
  readonly metadata: Uint8Array
  readonly rows: number
  /** Uncompressed size of the column data (sum of RowGroup.total_byte_size). */
  readonly uncompressedBytes: number
  /**
   * Paths of the columns that wrote PLAIN data pages (a dictionary, if allowed, outgrew its page
   * limit): high-cardinality columns where building a dictionary costs time and bytes.
   */
  readonly dictionaryFallbacks: string[]
}

type ParquetWasm = typeof import('parquet-wasm')

let parquetWasm: ParquetWasm | null = null

/**
 * parquet-wasm compiles a multi-MiB WebAssembly module when imported: load it on first use, so
 * only encoder threads pay for it (the coordinator imports this folder for the assembler).
 */
async function loadParquetWasm(): Promise<ParquetWasm> {
  parquetWasm ??= await import('parquet-wasm')
  return parquetWasm
}

const COMPRESSIONS: readonly ParquetCompression[] = ['zstd', 'snappy', 'gzip', 'lz4', 'none']

function compressionOf(w: ParquetWasm, c: ParquetCompression): number {
  const { Compression } = w
  return { zstd: Compression.ZSTD, snappy: Compression.SNAPPY, gzip: Compression.GZIP, lz4: Compression.LZ4_RAW, none: Compression.UNCOMPRESSED }[c]
}

function statisticsOf(w: ParquetWasm, level: 'none' | 'chunk' | 'page'): number {
  const { EnabledStatistics } = w
  return { none: EnabledStatistics.None, chunk: EnabledStatistics.Chunk, page: EnabledStatistics.Page }[level]
}

// one row group per batch: the row limit only has to exceed any batch (usize is 32-bit in wasm)
const MAX_ROW_GROUP_ROWS = 0x7fffffff

/**
 * Builds fresh writer properties. A WriterProperties object is consumed by one write:
 * reusing it silently writes uncompressed, so every call builds its own.
 */
function writerProperties(w: ParquetWasm, options: ParquetEncodeOptions): WriterProperties {
  // zstd pages are compressed afterwards by native zstd (compressParquetPagesZstd)
  const codec = compressionOf(w, options.compression === 'zstd' ? 'none' : options.compression)
  let builder = new w.WriterPropertiesBuilder()
    .setCompression(codec)
    .setStatisticsEnabled(statisticsOf(w, options.statistics ?? 'chunk'))
    .setDictionaryEnabled(options.dictionary ?? true)
    .setWriterVersion(options.writerVersion === 2 ? w.WriterVersion.V2 : w.WriterVersion.V1)
    .setMaxRowGroupSize(MAX_ROW_GROUP_ROWS)
  if (options.dataPageSizeLimit !== undefined) builder = builder.setDataPageSizeLimit(options.dataPageSizeLimit)
  if (options.dictionary !== false) {
    for (const path of options.plainColumns ?? []) builder = builder.setColumnDictionaryEnabled(path, false)
  }
  return builder.build()
}

/** Writes a complete small Parquet file of the IPC stream with parquet-wasm. */
async function writeSmallFile(ipc: Uint8Array, options: ParquetEncodeOptions): Promise<Uint8Array> {
  if (!COMPRESSIONS.includes(options.compression)) {
    throw new RivetError('RIVET_CONFIG_ENUM', `unknown Parquet compression '${String(options.compression)}'`, {
      hint: `use one of ${COMPRESSIONS.join(', ')}`,
    })
  }
  const w = await loadParquetWasm()
  try {
    return w.writeParquet(w.Table.fromIPCStream(ipc), writerProperties(w, options))
  } catch (err) {
    if (isRivetError(err)) throw err
    throw new RivetError('RIVET_INTERNAL', `Parquet encoding of a batch failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
}

const ZSTD_LEVELS = [1, 22] as const
const ZSTD_DEFAULT_LEVEL = 1 // parquet-rs' default, and ~2x faster than level 3 for ~2% more bytes

/** The zstd level to use; rejects one outside 1..22. */
function zstdLevel(level: number | null): number {
  if (level === null) return ZSTD_DEFAULT_LEVEL
  if (!Number.isInteger(level) || level < ZSTD_LEVELS[0] || level > ZSTD_LEVELS[1]) {
    throw new RivetError('RIVET_CONFIG_RANGE', `compression_level ${level} is outside ${ZSTD_LEVELS[0]}..${ZSTD_LEVELS[1]} for Parquet zstd`)
  }
  return level
}

/**
 * Encodes one Arrow IPC stream (normally one record batch) into a Parquet row group that
 * ParquetFileAssembler can place anywhere in a file. Stateless: it runs in the encoder
 * worker pool. Page indexes are dropped (their offsets are file-absolute). zstd pages are
 * compressed by the native binding on libuv's threadpool, hence the promise.
 */
export async function encodeParquetRowGroup(ipc: Uint8Array, options: ParquetEncodeOptions): Promise<EncodedRowGroup> {
  if (options.compression !== 'zstd') return splitParquetFile(await writeSmallFile(ipc, options))
  const level = zstdLevel(options.compressionLevel)
  return splitParquetFile(await compressParquetPagesZstd(await writeSmallFile(ipc, options), level))
}

/**
 * Splits a complete Parquet file into a relocatable body and its metadata. Handles any
 * number of row groups, should the writer ever cut a batch into several.
 */
export function splitParquetFile(file: Uint8Array): EncodedRowGroup {
  const { footer, footerStart } = readFooter(file)
  const rowGroups = structElements(getList(footer, FILE_META.rowGroups) ?? tList('struct', []))
  let dataEnd = 4n
  let uncompressedBytes = 0
  const dictionaryFallbacks = new Set<string>()
  for (const rowGroup of rowGroups) {
    for (const path of dictionaryFallbacksOf(rowGroup)) dictionaryFallbacks.add(path)
    const end = rowGroupDataEnd(rowGroup)
    if (end > dataEnd) dataEnd = end
    uncompressedBytes += getInt(rowGroup, ROW_GROUP.totalByteSize) ?? 0
    dropPageIndexes(rowGroup)
    shiftRowGroup(rowGroup, -4n) // offsets become relative to the body, which starts after 'PAR1'
  }
  if (dataEnd > BigInt(footerStart)) throw new RivetError('RIVET_INTERNAL', `Parquet row group data ends at ${dataEnd}, past the footer at ${footerStart}`)
  const rows = Number(getI64(footer, FILE_META.numRows) ?? 0n)
  setField(footer, FILE_META.numRows, tI64(0))
  setField(footer, FILE_META.rowGroups, tList('struct', []))
  return {
    body: file.subarray(4, Number(dataEnd)),
    rowGroups: encodeThriftValue(tList('struct', rowGroups)),
    rowGroupCount: rowGroups.length,
    metadata: encodeThriftStruct(footer),
    rows,
    uncompressedBytes,
    dictionaryFallbacks: [...dictionaryFallbacks],
  }
}

/** PageEncodingStats fields, PageType and Encoding values (parquet.thrift). */
const ENCODING_STATS = { pageType: 1, encoding: 2 } as const
const DICTIONARY_PAGE = 2
const PLAIN = 0

/**
 * Columns of a row group that wrote PLAIN data pages although a dictionary was allowed: parquet-rs
 * switches a column to PLAIN once its dictionary passes the page limit — mid-chunk (a dictionary
 * page and then PLAIN pages) or before the first page (PLAIN pages only). Either way the column is
 * too varied for a dictionary. Read from ColumnMetaData.encoding_stats; a writer that omits them
 * reports nothing.
 */
function dictionaryFallbacksOf(rowGroup: ThriftStruct): string[] {
  const paths: string[] = []
  for (const chunk of rowGroupColumns(rowGroup)) {
    const meta = getStruct(chunk, COLUMN_CHUNK.metaData)
    const stats = meta === undefined ? undefined : getList(meta, COLUMN_META.encodingStats)
    if (meta === undefined || stats === undefined) continue
    const plainData = structElements(stats).some((s) => getInt(s, ENCODING_STATS.pageType) !== DICTIONARY_PAGE && getInt(s, ENCODING_STATS.encoding) === PLAIN)
    if (plainData) paths.push(columnPath(meta))
  }
  return paths
}

function columnPath(meta: ThriftStruct): string {
  const path = getList(meta, COLUMN_META.pathInSchema)
  if (path === undefined) return ''
  return path.elements.map((e) => (e.type === 'binary' ? new TextDecoder().decode(e.value) : '')).join('.')
}
