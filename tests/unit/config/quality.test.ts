import { describe, expect, it } from 'vitest'
import { configJsonSchema, parseConfig, type ConfigIssue, type ResolvedExport } from '../../../src/config/index.js'
import { captureError } from './helpers.js'

/** A config with one export; `keys` are extra YAML lines of that export, at the export's indentation. */
function configText(keys: string): string {
  const extra = keys.trim() === '' ? '' : `${keys.replace(/^\n+/, '').trimEnd().split('\n').map((l) => `    ${l}`).join('\n')}\n`
  return `source:
  type: postgres
  url: postgresql://rivet@db.internal:5432/shop
exports:
  - name: orders
    table: public.orders
    format: parquet
    destination: { type: local, path: ./out }
${extra}`
}

const resolveExport = (keys: string, env: NodeJS.ProcessEnv = {}): ResolvedExport =>
  parseConfig(configText(keys), { configPath: '/etc/rivet/rivet.yaml', env }).exports[0] as ResolvedExport

function issuesOf(keys: string): readonly ConfigIssue[] {
  const err = captureError(() => parseConfig(configText(keys), { configPath: '/etc/rivet/rivet.yaml', env: {} }))
  expect(err.code).toBe('RIVET_CONFIG_INVALID')
  return err.items as readonly ConfigIssue[]
}

/** The single issue a config produces, as `CODE at path`; fails when there are none or several. */
function onlyIssue(keys: string): ConfigIssue {
  const items = issuesOf(keys)
  expect(items.map((i) => `${i.code} at ${i.path}`)).toHaveLength(1)
  return items[0] as ConfigIssue
}

describe('drift and quality keys: defaults and valid values', () => {
  it('defaults to on_schema_drift warn, shape_drift_warn_factor 2 and no quality checks', () => {
    expect(resolveExport('')).toMatchObject({ schemaDrift: 'warn', shapeDriftWarnFactor: 2, quality: null })
  })

  it('takes every policy and any factor from 0 up, fractions included', () => {
    for (const policy of ['warn', 'continue', 'fail']) expect(resolveExport(`on_schema_drift: ${policy}`).schemaDrift).toBe(policy)
    expect(resolveExport('shape_drift_warn_factor: 0').shapeDriftWarnFactor).toBe(0)
    expect(resolveExport('shape_drift_warn_factor: 1.5').shapeDriftWarnFactor).toBe(1.5)
  })

  it('resolves a full quality block; a single column name is a one-column key', () => {
    const exp = resolveExport(`
quality:
  row_count_min: 1000
  row_count_max: 5000000
  null_ratio_max: { email: 0.1, customer_id: 0 }
  unique_columns: [id, [tenant_id, order_no]]
  unique_max_entries: 10000000`)
    expect(exp.quality).toEqual({
      rowCountMin: 1000,
      rowCountMax: 5_000_000,
      nullRatioMax: { email: 0.1, customer_id: 0 },
      uniqueColumns: [['id'], ['tenant_id', 'order_no']],
      uniqueMaxEntries: 10_000_000,
    })
  })

  it('fills the checks that are not set with null or empty values, and accepts equal bounds', () => {
    expect(resolveExport('quality: { row_count_min: 5, row_count_max: 5 }').quality).toEqual({
      rowCountMin: 5, rowCountMax: 5, nullRatioMax: {}, uniqueColumns: [], uniqueMaxEntries: null,
    })
    expect(resolveExport('quality: { null_ratio_max: { email: 1 } }').quality?.nullRatioMax).toEqual({ email: 1 })
  })

  it('resolves a quality block without any check to null', () => {
    expect(resolveExport('quality: {}').quality).toBeNull()
    expect(resolveExport('quality: { null_ratio_max: {} }').quality).toBeNull()
  })

  it('fills numbers from the environment', () => {
    expect(resolveExport('quality: { row_count_min: "${MIN_ROWS}" }', { MIN_ROWS: '42' }).quality?.rowCountMin).toBe(42)
  })

  it('describes the keys in the JSON Schema', () => {
    const props = (configJsonSchema() as any).properties.exports.items.properties
    expect(props.on_schema_drift).toMatchObject({ enum: ['warn', 'continue', 'fail'], default: 'warn' })
    expect(props.shape_drift_warn_factor).toMatchObject({ type: 'number', minimum: 0, default: 2 })
    expect(props.quality.additionalProperties).toBe(false)
    expect(Object.keys(props.quality.properties)).toEqual(['row_count_min', 'row_count_max', 'null_ratio_max', 'unique_columns', 'unique_max_entries'])
  })
})

