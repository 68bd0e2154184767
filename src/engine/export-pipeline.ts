import { MessageChannel } from 'node:worker_threads'
import { RivetError, toRivetError } from '../errors/index.js'
import type { EncodedRowGroup, CsvEncodeOptions, ParquetEncodeOptions } from '../format/index.js'
import type { ExtractPlan } from '../plan/index.js'
import type { CursorAdvance } from '../source/pg/index.js'
import type { ProfileSpec, ReadProfile } from '../quality/index.js'
import type { EncodeTask } from './encode-task.js'
import type { CoordinatorToWorker, ExtractOutcome, ExtractStats, WorkerToCoordinator } from './messages.js'
import type { EncodedUnit, OutputWriter } from './output-writer.js'
import { releaseBatchMemory } from './memory.js'
import type { ExportProgress } from './progress.js'
import type { EnginePools } from './pools.js'
import { unpackTransferable } from './transfer.js'

/** How to encode each batch of an export. */
export type EncodeSpec =
  | { readonly kind: 'parquet'; readonly options: ParquetEncodeOptions }
  | { readonly kind: 'csv'; readonly options: CsvEncodeOptions }

/** Result of a pipeline run that completed. */
export interface PipelineResult {
  readonly rows: number
  readonly batches: number
  readonly stats: ExtractStats
  /** Incremental reads: where the cursor stands after this read. */
  readonly cursor?: CursorAdvance
  /** What the read saw column by column, when it was profiled. */
  readonly profile?: ReadProfile
}

/** The drift and quality checks a read feeds. */
export interface PipelineChecks {
  /** What the extraction worker profiles. */
  readonly profile: ProfileSpec
  /** Receives each batch's row keys for unique check `check` (an index into `profile.uniqueKeys`). */
  readonly keys: (check: number, keys: BigUint64Array) => void
}

/**
 * Runs one export through the engine: the extraction worker streams Arrow IPC batches over a
 * MessagePort; each batch goes to the encoder pool as soon as it arrives (encoders run in
 * parallel); encoded units are appended to the output strictly in batch order, and only then
 * is the batch acknowledged — so the number of batches alive at once is bounded by the plan's
 * maxInFlight, whatever the table size.
 */
export async function runPipeline(
  pools: EnginePools,
  plan: ExtractPlan,
  encode: EncodeSpec,
  writer: OutputWriter,
  progress: ExportProgress,
  signal?: AbortSignal,
  checks?: PipelineChecks,
): Promise<PipelineResult> {
  const { port1, port2 } = new MessageChannel()
  let writeChain: Promise<void> = Promise.resolve()
  let failure: RivetError | null = null
  let received = 0
  const cancel = () => port1.postMessage({ type: 'cancel' } satisfies CoordinatorToWorker)
  const fail = (err: unknown) => {
    if (failure === null) {
      failure = toRivetError(err)
      cancel()
    }
  }
  const onAbort = () => fail(new RivetError('RIVET_CANCELLED', 'the run was interrupted'))
  // columns whose Parquet dictionary overflowed in an earlier batch are written PLAIN from then on
  const plainColumns = new Set<string>()
  const specOf = (): EncodeSpec =>
    encode.kind === 'parquet' && plainColumns.size > 0 ? { kind: 'parquet', options: { ...encode.options, plainColumns: [...plainColumns] } } : encode
  // an interrupt that came while the export was being planned must stop it too
  if (signal?.aborted) {
    port1.close()
    throw new RivetError('RIVET_CANCELLED', 'the run was interrupted')
  }
  signal?.addEventListener('abort', onAbort, { once: true })

  port1.on('message', (msg: WorkerToCoordinator) => {
    if (msg.type === 'statement-start') return progress.statementStarted(port1)
    if (msg.type === 'statement') return progress.statementDone(port1, msg.ms, msg.sizeHint)
    // after a failure, batches still in the port are dropped unencoded (and never acknowledged)
    if (msg.type !== 'batch' || failure !== null) return
    received++
    progress.batches++
    // keys are remembered as they arrive: a chunk's duplicates of another chunk are found too
    if (checks !== undefined && msg.keys !== undefined) msg.keys.forEach((keys, i) => checks.keys(i, new BigUint64Array(keys)))
    progress.rawBytes += msg.rawBytes
    const encoded = encodeBatch(pools, specOf(), msg.ipc, msg.rows)
    encoded.then((unit) => {
      if (unit.kind === 'parquet') for (const path of unit.rowGroup.dictionaryFallbacks) plainColumns.add(path)
    }, () => undefined) // failures are observed through the chain below
    writeChain = writeChain.then(async () => {
      if (failure !== null) return
      try {
        const unit = await encoded
        await writer.write(unit)
        releaseBatchMemory()
        progress.rows += msg.rows
        progress.encodedBytes += unit.kind === 'csv' ? unit.bytes.byteLength : unit.rowGroup.body.byteLength
        port1.postMessage({ type: 'ack', seq: msg.seq } satisfies CoordinatorToWorker)
      } catch (err) {
        fail(err)
      }
    })
  })

  try {
    const task = checks === undefined ? { plan, port: port2 } : { plan, port: port2, profile: checks.profile }
    const outcome = (await pools.extract.run(task, { transferList: [port2] })) as ExtractOutcome
    // the worker answers once every batch was acknowledged, so the chain holds them all: drain it
    await writeChain
    if (failure !== null) throw failure
    if (!outcome.ok) throw RivetError.fromJSON(outcome.error)
    if (received !== outcome.batches) {
      // never report a read complete whose batches did not all reach the files
      throw new RivetError('RIVET_INTERNAL', `the extraction sent ${outcome.batches} batch(es) but ${received} were written`, {
        hint: 'run again; this is a bug in rivet, please report it with the log',
        details: { sent: outcome.batches, written: received },
      })
    }
    return { rows: outcome.rows, batches: outcome.batches, stats: outcome.stats, cursor: outcome.cursor, profile: outcome.profile }
  } catch (err) {
    await writeChain.catch(() => undefined)
    throw failure ?? toRivetError(err, 'RIVET_WORKER_CRASHED')
  } finally {
    signal?.removeEventListener('abort', onAbort)
    progress.pipelineDone(port1)
    port1.close()
  }
}

/** Encode one batch on the encoder pool; the IPC buffer is transferred, the result moved back. */
export async function encodeBatch(pools: EnginePools, spec: EncodeSpec, ipc: ArrayBuffer, rows: number): Promise<EncodedUnit> {
  const task: EncodeTask = spec.kind === 'parquet' ? { kind: 'parquet', ipc, options: spec.options } : { kind: 'csv', ipc, options: spec.options }
  const packed = (await pools.encode.run(task, { transferList: [ipc] })) as ArrayBuffer
  const result = unpackTransferable<{ ok: boolean; error?: unknown; bytes?: Uint8Array } & Partial<EncodedRowGroup>>(packed)
  if (!result.ok) throw toRivetError(result.error)
  if (spec.kind === 'csv') return { kind: 'csv', bytes: result.bytes!, rows }
  const { ok: _ok, error: _error, bytes: _bytes, ...rowGroup } = result
  return { kind: 'parquet', rowGroup: rowGroup as EncodedRowGroup, rows }
}
