import { join } from 'node:path'
import { tempDir, writeConfig } from '../../helpers/cli.js'
import { PLAN_VERSION, readConfigFile } from '../../../src/plan-file/index.js'
import type { PlanBody, PlannedExport } from '../../../src/plan-file/index.js'

/** A config that parses without a server: one chunked, one incremental and one full export. */
export const CONFIG_YAML = `source:
  type: postgres
  url: postgres://reader:s3cret@db.example:5432/shop
exports:
  - name: events
    table: public.events
    mode: chunked
    chunk_size: 1000
    format: parquet
    destination: { type: local, path: "./out/{export}" }
  - name: orders
    table: public.orders
    mode: incremental
    cursor_column: updated_at
    format: csv
    destination: { type: local, path: "./out/{export}" }
`

const COLUMNS = [{ name: 'id', source_type: 'bigint', type: 'int64' }]

function planned(name: string, mode: PlannedExport['mode'], extra: Partial<PlannedExport>): PlannedExport {
  return {
    name, mode, table: `public.${name}`, query: null, columns: COLUMNS, estimated_rows: 10, read: { strategy: 'chunks', statement: null, page_key: null },
    chunks: null, incremental: null, time_window: null,
    output: { format: 'parquet', compression: 'zstd', compression_level: null, max_file_size_bytes: null, skip_empty: false, meta_columns: [], destination: { type: 'local', path: '/x/out/{export}' } },
    diagnostics: [], ...extra,
  }
}

/** A temp folder with the config, and a plan body for it made at `createdAt`. */
export function planFixture(createdAt: Date, configYaml = CONFIG_YAML): { dir: string; configPath: string; body: PlanBody } {
  const dir = tempDir('rivet-plan-unit-')
  const configPath = writeConfig(dir, configYaml)
  const body: PlanBody = {
    plan_version: PLAN_VERSION, created_at: createdAt.toISOString(), rivet_version: '0.0.0', config_path: configPath, config_sha256: readConfigFile(configPath).sha256,
    source: { type: 'postgres', host: 'db.example', database: 'shop' },
    exports: [
      planned('events', 'chunked', {
        chunks: { column: 'id', column_type: 'bigint', strategy: 'range', parallel: 2, parallel_requested: 4, checkpoint: false, ranges: [{ index: 0, lo: null, hi: '1001', predicate: null }, { index: 1, lo: '1001', hi: null, predicate: null }] },
      }),
      planned('orders', 'incremental', {
        read: { strategy: 'incremental', statement: 'SELECT 1', page_key: null },
        incremental: { cursor_column: 'updated_at', cursor_type: 'timestamptz', cursor: null, tie: 'first-run', predicate: null },
      }),
    ],
  }
  return { dir, configPath, body }
}

export const planPathIn = (dir: string) => join(dir, 'plan.json')