describe('drift and quality keys: invalid values', () => {
  const cases: [string, string, string, string?][] = [
    ['on_schema_drift: stop', 'RIVET_CONFIG_ENUM', 'exports[0].on_schema_drift'],
    ['on_schema_drift: fial', 'RIVET_CONFIG_ENUM', 'exports[0].on_schema_drift', 'did you mean fail?'],
    ['shape_drift_warn_factor: -1', 'RIVET_CONFIG_RANGE', 'exports[0].shape_drift_warn_factor'],
    ['shape_drift_warn_factor: big', 'RIVET_CONFIG_TYPE', 'exports[0].shape_drift_warn_factor'],
    ['qualty: { row_count_min: 1 }', 'RIVET_CONFIG_UNKNOWN_KEY', 'exports[0].qualty', 'did you mean quality?'],
    ['quality: [row_count_min]', 'RIVET_CONFIG_TYPE', 'exports[0].quality'],
    ['quality: { row_cont_min: 1 }', 'RIVET_CONFIG_UNKNOWN_KEY', 'exports[0].quality.row_cont_min', 'did you mean row_count_min?'],
    ['quality: { unique_colums: [id] }', 'RIVET_CONFIG_UNKNOWN_KEY', 'exports[0].quality.unique_colums', 'did you mean unique_columns?'],
    ['row_count_min: 10', 'RIVET_CONFIG_UNKNOWN_KEY', 'exports[0].row_count_min', 'did you mean quality.row_count_min?'],
    ['quality: { row_count_min: -1 }', 'RIVET_CONFIG_RANGE', 'exports[0].quality.row_count_min'],
    ['quality: { row_count_max: 2.5 }', 'RIVET_CONFIG_TYPE', 'exports[0].quality.row_count_max'],
    ['quality: { row_count_min: 10, row_count_max: 9 }', 'RIVET_CONFIG_CONFLICT', 'exports[0].quality.row_count_max', 'no row count could pass both'],
    ['quality: { null_ratio_max: { email: 10 } }', 'RIVET_CONFIG_RANGE', 'exports[0].quality.null_ratio_max.email', 'at most 1'],
    ['quality: { null_ratio_max: { email: -0.1 } }', 'RIVET_CONFIG_RANGE', 'exports[0].quality.null_ratio_max.email'],
    ['quality: { null_ratio_max: { email: "10%" } }', 'RIVET_CONFIG_TYPE', 'exports[0].quality.null_ratio_max.email'],
    ['quality: { null_ratio_max: [email] }', 'RIVET_CONFIG_TYPE', 'exports[0].quality.null_ratio_max'],
    ['quality: { unique_columns: id }', 'RIVET_CONFIG_TYPE', 'exports[0].quality.unique_columns'],
    ['quality: { unique_columns: [] }', 'RIVET_CONFIG_RANGE', 'exports[0].quality.unique_columns', 'at least 1 entry'],
    ['quality: { unique_columns: [id, []] }', 'RIVET_CONFIG_RANGE', 'exports[0].quality.unique_columns[1]', 'at least 1 entry'],
    ['quality: { unique_columns: [7] }', 'RIVET_CONFIG_TYPE', 'exports[0].quality.unique_columns[0]'],
    ['quality: { unique_columns: [id, [id]] }', 'RIVET_CONFIG_FORMAT', 'exports[0].quality.unique_columns[1]', 'id repeats exports[0].quality.unique_columns[0]'],
    ['quality: { unique_columns: [[a, b], [b, a]] }', 'RIVET_CONFIG_FORMAT', 'exports[0].quality.unique_columns[1]', '(b, a) repeats exports[0].quality.unique_columns[0]'],
    ['quality: { unique_columns: [[a, a]] }', 'RIVET_CONFIG_FORMAT', 'exports[0].quality.unique_columns[0][1]'],
    ['quality: { unique_max_entries: 1000 }', 'RIVET_CONFIG_MISSING', 'exports[0].quality.unique_columns', 'required with exports[0].quality.unique_max_entries'],
    ['quality: { unique_columns: [id], unique_max_entries: 0 }', 'RIVET_CONFIG_RANGE', 'exports[0].quality.unique_max_entries'],
  ]

  for (const [keys, code, path, message] of cases) {
    it(`${keys} → ${code} at ${path}`, () => {
      const issue = onlyIssue(keys)
      expect(`${issue.code} at ${issue.path}`).toBe(`${code} at ${path}`)
      if (message !== undefined) expect(issue.message).toContain(message)
    })
  }

  it('reports every repeat of a key, each against its first occurrence', () => {
    const items = issuesOf('quality: { unique_columns: [id, [tenant_id, no], id, [no, tenant_id]] }')
    expect(items.map((i) => `${i.code} at ${i.path}`)).toEqual([
      'RIVET_CONFIG_FORMAT at exports[0].quality.unique_columns[2]',
      'RIVET_CONFIG_FORMAT at exports[0].quality.unique_columns[3]',
    ])
  })
})
