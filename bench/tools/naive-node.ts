import { join, resolve } from 'node:path'
import type { Measurement } from '../lib/spawn-measured.js'
import type { FixtureFacts, Tool, ToolContext } from './types.js'

const SCRIPT = resolve(import.meta.dirname, '../baselines/naive-node.js')
/** Above this decoded size the in-memory script is not run: it would need several times that in RSS. */
export const NAIVE_MAX_DECODED_BYTES = 2 * 1024 ** 3

/** The hand-written pg → apache-arrow → parquet-wasm script (bench/baselines/naive-node.ts). */
export const NAIVE_NODE: Tool = {
  name: 'naive_node',
  description: 'hand-written pg → apache-arrow builders → parquet-wasm zstd script, whole table in memory',
  skipReason: (facts: FixtureFacts) =>
    facts.estimatedDecodedBytes > NAIVE_MAX_DECODED_BYTES
      ? `estimated ${(facts.estimatedDecodedBytes / 1024 ** 3).toFixed(1)} GB decoded (≥ its CSV size) > 2 GB: the script buffers the whole table`
      : null,
  command: (ctx: ToolContext) => ({
    cmd: process.execPath,
    // The default old-space limit (~4 GB on this box) would abort mid-way on the bigger tables.
    args: ['--max-old-space-size=8192', SCRIPT, '--url', ctx.pgUrl, '--table', ctx.fixture.table, '--out', join(ctx.workDir, 'out.parquet'), '--app', ctx.appTag],
    appTag: ctx.appTag,
  }),
  collect: (_ctx: ToolContext, m: Measurement) => {
    const r = JSON.parse(m.stdout.trim().split('\n').pop()!) as { rows: number; bytes: number }
    return { outputBytes: r.bytes, rows: r.rows }
  },
}
