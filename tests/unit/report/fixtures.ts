import type { RunSummary } from '../../../src/engine/run-summary.js'

/** A run that completed with nothing to report beyond its figures. */
export const cleanRun: RunSummary = {
  exportName: 'orders',
  runId: '20261124T215312Z-4f2a',
  status: 'completed',
  mode: 'full',
  startedAt: '2026-11-24T21:53:12.000Z',
  finishedAt: '2026-11-24T21:53:14.500Z',
  durationMs: 2500,
  rows: 120_000,
  files: 3,
  bytes: 4_500_000,
  rowsPerSec: 48_000,
  peakRssBytes: 180_000_000,
  retries: 0,
  warnings: [],
  schemaDrift: null,
  schemaDriftPolicy: 'warn',
  shapeGrowth: [],
  quality: [],
  error: null,
}

/** A run that failed before publishing anything. */
export const failedRun: RunSummary = {
  ...cleanRun,
  exportName: 'missing',
  runId: '20261124T215400Z-0b1c',
  status: 'failed',
  finishedAt: '2026-11-24T21:54:00.120Z',
  durationMs: 120,
  rows: 0,
  files: 0,
  bytes: 0,
  rowsPerSec: null,
  peakRssBytes: 90_000_000,
  error: { code: 'RIVET_SOURCE_NOT_FOUND', message: 'relation "public.nope" does not exist' },
}

/** Columns added, removed and retyped since the baseline run. */
export const driftRun: RunSummary = {
  ...cleanRun,
  schemaDriftPolicy: 'warn',
  warnings: ['the columns changed since run 20261123T080000Z-aaaa: 1 added, 1 removed, 1 retyped'],
  schemaDrift: {
    baselineRunId: '20261123T080000Z-aaaa',
    added: [{ name: 'note', type: 'utf8', sourceType: 'text' }],
    removed: [{ name: 'legacy_flag', type: 'bool', sourceType: 'boolean' }],
    retyped: [{ name: 'amount', from: { type: 'decimal(10,2)', sourceType: 'numeric(10,2)' }, to: { type: 'decimal(12,2)', sourceType: 'numeric(12,2)' } }],
  },
}

/** Largest values that grew past the warning factor. */
export const shapeRun: RunSummary = {
  ...cleanRun,
  shapeGrowth: [
    { column: 'payload', previousMaxBytes: 1_200, maxBytes: 48_000, factor: 40, baselineRunId: '20261123T080000Z-aaaa' },
    { column: 'comment', previousMaxBytes: 300, maxBytes: 1_500, factor: 5, baselineRunId: '20261123T080000Z-aaaa' },
  ],
}

/** Quality checks, one of each outcome; a failed check fails the run. */
export const qualityRun: RunSummary = {
  ...cleanRun,
  status: 'failed',
  error: { code: 'RIVET_QUALITY_FAILED', message: '1 quality check failed: null_ratio_max(email)' },
  quality: [
    { check: 'row_count_min', status: 'passed', expected: 1000, actual: 120_000, message: '120,000 rows, at least 1,000 expected' },
    { check: 'null_ratio_max', columns: ['email'], status: 'failed', expected: 0.01, actual: 0.25, message: '25% of email is NULL, at most 1% allowed' },
    { check: 'unique_columns', columns: ['tenant_id', 'order_no'], status: 'skipped', expected: 'unique', actual: 0, message: 'stopped after 1,000,000 distinct keys (unique_max_entries)' },
  ],
}

/** Every quality check passed. */
export const qualityPassedRun: RunSummary = {
  ...cleanRun,
  quality: [
    { check: 'row_count_min', status: 'passed', expected: 1000, actual: 120_000, message: '120,000 rows, at least 1,000 expected' },
    { check: 'unique_columns', columns: ['id'], status: 'passed', expected: 'unique', actual: 0, message: 'no duplicate id' },
  ],
}

/** Many warnings and retries. */
export const noisyRun: RunSummary = {
  ...cleanRun,
  retries: 2,
  warnings: Array.from({ length: 7 }, (_, i) => `warning number ${i + 1}`),
}
