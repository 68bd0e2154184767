/**
 * A small declarative language for describing the config file. One spec written in it drives
 * validation, the JSON Schema and the Markdown reference, so the three can never disagree.
 */

/** Named string formats; each has a validator and a JSON Schema pattern in formats.ts. */
export type FormatName = 'env-name' | 'export-name' | 'table-name' | 'path-template' | 'column-type' | 'path' | 'column-name' | 'duration' | 'url'

/** A string value, optionally of a named format. */
export interface StringSpec {
  readonly kind: 'string'
  readonly format?: FormatName
  /** Never echo the value in messages (passwords, URLs with credentials). */
  readonly secret?: boolean
}

/** An integer with an inclusive range. */
export interface IntegerSpec {
  readonly kind: 'integer'
  readonly min: number
  readonly max: number
  /** Unit shown in the reference (e.g. `rows`, `ms`). */
  readonly unit?: string
}

/** A finite number (fractions allowed); `min` is exclusive when `minExclusive` is set. */
export interface NumberSpec {
  readonly kind: 'number'
  readonly min: number
  readonly minExclusive?: boolean
  /** Inclusive; no upper bound when absent. */
  readonly max?: number
  /** Unit shown in the reference (e.g. `s`). */
  readonly unit?: string
}

/** true or false. */
export interface BooleanSpec {
  readonly kind: 'boolean'
}

/** One of a fixed list of strings. */
export interface EnumSpec {
  readonly kind: 'enum'
  readonly values: readonly string[]
}

/** A byte size: an integer number of bytes or a string such as `512MB` or `1GiB`. */
export interface SizeSpec {
  readonly kind: 'size'
  readonly minBytes: number
}

/** One way of satisfying an exclusive group; it counts as chosen when any of its keys is set. */
export interface Alternative {
  readonly label: string
  readonly keys: readonly string[]
  /** Keys that become required once this alternative is chosen. */
  readonly requires?: readonly string[]
}

/** Keys of an object that exclude each other: at most one alternative, exactly one when required. */
export interface ExclusiveGroup {
  readonly alternatives: readonly Alternative[]
  readonly required: boolean
  readonly description: string
}

/** A mapping with known keys; unknown keys are errors. */
export interface ObjectSpec {
  readonly kind: 'object'
  /** Title of the section in the reference. */
  readonly title: string
  readonly description: string
  readonly fields: Readonly<Record<string, FieldSpec>>
  readonly exclusive?: readonly ExclusiveGroup[]
}

/** A list of values of one type. */
export interface ArraySpec {
  readonly kind: 'array'
  readonly items: TypeSpec
  readonly minItems?: number
  /** Entries must not repeat. */
  readonly uniqueItems?: boolean
}

/**
 * A value of one of several types, told apart by their YAML kind (number, string, true/false,
 * list, mapping): the first option that takes the value's kind validates it.
 */
export interface UnionSpec {
  readonly kind: 'union'
  readonly options: readonly TypeSpec[]
}

/** A mapping with free-form keys (e.g. column names) and values of one type. */
export interface MapSpec {
  readonly kind: 'map'
  readonly keyDescription: string
  readonly values: TypeSpec
}

/** Any value type of the DSL. */
export type TypeSpec = StringSpec | IntegerSpec | NumberSpec | BooleanSpec | EnumSpec | SizeSpec | ObjectSpec | ArraySpec | MapSpec | UnionSpec

/** One key of an object: its type, documentation and default. */
export interface FieldSpec {
  readonly type: TypeSpec
  readonly description: string
  readonly required?: boolean
  /** The value used when the key is absent; also written into the JSON Schema. */
  readonly default?: unknown
  /** Shown instead of `default` when the default is not a constant (e.g. "from the profile"). */
  readonly defaultNote?: string
  readonly examples?: readonly unknown[]
}

interface FieldOptions {
  readonly required?: boolean
  readonly default?: unknown
  readonly defaultNote?: string
  readonly examples?: readonly unknown[]
}

/** A string field. */
export function str(description: string, options: FieldOptions & { format?: FormatName; secret?: boolean } = {}): FieldSpec {
  const { format, secret, ...rest } = options
  return { type: { kind: 'string', ...(format ? { format } : {}), ...(secret ? { secret } : {}) }, description, ...rest }
}

/** An integer field with an inclusive range. */
export function int(description: string, min: number, max: number, options: FieldOptions & { unit?: string } = {}): FieldSpec {
  const { unit, ...rest } = options
  return { type: { kind: 'integer', min, max, ...(unit ? { unit } : {}) }, description, ...rest }
}

/** A number field; `min` is exclusive with `minExclusive`, `max` inclusive. */
export function num(description: string, min: number, max: number, options: FieldOptions & { unit?: string; minExclusive?: boolean } = {}): FieldSpec {
  const { unit, minExclusive, ...rest } = options
  return { type: { kind: 'number', min, max, ...(minExclusive ? { minExclusive } : {}), ...(unit ? { unit } : {}) }, description, ...rest }
}

/** A list field whose entries are all of one type. */
export function list(items: TypeSpec, description: string, options: FieldOptions & { minItems?: number; uniqueItems?: boolean } = {}): FieldSpec {
  const { minItems, uniqueItems, ...rest } = options
  return { type: { kind: 'array', items, ...(minItems !== undefined ? { minItems } : {}), ...(uniqueItems ? { uniqueItems } : {}) }, description, ...rest }
}

/** A field that takes a value of any of the given types. */
export function anyOf(types: readonly TypeSpec[], description: string, options: FieldOptions = {}): FieldSpec {
  return { type: { kind: 'union', options: types }, description, ...options }
}

/** A boolean field. */
export function bool(description: string, options: FieldOptions = {}): FieldSpec {
  return { type: { kind: 'boolean' }, description, ...options }
}

/** A field whose value is one of a fixed list of strings. */
export function oneOf(values: readonly string[], description: string, options: FieldOptions = {}): FieldSpec {
  return { type: { kind: 'enum', values }, description, ...options }
}

/** A byte-size field. */
export function size(description: string, minBytes: number, options: FieldOptions = {}): FieldSpec {
  return { type: { kind: 'size', minBytes }, description, ...options }
}

/** A field holding a nested object. */
export function nested(spec: ObjectSpec, options: FieldOptions = {}): FieldSpec {
  return { type: spec, description: spec.description, ...options }
}

/** Declare an object spec. */
export function object(title: string, description: string, fields: Record<string, FieldSpec>, exclusive?: readonly ExclusiveGroup[]): ObjectSpec {
  return { kind: 'object', title, description, fields, ...(exclusive ? { exclusive } : {}) }
}

/** The keys of an exclusive group, in declaration order. */
export function groupKeys(group: ExclusiveGroup): string[] {
  return group.alternatives.flatMap((alt) => [...alt.keys])
}
