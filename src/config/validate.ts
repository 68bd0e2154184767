/**
 * Generic validation of a parsed (and interpolated) tree against the schema DSL. Reports unknown
 * keys, types, enums, ranges, formats and missing required keys, and returns the clean tree.
 */
import { INVALID, isMapping, type CleanObject } from './clean-tree.js'
import { didYouMean } from './did-you-mean.js'
import { FORMATS } from './formats.js'
import { formatPath, type ConfigIssues, type ConfigPath } from './issues.js'
import type { ArraySpec, EnumSpec, IntegerSpec, MapSpec, NumberSpec, ObjectSpec, SizeSpec, StringSpec, TypeSpec, UnionSpec } from './schema-dsl.js'
import { formatSize, parseSize, SIZE_UNITS } from './size.js'
import { suggestKey, validKeysHint } from './suggest-key.js'

interface Context {
  readonly issues: ConfigIssues
  /** Paths whose string came from `${VAR}`: numbers and booleans are accepted there as text. */
  readonly substituted: ReadonlySet<string>
  readonly root: ObjectSpec
}

/** What a value is, for type messages (never the value itself). */
function describeKind(value: unknown): string {
  if (Array.isArray(value)) return 'a list'
  if (isMapping(value)) return 'a mapping'
  if (typeof value === 'string') return 'a string'
  if (typeof value === 'number') return 'a number'
  if (typeof value === 'boolean') return 'true/false'
  return `a ${typeof value}`
}

/** Text from `${VAR}` may be a secret (`url_env: ${DATABASE_URL}` by mistake): messages never quote it. */
const FROM_ENV = 'a value from the environment (not shown)'

function isFromEnv(path: ConfigPath, ctx: Context): boolean {
  return ctx.substituted.has(formatPath(path))
}

function expected(spec: TypeSpec): string {
  switch (spec.kind) {
    case 'string': return `a ${(spec.format && FORMATS[spec.format].label) ?? 'string'}`
    case 'integer': return 'an integer'
    case 'number': return 'a number'
    case 'boolean': return 'true or false'
    case 'enum': return `one of ${spec.values.join(', ')}`
    case 'size': return 'a size (bytes, or a string such as 512MB)'
    case 'array': return 'a list'
    case 'object':
    case 'map': return 'a mapping'
    case 'union': return spec.options.map(expected).join(' or ')
  }
}

function typeError(spec: TypeSpec, value: unknown, path: ConfigPath, ctx: Context): typeof INVALID {
  const hint = spec.kind === 'string' && typeof value !== 'object' ? 'quote the value: YAML reads unquoted 0123, 1.10 or yes as other types' : undefined
  ctx.issues.add('RIVET_CONFIG_TYPE', path, `${formatPath(path)} must be ${expected(spec)}, got ${describeKind(value)}`, hint)
  return INVALID
}

/** Validate the whole tree; problems go to `issues`, the clean tree keeps only known keys. */
export function validateTree(root: ObjectSpec, tree: unknown, issues: ConfigIssues, substituted: ReadonlySet<string>): CleanObject | typeof INVALID {
  return validateObject(root, tree, [], { issues, substituted, root }) as CleanObject | typeof INVALID
}

function validateValue(spec: TypeSpec, value: unknown, path: ConfigPath, ctx: Context): unknown {
  if (value === INVALID) return INVALID
  switch (spec.kind) {
    case 'string': return validateString(spec, value, path, ctx)
    case 'integer': return validateInteger(spec, value, path, ctx)
    case 'number': return validateNumber(spec, value, path, ctx)
    case 'boolean': return validateBoolean(value, path, ctx)
    case 'enum': return validateEnum(spec, value, path, ctx)
    case 'size': return validateSize(spec, value, path, ctx)
    case 'object': return validateObject(spec, value, path, ctx)
    case 'array': return validateArray(spec, value, path, ctx)
    case 'map': return validateMap(spec, value, path, ctx)
    case 'union': return validateUnion(spec, value, path, ctx)
  }
}

