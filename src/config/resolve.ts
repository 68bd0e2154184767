/** Turn the validated tree into a ResolvedConfig: defaults, absolute paths, parsed values. */
import { resolve } from 'node:path'
import { checkTuningBudget } from './checks.js'
import { getArray, getBoolean, getNumber, getObject, getString, isMapping, type CleanObject } from './clean-tree.js'
import { parseColumnOverride } from './column-override.js'
import { readConfigFile, resolveConnection, type ResolveContext } from './connection.js'
import { formatPath, type ConfigPath } from './issues.js'
import { resolveModeFields } from './modes.js'
import { resolveNotifications } from './notifications-config.js'
import { resolveDriftKeys, resolveQuality } from './quality-config.js'
import { parseTableName } from './table-name.js'
import { resolveTuning, type TuningInput } from './tuning.js'
import { DEFAULT_PART_SIZE_BYTES } from './schema.js'
import type {
  ColumnOverride,
  Compression,
  DestinationType,
  OutputFormat,
  ResolvedDestination,
  ResolvedConfig,
  ResolvedExport,
  ResolvedSource,
  ResolvedTableRef,
  SourceType,
} from './types.js'

const tuningInput = (obj: CleanObject | undefined): TuningInput | undefined => getObject(obj, 'tuning') as TuningInput | undefined

/** Resolve `source`; undefined when a problem was recorded. */
export function resolveSource(source: CleanObject, ctx: ResolveContext): ResolvedSource | undefined {
  const result = resolveConnection(source, ctx)
  const tuning = resolveTuning(tuningInput(source))
  checkTuningBudget(tuning, ['source', 'tuning'], ctx.issues)
  const type = getString(source, 'type') as SourceType | undefined
  if (!result || !type) return undefined
  return { type, connection: result.connection, redactedUrl: result.redactedUrl, tuning }
}

/** A query as the engine wraps it: surrounding whitespace and one trailing `;` removed. */
export function normalizeQuery(sql: string): string {
  return sql.trim().replace(/;\s*$/, '').trim()
}

function resolveInput(exp: CleanObject, path: ConfigPath, sourceType: SourceType | undefined, ctx: ResolveContext): { table: ResolvedTableRef | null; query: string | null } | undefined {
  const table = getString(exp, 'table')
  if (table !== undefined) {
    const parsed = parseTableName(table, sourceType)
    return 'error' in parsed ? undefined : { table: parsed, query: null }
  }
  const query = getString(exp, 'query')
  if (query !== undefined) return { table: null, query: normalizeQuery(query) }
  const file = getString(exp, 'query_file')
  if (file === undefined) return undefined
  const content = readConfigFile(file, [...path, 'query_file'], ctx)
  if (content === null) return undefined
  if (normalizeQuery(content) === '') {
    ctx.issues.add('RIVET_CONFIG_FORMAT', [...path, 'query_file'], `${formatPath([...path, 'query_file'])}: ${resolve(ctx.configDir, file)} holds no SQL`)
    return undefined
  }
  return { table: null, query: normalizeQuery(content) }
}

function resolveColumns(exp: CleanObject): Record<string, ColumnOverride> {
  const out: Record<string, ColumnOverride> = {}
  for (const [name, text] of Object.entries(getObject(exp, 'columns') ?? {})) {
    if (typeof text !== 'string') continue
    const parsed = parseColumnOverride(text)
    if (!('error' in parsed)) out[name] = parsed
  }
  return out
}

/** Resolve `exports[].destination`; undefined when a key it needs is missing (reported by the destination checks). */
export function resolveDestination(dest: CleanObject | undefined, configDir: string): ResolvedDestination | undefined {
  const type = getString(dest, 'type') as DestinationType | undefined
  const str = (key: string): string | null => getString(dest, key) ?? null
  const bucket = getString(dest, 'bucket')
  const partSizeBytes = getNumber(dest, 'part_size') ?? DEFAULT_PART_SIZE_BYTES
  switch (type) {
    case 'local': {
      const path = getString(dest, 'path')
      return path === undefined ? undefined : { type, path: resolve(configDir, path) }
    }
    case 's3': {
      if (bucket === undefined) return undefined
      const accessKey = str('access_key_env')
      const secretKey = str('secret_key_env')
      const credentialEnv = accessKey !== null && secretKey !== null ? { accessKey, secretKey, sessionToken: str('session_token_env') } : null
      return { type, bucket, prefix: getString(dest, 'prefix') ?? '', region: str('region'), endpoint: str('endpoint'), awsProfile: str('aws_profile'), credentialEnv, partSizeBytes }
    }
    case 'gcs': {
      if (bucket === undefined) return undefined
      const file = str('credentials_file')
      return { type, bucket, prefix: getString(dest, 'prefix') ?? '', credentialsFile: file === null ? null : resolve(configDir, file), endpoint: str('endpoint'), partSizeBytes }
    }
    case 'stdout':
      return { type }
    default:
      return undefined
  }
}

/** Resolve one export; undefined when a problem was recorded. */
export function resolveExport(exp: CleanObject, index: number, source: CleanObject | undefined, ctx: ResolveContext): ResolvedExport | undefined {
  const path = ['exports', index]
  const sourceType = getString(source, 'type') as SourceType | undefined
  const input = resolveInput(exp, path, sourceType, ctx)
  const tuning = resolveTuning(tuningInput(source), tuningInput(exp))
  // a source-level budget problem is reported once at source.tuning, not again for every export
  const inherited = resolveTuning(tuningInput(source))
  if (tuning.batchSizeMemoryMb !== inherited.batchSizeMemoryMb || tuning.memoryMb !== inherited.memoryMb) checkTuningBudget(tuning, [...path, 'tuning'], ctx.issues)
  const name = getString(exp, 'name')
  const format = getString(exp, 'format') as OutputFormat | undefined
  const destination = resolveDestination(getObject(exp, 'destination'), ctx.configDir)
  const modeFields = resolveModeFields(exp)
  if (!input || !modeFields || name === undefined || format === undefined || destination === undefined) return undefined
  return {
    name,
    ...input,
    ...modeFields,
    format,
    compression: (getString(exp, 'compression') ?? 'zstd') as Compression,
    compressionLevel: getNumber(exp, 'compression_level') ?? null,
    maxFileSizeBytes: getNumber(exp, 'max_file_size') ?? null,
    skipEmpty: getBoolean(exp, 'skip_empty') ?? false,
    destination,
    columns: resolveColumns(exp),
    tuning,
    ...resolveDriftKeys(exp),
    quality: resolveQuality(exp),
  }
}

/** Resolve the whole tree; returns undefined when any part could not be resolved. */
export function resolveTree(config: CleanObject, configPath: string, configDir: string, ctx: ResolveContext): ResolvedConfig | undefined {
  const sourceObj = getObject(config, 'source')
  const source = sourceObj ? resolveSource(sourceObj, ctx) : undefined
  const exports = getArray(config, 'exports').map((exp, i) => (isMapping(exp) ? resolveExport(exp, i, sourceObj, ctx) : undefined))
  const notifications = resolveNotifications(config, ctx)
  if (!source || exports.length === 0 || exports.some((e) => e === undefined)) return undefined
  return { configPath, configDir, source, exports: exports as ResolvedExport[], notifications, parallelExports: getBoolean(config, 'parallel_exports') ?? false, parallelExportProcesses: getBoolean(config, 'parallel_export_processes') ?? false }
}
