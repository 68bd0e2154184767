import { describe, expect, it } from 'vitest'
import { toRunMetrics } from '../../../src/state/index.js'
import type { RunRecord } from '../../../src/state/index.js'

const run = (stats: unknown): RunRecord => ({
  runId: 'r1', exportName: 'orders', status: 'completed', startedAt: new Date(0), finishedAt: new Date(2000), rows: 1000, bytes: 2048, filesCount: 1,
  durationMs: 2000, peakRssBytes: 1024 * 1024, errorCode: null, errorMessage: null, pid: 1, hostname: 'h', rivetVersion: '0', configPath: '/c',
  format: 'csv', compression: 'none', mode: 'full', stats, planHash: null, schema: null, shape: null,
})

describe('toRunMetrics: retries, drift and quality from the run statistics', () => {
  it('reads the counts a run recorded', () => {
    const m = toRunMetrics(run({ retries: 2, schemaDrift: { added: 1, removed: 0, retyped: 2 }, quality: { passed: 3, failed: 1, skipped: 0 } }))
    expect(m).toMatchObject({ retries: 2, schemaChanges: 3, qualityFailed: 1, rowsPerSec: 500 })
  })

  it('is null for what a run did not record (older runs, no drift, no quality checks)', () => {
    expect(toRunMetrics(run({ retries: 0 }))).toMatchObject({ retries: 0, schemaChanges: null, qualityFailed: null })
    expect(toRunMetrics(run(null))).toMatchObject({ retries: null, schemaChanges: null, qualityFailed: null })
  })
})