function validateObject(spec: ObjectSpec, value: unknown, path: ConfigPath, ctx: Context): unknown {
  if (!isMapping(value)) return typeError(spec, value, path, ctx)
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value)) {
    if (Object.hasOwn(spec.fields, key)) continue
    const keyPath = [...path, key]
    ctx.issues.add('RIVET_CONFIG_UNKNOWN_KEY', keyPath, `${formatPath(keyPath)} is not a known key${suggestKey(key, spec, ctx.root)}`, validKeysHint(spec, formatPath(path)))
  }
  for (const [key, field] of Object.entries(spec.fields)) {
    const item = value[key]
    if (item === undefined || item === null) {
      if (field.required) ctx.issues.add('RIVET_CONFIG_MISSING', [...path, key], `${formatPath([...path, key])} is required`, `add ${key}: ${field.description}`)
      continue
    }
    out[key] = validateValue(field.type, item, [...path, key], ctx)
  }
  return out
}

function validateString(spec: StringSpec, value: unknown, path: ConfigPath, ctx: Context): unknown {
  if (typeof value !== 'string') return typeError(spec, value, path, ctx)
  if (!spec.format) return value
  const problem = FORMATS[spec.format].check(value)
  if (problem === null) return value
  // a secret's own text must not reach the message, and format problems quote the value
  const message = spec.secret || isFromEnv(path, ctx) ? `${formatPath(path)} has an invalid format${spec.secret ? '' : `: ${FROM_ENV}`}` : `${formatPath(path)}: ${problem}`
  ctx.issues.add('RIVET_CONFIG_FORMAT', path, message, `expected ${FORMATS[spec.format].doc}`)
  return INVALID
}

function validateInteger(spec: IntegerSpec, value: unknown, path: ConfigPath, ctx: Context): unknown {
  let n = value
  if (typeof n === 'string' && ctx.substituted.has(formatPath(path)) && /^-?\d+$/.test(n.trim())) n = Number(n)
  if (typeof n !== 'number' || !Number.isInteger(n)) return typeError(spec, value, path, ctx)
  if (n < spec.min || n > spec.max) {
    ctx.issues.add('RIVET_CONFIG_RANGE', path, `${formatPath(path)} must be between ${spec.min} and ${spec.max}, got ${n}`)
    return INVALID
  }
  return n
}

function rangeText(spec: NumberSpec): string {
  const lower = `${spec.minExclusive ? 'greater than' : 'at least'} ${spec.min}`
  return spec.max === undefined ? lower : `${lower} and at most ${spec.max}`
}

function validateNumber(spec: NumberSpec, value: unknown, path: ConfigPath, ctx: Context): unknown {
  let n = value
  if (typeof n === 'string' && ctx.substituted.has(formatPath(path)) && /^-?\d+(\.\d+)?$/.test(n.trim())) n = Number(n)
  if (typeof n !== 'number' || !Number.isFinite(n)) return typeError(spec, value, path, ctx)
  if ((spec.minExclusive ? n <= spec.min : n < spec.min) || (spec.max !== undefined && n > spec.max)) {
    ctx.issues.add('RIVET_CONFIG_RANGE', path, `${formatPath(path)} must be ${rangeText(spec)}, got ${n}`)
    return INVALID
  }
  return n
}

function validateBoolean(value: unknown, path: ConfigPath, ctx: Context): unknown {
  if (typeof value === 'boolean') return value
  if (typeof value === 'string' && ctx.substituted.has(formatPath(path))) {
    const lower = value.trim().toLowerCase()
    if (lower === 'true' || lower === 'false') return lower === 'true'
  }
  return typeError({ kind: 'boolean' }, value, path, ctx)
}

function validateEnum(spec: EnumSpec, value: unknown, path: ConfigPath, ctx: Context): unknown {
  if (typeof value !== 'string') return typeError(spec, value, path, ctx)
  if (spec.values.includes(value)) return value
  const got = isFromEnv(path, ctx) ? FROM_ENV : `'${value}'${didYouMean(value, spec.values)}`
  const message = `${formatPath(path)} must be one of ${spec.values.join(', ')}, got ${got}`
  ctx.issues.add('RIVET_CONFIG_ENUM', path, message, `allowed values: ${spec.values.join(', ')}`)
  return INVALID
}

