/**
 * Create (or reuse) the benchmark tables without measuring anything.
 *
 *   node dist/bench/prepare.js [--quick] [--only mixed_1m,narrow_10m]
 */
import { parseArgs } from 'node:util'
import { ensureFixtureTable } from './fixtures/index.js'
import { BENCH_PG_URL, selectFixtures } from './lib/select-fixtures.js'

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } })
for (const f of selectFixtures(values.quick ?? false, values.only)) {
  const r = await ensureFixtureTable(BENCH_PG_URL, f.table, f.rows, f.recipe)
  process.stderr.write(`${f.id}: ${r.reused ? 'reused' : `generated in ${r.seconds.toFixed(1)} s`}\n`)
}
