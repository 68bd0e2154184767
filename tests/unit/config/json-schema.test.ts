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
    expect(props.mode).toMatchObject({ enum: ['full'], default: 'full' })
    expect(((props.tuning.properties as Record<string, Json>).batch_size)).toMatchObject({ type: 'integer', minimum: 1, maximum: 10_000_000 })
    expect(exp.allOf).toEqual([{ oneOf: [{ required: ['table'] }, { required: ['query'] }, { required: ['query_file'] }] }])
    expect(props.columns.additionalProperties).toMatchObject({ type: 'string' })
    expect(new RegExp(props.name.pattern as string).test('orders.v2-x')).toBe(true)
    expect(new RegExp(props.name.pattern as string).test('orders 2')).toBe(false)
  })
})