function validateSize(spec: SizeSpec, value: unknown, path: ConfigPath, ctx: Context): unknown {
  if (typeof value !== 'string' && typeof value !== 'number') return typeError(spec, value, path, ctx)
  const bytes = parseSize(value)
  if (bytes === null) {
    const shown = isFromEnv(path, ctx) ? FROM_ENV : typeof value === 'string' ? `'${value}'` : String(value)
    ctx.issues.add('RIVET_CONFIG_FORMAT', path, `${formatPath(path)}: ${shown} is not a size`, `use a whole number of bytes or a number with one of ${SIZE_UNITS.join(', ')} (1MB = 1000*1000 bytes, 1MiB = 1024*1024)`)
    return INVALID
  }
  if (bytes < spec.minBytes) {
    ctx.issues.add('RIVET_CONFIG_RANGE', path, `${formatPath(path)} must be at least ${formatSize(spec.minBytes)}, got ${bytes} bytes`)
    return INVALID
  }
  return bytes
}

function validateArray(spec: ArraySpec, value: unknown, path: ConfigPath, ctx: Context): unknown {
  if (!Array.isArray(value)) return typeError(spec, value, path, ctx)
  if (spec.minItems !== undefined && value.length < spec.minItems) {
    ctx.issues.add('RIVET_CONFIG_RANGE', path, `${formatPath(path)} must have at least ${spec.minItems} ${spec.minItems === 1 ? 'entry' : 'entries'}`)
  }
  const out = value.map((item, index) => {
    if (item === null || item === undefined) {
      ctx.issues.add('RIVET_CONFIG_TYPE', [...path, index], `${formatPath([...path, index])} is empty`)
      return INVALID
    }
    return validateValue(spec.items, item, [...path, index], ctx)
  })
  if (spec.uniqueItems) reportRepeats(out, path, ctx)
  return out
}

/** Each repeated scalar entry of a list is reported at its own index, naming the first occurrence. */
function reportRepeats(items: readonly unknown[], path: ConfigPath, ctx: Context): void {
  const first = new Map<unknown, number>()
  items.forEach((item, index) => {
    if (item === INVALID || typeof item === 'object') return
    const seen = first.get(item)
    if (seen === undefined) {
      first.set(item, index)
      return
    }
    const where = [...path, index]
    const shown = isFromEnv(where, ctx) ? 'a value from the environment' : `'${String(item)}'`
    ctx.issues.add('RIVET_CONFIG_FORMAT', where, `${formatPath(where)}: ${shown} repeats ${formatPath([...path, seen])}`, `list each entry of ${formatPath(path)} once`)
  })
}

/** Whether a value has the YAML kind an option of a union takes (`${VAR}` text counts as number or boolean). */
function takesKind(spec: TypeSpec, value: unknown, path: ConfigPath, ctx: Context): boolean {
  const substituted = typeof value === 'string' && ctx.substituted.has(formatPath(path))
  switch (spec.kind) {
    case 'string':
    case 'enum': return typeof value === 'string'
    case 'integer':
    case 'number': return typeof value === 'number' || (substituted && /^-?\d+(\.\d+)?$/.test(value.trim()))
    case 'size': return typeof value === 'number' || typeof value === 'string'
    case 'boolean': return typeof value === 'boolean' || (substituted && /^(true|false)$/i.test(value.trim()))
    case 'array': return Array.isArray(value)
    case 'object':
    case 'map': return isMapping(value)
    case 'union': return spec.options.some((option) => takesKind(option, value, path, ctx))
  }
}

function validateUnion(spec: UnionSpec, value: unknown, path: ConfigPath, ctx: Context): unknown {
  const option = spec.options.find((o) => takesKind(o, value, path, ctx))
  return option ? validateValue(option, value, path, ctx) : typeError(spec, value, path, ctx)
}

function validateMap(spec: MapSpec, value: unknown, path: ConfigPath, ctx: Context): unknown {
  if (!isMapping(value)) return typeError(spec, value, path, ctx)
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    if (item === null || item === undefined) {
      ctx.issues.add('RIVET_CONFIG_TYPE', [...path, key], `${formatPath([...path, key])} must be ${expected(spec.values)}, got nothing`)
      continue
    }
    out[key] = validateValue(spec.values, item, [...path, key], ctx)
  }
  return out
}
