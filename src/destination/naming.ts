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
  readonly startedAt: Date
  /** 1-based part number, or null when the run writes a single file. */
  readonly part: number | null
  /** 0-based chunk number of a chunked export, or null/absent. */
  readonly chunk?: number | null
  /** Extension including its dot(s), e.g. '.parquet' or '.csv.zst'. */
  readonly extension: string
}

/**
 * `{export}_{YYYYMMDD}T{HHMMSS}Z[_chunkNNNNN][_partN]{ext}`, e.g. `orders_20261124T215312Z_part2.csv.zst`
 * or `orders_20261124T215312Z_chunk00007.parquet`.
 */
export function buildFileName(parts: FileNameParts): string {
  const { exportName, startedAt, part, extension } = parts
  const chunk = parts.chunk ?? null
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
  return `${exportName}_${compactUtcTimestamp(startedAt)}${chunkSuffix}${suffix}${extension}`
}

/** `YYYYMMDDTHHMMSSZ` in UTC (ISO 8601 basic format, seconds precision). */
export function compactUtcTimestamp(date: Date): string {
  // toISOString is always UTC: 2026-11-24T21:53:12.345Z → 20261124T215312Z
  const iso = date.toISOString()
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`
}

/** A single path component: non-empty, no separators or NUL, not '.' or '..'. */
export function isPlainName(name: string): boolean {
  return name.length > 0 && name !== '.' && name !== '..' && !/[/\\\0]/.test(name)
}
