import { RivetError } from '../errors/index.js'

/** Variables a destination path template may reference. */
export interface OutputDirVars {
  readonly export: string
  readonly date: Date
}

const PLACEHOLDER = /\{([^{}]*)\}/g
const KNOWN_PLACEHOLDERS = ['{export}', '{date}'] as const

/** Substitute `{export}` and `{date}` (YYYY-MM-DD, UTC) in a destination path template. Creates nothing. */
export function resolveOutputDir(template: string, vars: OutputDirVars): string {
  return template.replace(PLACEHOLDER, (match: string, name: string) => {
    if (name === 'export') return vars.export
    if (name === 'date') return vars.date.toISOString().slice(0, 10)
    throw new RivetError('RIVET_CONFIG_FORMAT', `unknown placeholder ${match} in destination path '${template}'`, {
      hint: `use only ${KNOWN_PLACEHOLDERS.join(' and ')} in the destination path`,
      details: { template, placeholder: match },
    })
  })
}

/** Inputs of an output file name. */
export interface FileNameParts {
  readonly exportName: string
  /** The run's id: its start time (UTC, to the second) and a random suffix, so no two runs share a name. */
  readonly runId: string
  /** 1-based part number, or null when the run writes a single file. */
  readonly part: number | null
  /** 0-based chunk number of a chunked export, or null/absent. */
  readonly chunk?: number | null
  /** Extension including its dot(s), e.g. '.parquet' or '.csv.zst'. */
  readonly extension: string
}

/**
 * `{export}_{run id}[_chunkNNNNN][_partN]{ext}`, e.g. `orders_20261124T215312Z-4f2a91c0_part2.csv.zst`
 * or `orders_20261124T215312Z-4f2a91c0_chunk00007.parquet`. Names sort by start time, and two runs
 * never share one, however close together they start.
 */
export function buildFileName(parts: FileNameParts): string {
  const { exportName, runId, part, extension } = parts
  const chunk = parts.chunk ?? null
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(runId)) throw new RivetError('RIVET_INTERNAL', `run id '${runId}' cannot be part of a file name`)
  if (!extension.startsWith('.') || extension.includes('/')) {
    throw new RivetError('RIVET_INTERNAL', `file extension '${extension}' must start with a dot and contain no slash`)
  }
  if (part !== null && (!Number.isInteger(part) || part < 1)) {
    throw new RivetError('RIVET_INTERNAL', `file part number ${part} must be a positive integer`)
  }
  if (chunk !== null && (!Number.isInteger(chunk) || chunk < 0)) {
    throw new RivetError('RIVET_INTERNAL', `chunk number ${chunk} must be a non-negative integer`)
  }
  const chunkSuffix = chunk === null ? '' : `_chunk${String(chunk).padStart(5, '0')}`
  const suffix = part === null ? '' : `_part${part}`
  return `${exportName}_${runId}${chunkSuffix}${suffix}${extension}`
}

/** A single path component: non-empty, no separators or NUL, not '.' or '..'. */
export function isPlainName(name: string): boolean {
  return name.length > 0 && name !== '.' && name !== '..' && !/[/\\\0]/.test(name)
}
