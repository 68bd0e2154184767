import { describe, expect, it } from 'vitest'
import { configJsonSchema, CONFIG_SCHEMA } from '../../../src/config/index.js'
import { keyPaths } from '../../../src/config/suggest-key.js'

type Json = Record<string, unknown>

/** Every property path declared in a JSON Schema, written like keyPaths() writes them. */
function schemaPaths(schema: Json, prefix = ''): string[] {
  if (schema.type === 'array') return schemaPaths(schema.items as Json, `${prefix}[]`)
  const props = schema.properties as Record<string, Json> | undefined
  if (!props) return []
  return Object.entries(props).flatMap(([k, v]) => {
    const path = prefix === '' ? k : `${prefix}.${k}`
    return [path, ...schemaPaths(v, path)]
  })
}

/** Every subschema that declares properties. */
function objectSchemas(node: unknown, out: Json[] = []): Json[] {
  if (Array.isArray(node)) node.forEach((n) => objectSchemas(n, out))
  else if (typeof node === 'object' && node !== null) {
    if ('properties' in node) out.push(node as Json)
    Object.values(node).forEach((n) => objectSchemas(n, out))
  }
  return out
}

describe('configJsonSchema', () => {
  const schema = configJsonSchema()

  it('is plain JSON in draft 2020-12', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema)
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    expect(schema.required).toEqual(['source', 'exports'])
  })

  it('closes every object with additionalProperties: false', () => {
    const objects = objectSchemas(schema)
    expect(objects.length).toBeGreaterThanOrEqual(6)
    for (const obj of objects) expect(obj.additionalProperties).toBe(false)
  })

  it('includes every key of the spec, each with a description', () => {
    const paths = schemaPaths(schema)
    expect(paths.sort()).toEqual(keyPaths(CONFIG_SCHEMA).sort())
    expect(paths).toContain('exports[].tuning.batch_size')
    expect(paths).toContain('source.tls.ca_file')
    for (const obj of objectSchemas(schema)) {
      for (const [key, prop] of Object.entries(obj.properties as Record<string, Json>)) expect(prop.description, key).toBeTruthy()
    }
  })

  it('carries enums, defaults, ranges and exclusive groups', () => {
    const exp = ((schema.properties as Json).exports as Json).items as Json
    const props = exp.properties as Record<string, Json>
    expect(props.format.enum).toEqual(['parquet', 'csv'])
    expect(props.compression).toMatchObject({ enum: ['zstd', 'snappy', 'gzip', 'lz4', 'none'], default: 'zstd' })
    expect(props.mode).toMatchObject({ enum: ['full', 'incremental', 'chunked', 'time_window'], default: 'full' })
    expect(((props.tuning.properties as Record<string, Json>).batch_size)).toMatchObject({ type: 'integer', minimum: 1, maximum: 10_000_000 })
    expect(exp.allOf).toEqual([
      { oneOf: [{ required: ['table'] }, { required: ['query'] }, { required: ['query_file'] }] },
      { not: { allOf: [{ required: ['chunk_size'] }, { required: ['chunk_count'] }] } },
    ])
    expect(props.columns.additionalProperties).toMatchObject({ type: 'string' })
    expect(new RegExp(props.name.pattern as string).test('orders.v2-x')).toBe(true)
    expect(new RegExp(props.name.pattern as string).test('orders 2')).toBe(false)
  })

  it('describes the mode keys: numbers, unions and lists of column names', () => {
    const exp = ((schema.properties as Json).exports as Json).items as Json
    const props = exp.properties as Record<string, Json>
    expect(props.chunk_max_statement_s).toMatchObject({ type: 'number', exclusiveMinimum: 0, maximum: 3600, default: 1 })
    expect(props.chunk_max_statement_s).not.toHaveProperty('minimum')
    expect(props.parallel).toMatchObject({ type: 'integer', minimum: 1, maximum: 64, default: 1 })
    expect(props.unique_key).toMatchObject({ type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true })
    const overlap = props.cursor_overlap.anyOf as Json[]
    expect(overlap[0]).toEqual({ type: 'number', minimum: 0 })
    const duration = new RegExp(overlap[1].pattern as string)
    expect(['15m', '2h', '1d', '90s'].every((d) => duration.test(d))).toBe(true)
    expect(['15', '2w', '1.5h', 'm'].some((d) => duration.test(d))).toBe(false)
    const meta = props.meta_columns.properties as Record<string, Json>
    expect(meta.row_hash.anyOf).toEqual([{ type: 'boolean' }, { type: 'array', items: { type: 'string', pattern: '\\S' }, minItems: 1, uniqueItems: true }])
    expect(meta.exported_at).toMatchObject({ type: 'boolean', default: false })
  })
})
