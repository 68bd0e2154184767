/**
 * Cross-field rules, one small function each. The CONFIG_CHECKS run on the validated tree; the
 * others need parsed values and are called while resolving.
 */
import { getArray, getNumber, getObject, getString, isMapping, isSet, type CleanObject } from './clean-tree.js'
import { formatPath, type ConfigIssues, type ConfigPath } from './issues.js'
import { DESTINATION_CHECKS } from './destination-checks.js'
import { MODE_CHECKS } from './mode-checks.js'
import { QUALITY_CHECKS } from './quality-config.js'
import { CONFIG_SCHEMA } from './schema.js'
import type { ExclusiveGroup, ObjectSpec, TypeSpec } from './schema-dsl.js'
import type { ResolvedTuning, SourceType } from './types.js'

/** A rule over the validated config tree. */
export type ConfigCheck = (config: CleanObject, issues: ConfigIssues) => void

function listWords(words: readonly string[], joiner: string): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} ${joiner} ${words[words.length - 1]}`
}

/** Apply one exclusive group to one object: at most one alternative, exactly one if required. */
export function checkExclusiveGroup(group: ExclusiveGroup, obj: CleanObject, path: ConfigPath, issues: ConfigIssues): void {
  const chosen = group.alternatives.filter((alt) => alt.keys.some((k) => isSet(obj, k)))
  const labels = listWords(group.alternatives.map((a) => a.label), 'or')
  if (chosen.length > 1) {
    const keys = chosen.map((alt) => formatPath([...path, alt.keys.find((k) => isSet(obj, k)) as string]))
    const where = [...path, chosen[1].keys.find((k) => isSet(obj, k)) as string]
    issues.add('RIVET_CONFIG_CONFLICT', where, `${listWords(keys, 'and')} conflict — give only one of ${labels}`, group.description)
    return
  }
  if (chosen.length === 0) {
    if (group.required) issues.add('RIVET_CONFIG_MISSING', path, `${formatPath(path)} needs one of ${labels}`, group.description)
    return
  }
  for (const key of chosen[0].requires ?? []) {
    if (!isSet(obj, key)) issues.add('RIVET_CONFIG_MISSING', [...path, key], `${formatPath([...path, key])} is required with ${chosen[0].label}`, group.description)
  }
}

/** Every exclusive group declared in the schema, applied wherever its object occurs. */
export const checkExclusiveGroups: ConfigCheck = (config, issues) => {
  const visit = (spec: TypeSpec, value: unknown, path: ConfigPath): void => {
    if (spec.kind === 'array' && Array.isArray(value)) value.forEach((item, i) => visit(spec.items, item, [...path, i]))
    if (spec.kind !== 'object' || !isMapping(value)) return
    for (const group of (spec as ObjectSpec).exclusive ?? []) checkExclusiveGroup(group, value, path, issues)
    for (const [key, field] of Object.entries(spec.fields)) visit(field.type, value[key], [...path, key])
  }
  visit(CONFIG_SCHEMA, config, [])
}

/** Export names must be unique: they name files and are selected on the command line. */
export const checkUniqueExportNames: ConfigCheck = (config, issues) => {
  const seen = new Map<string, number>()
  getArray(config, 'exports').forEach((exp, i) => {
    const name = isMapping(exp) ? getString(exp, 'name') : undefined
    if (name === undefined) return
    const first = seen.get(name)
    if (first === undefined) seen.set(name, i)
    else issues.add('RIVET_CONFIG_DUPLICATE_EXPORT', ['exports', i, 'name'], `exports[${i}].name '${name}' is already used by exports[${first}]`)
  })
}

/** Snappy exists only inside Parquet files; CSV output cannot use it. */
export const checkCompressionMatchesFormat: ConfigCheck = (config, issues) => {
  getArray(config, 'exports').forEach((exp, i) => {
    if (!isMapping(exp) || getString(exp, 'compression') !== 'snappy' || getString(exp, 'format') !== 'csv') return
    issues.add('RIVET_CONFIG_CONFLICT', ['exports', i, 'compression'], `exports[${i}].compression snappy conflicts with exports[${i}].format csv — snappy is for Parquet only`, 'use zstd, gzip, lz4 or none for CSV')
  })
}

/** Per-codec level ranges; codecs without levels reject one. */
export const checkCompressionLevel: ConfigCheck = (config, issues) => {
  getArray(config, 'exports').forEach((exp, i) => {
    const level = isMapping(exp) ? getNumber(exp, 'compression_level') : undefined
    if (level === undefined || !isMapping(exp)) return
    if (isSet(exp, 'compression') && getString(exp, 'compression') === undefined) return
    const codec = getString(exp, 'compression') ?? 'zstd'
    const path = ['exports', i, 'compression_level']
    if (codec === 'gzip' && level > 9) {
      issues.add('RIVET_CONFIG_RANGE', path, `${formatPath(path)} must be between 1 and 9 for gzip, got ${level}`)
    } else if (codec !== 'gzip' && codec !== 'zstd') {
      issues.add('RIVET_CONFIG_CONFLICT', path, `${formatPath(path)} conflicts with exports[${i}].compression ${codec}, which takes no level`, 'remove compression_level or use zstd (1..22) or gzip (1..9)')
    }
  })
}

/** A client certificate needs its key and the other way round; TLS files make no sense with mode disable. */
export const checkTlsFiles: ConfigCheck = (config, issues) => {
  const tls = getObject(getObject(config, 'source'), 'tls')
  if (!tls) return
  const path = ['source', 'tls']
  if (isSet(tls, 'cert_file') && !isSet(tls, 'key_file')) issues.add('RIVET_CONFIG_MISSING', [...path, 'key_file'], 'source.tls.key_file is required with source.tls.cert_file')
  if (isSet(tls, 'key_file') && !isSet(tls, 'cert_file')) issues.add('RIVET_CONFIG_MISSING', [...path, 'cert_file'], 'source.tls.cert_file is required with source.tls.key_file')
  const file = ['ca_file', 'cert_file', 'key_file'].find((k) => isSet(tls, k))
  if (getString(tls, 'mode') === 'disable' && file) {
    issues.add('RIVET_CONFIG_CONFLICT', [...path, file], `source.tls.${file} conflicts with source.tls.mode disable`, 'remove the file or choose a mode that uses TLS')
  }
}

/** The rules run on every validated tree, in order. */
export const CONFIG_CHECKS: readonly ConfigCheck[] = [
  checkExclusiveGroups,
  checkUniqueExportNames,
  checkCompressionMatchesFormat,
  checkCompressionLevel,
  checkTlsFiles,
  ...MODE_CHECKS,
  ...DESTINATION_CHECKS,
  ...QUALITY_CHECKS,
]

/** `source.type` must name the database the URL points at. */
export function checkSchemeMatchesType(type: SourceType | undefined, urlType: SourceType, scheme: string, path: ConfigPath, issues: ConfigIssues): void {
  if (type === undefined || type === urlType) return
  issues.add('RIVET_CONFIG_CONFLICT', path, `source.type ${type} conflicts with the ${scheme}:// scheme of ${formatPath(path)}`, `set source.type: ${urlType} or use a ${type} URL`)
}

/** A URL query parameter and the matching key (`sslmode` / `tls.mode`) may both be given only when they agree. */
export function checkUrlParamAgreement(param: string, urlValue: string | undefined, keyPath: ConfigPath, keyValue: string | undefined, urlPath: ConfigPath, issues: ConfigIssues): void {
  if (urlValue === undefined || keyValue === undefined || urlValue === keyValue) return
  issues.add('RIVET_CONFIG_CONFLICT', keyPath, `${formatPath(keyPath)} ${keyValue} conflicts with ${param}=${urlValue} in ${formatPath(urlPath)}`, 'keep only one of them, or make them agree')
}

/** One batch must fit in the process memory budget. */
export function checkTuningBudget(tuning: ResolvedTuning, path: ConfigPath, issues: ConfigIssues): void {
  if (tuning.batchSizeMemoryMb <= tuning.memoryMb) return
  issues.add('RIVET_CONFIG_CONFLICT', [...path, 'batch_size_memory_mb'], `${formatPath([...path, 'batch_size_memory_mb'])} (${tuning.batchSizeMemoryMb}) conflicts with memory_mb (${tuning.memoryMb}): a batch must fit in the memory budget`, 'lower batch_size_memory_mb or raise memory_mb')
}
