import type { Destination, DestinationSink } from '../destination/index.js'
import { buildFileName } from '../destination/index.js'
import { ParquetFileAssembler, csvFileExtension, parquetFileExtension } from '../format/index.js'
import type { EncodedRowGroup } from '../format/index.js'
import type { ColumnSpec } from '../types/index.js'

/** One encoded batch, ready to append to the current file. */
export type EncodedUnit =
  | { readonly kind: 'parquet'; readonly rowGroup: EncodedRowGroup; readonly rows: number }
  | { readonly kind: 'csv'; readonly bytes: Uint8Array; readonly rows: number }

export interface OutputWriterOptions {
  readonly exportName: string
  /** The run whose files these are: its id is part of every file name. */
  readonly runId: string
  /** Chunk number put in the file names of a chunked export. */
  readonly chunk?: number | null
  readonly format: 'parquet' | 'csv'
  readonly compression: string
  readonly maxFileSizeBytes: number | null
  readonly columns: readonly ColumnSpec[]
  readonly destination: Destination
  /** CSV only: the (compressed) header unit written at the start of every file. */
  readonly csvHeader?: Uint8Array
  readonly createdBy: string
}

/** A finished (closed, fsynced) temp file awaiting commit. */
export interface WrittenFile {
  readonly sink: DestinationSink
  readonly finalName: string
  readonly partIndex: number | null
  readonly rows: number
}

interface OpenFile {
  readonly sink: DestinationSink
  readonly finalName: string
  readonly partIndex: number | null
  readonly assembler: ParquetFileAssembler | null
  bytes: number
  rows: number
  units: number
}

/**
 * Appends encoded units, in order, to the export's output files and rotates to a new part
 * before a unit would push the current file past max_file_size. Files stay under temp names
 * until the engine commits them.
 */
export class OutputWriter {
  private current: OpenFile | null = null
  private readonly done: WrittenFile[] = []
  private part = 0

  constructor(private readonly options: OutputWriterOptions) {}

  get rows(): number {
    return this.done.reduce((n, f) => n + f.rows, 0) + (this.current?.rows ?? 0)
  }

  get fileCount(): number {
    return this.done.length + (this.current ? 1 : 0)
  }

  /** Append one unit (callers pass units in batch order). */
  async write(unit: EncodedUnit): Promise<void> {
    const size = unit.kind === 'parquet' ? unit.rowGroup.body.byteLength : unit.bytes.byteLength
    const max = this.options.maxFileSizeBytes
    if (this.current !== null && max !== null && this.current.units > 0 && this.current.bytes + size > max) await this.closeCurrent()
    const file = this.current ?? (await this.open())
    const bytes = unit.kind === 'parquet' ? file.assembler!.add(unit.rowGroup) : unit.bytes
    await this.append(file, bytes)
    file.rows += unit.rows
    file.units++
  }

  /**
   * Close the last file. With `emptyUnit` (an encoding of a zero-row batch) an export without
   * rows still gets one valid file carrying the schema.
   */
  async finish(emptyUnit: EncodedUnit | null): Promise<WrittenFile[]> {
    if (this.current === null && this.done.length === 0 && emptyUnit !== null) {
      const file = await this.open()
      if (emptyUnit.kind === 'parquet') file.assembler!.setSchemaFrom(emptyUnit.rowGroup)
    }
    if (this.current !== null) await this.closeCurrent()
    return [...this.done]
  }

  /** Files written so far plus the open one: what an abort must clean up. */
  get sinks(): DestinationSink[] {
    return [...this.done.map((f) => f.sink), ...(this.current ? [this.current.sink] : [])]
  }

  private async open(): Promise<OpenFile> {
    const o = this.options
    const rotating = o.maxFileSizeBytes !== null
    const partIndex = rotating ? ++this.part : null
    const extension = o.format === 'parquet' ? parquetFileExtension() : csvFileExtension(o.compression as 'zstd' | 'gzip' | 'lz4' | 'none')
    const finalName = buildFileName({ exportName: o.exportName, runId: o.runId, chunk: o.chunk ?? null, part: partIndex, extension })
    const sink = o.destination.openSink(finalName)
    const assembler = o.format === 'parquet' ? new ParquetFileAssembler({ columns: o.columns, createdBy: o.createdBy }) : null
    const file: OpenFile = { sink, finalName, partIndex, assembler, bytes: 0, rows: 0, units: 0 }
    this.current = file
    if (assembler !== null) await this.append(file, assembler.start())
    else if (o.csvHeader !== undefined) await this.append(file, o.csvHeader)
    return file
  }

  private async append(file: OpenFile, bytes: Uint8Array): Promise<void> {
    await file.sink.write(bytes)
    file.bytes += bytes.byteLength
  }

  private async closeCurrent(): Promise<void> {
    const file = this.current
    if (file === null) return
    this.current = null
    if (file.assembler !== null) await this.append(file, file.assembler.finish())
    await file.sink.close()
    this.done.push({ sink: file.sink, finalName: file.finalName, partIndex: file.partIndex, rows: file.rows })
  }
}
