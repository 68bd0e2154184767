import type { ResolvedExport } from '../config/index.js'
import { toArrowType } from '../arrow/schema.js'
import type { Destination, RunManifest } from '../destination/index.js'
import type { FileRecord } from '../state/index.js'
import { describeType, type ColumnSpec } from '../types/index.js'
import { RIVET_VERSION } from '../version.js'

export interface ManifestInput {
  readonly exp: ResolvedExport
  readonly runId: string
  readonly startedAt: Date
  readonly finishedAt: Date
  readonly columns: readonly ColumnSpec[]
  /** Every file of the run, as recorded in the state store (a repair run: also the original's files it carries). */
  readonly files: readonly FileRecord[]
  /** A repair run: the run whose chunks it read again. */
  readonly repairOf?: string
}

/** The manifest of a completed run: its files with their checksums, and the schema they share. */
export function buildRunManifest(input: ManifestInput): RunManifest {
  const files = [...input.files]
    .sort((a, b) => a.fileName.localeCompare(b.fileName))
    .map((f) => ({
      name: f.fileName, rows: f.rows, bytes: f.bytes, xxh3: f.xxh3,
      ...(f.chunkIndex !== null && f.chunkIndex !== undefined ? { chunk: f.chunkIndex } : {}),
      ...(f.runId !== input.runId ? { run_id: f.runId } : {}),
    }))
  return {
    manifest_version: 1,
    export: input.exp.name,
    run_id: input.runId,
    mode: input.exp.mode,
    format: input.exp.format,
    compression: input.exp.compression,
    started_at: input.startedAt.toISOString(),
    finished_at: input.finishedAt.toISOString(),
    rivet_version: RIVET_VERSION,
    rows: files.reduce((n, f) => n + f.rows, 0),
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    checksum: 'xxh3-64',
    files,
    schema: {
      columns: input.columns.map((c) => ({ name: c.name, type: describeType(c.type), arrow_type: String(toArrowType(c.type)), nullable: c.nullable, source_type: c.sourceType })),
    },
    ...(input.repairOf !== undefined ? { repair_of: input.repairOf } : {}),
  }
}

/** Seal a run whose files are all committed: manifests, then `_SUCCESS`. */
export async function sealRun(destination: Destination, input: ManifestInput): Promise<void> {
  await destination.seal(buildRunManifest(input))
}
