import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { FixtureSpec } from '../fixtures/index.js'
import type { FixtureFacts, Tool } from '../tools/index.js'
import { spawnMeasured, type Measurement } from './spawn-measured.js'
import type { StatementMonitor } from './statement-monitor.js'
import type { Sample } from './types.js'

/** Shared settings of a measuring session. */
export interface RunEnv {
  pgUrl: string
  /** Parent of the per-invocation output directories. */
  workRoot: string
  monitor: StatementMonitor
  rssLimitBytes: number
}

let invocation = 0

/** Run `tool` once on `fixture` and turn the measurement into a sample (failures included). */
export async function runToolOnce(tool: Tool, fixture: FixtureSpec, facts: FixtureFacts, csvBytes: number, rep: number, env: RunEnv): Promise<Sample> {
  const workDir = mkdtempSync(join(env.workRoot, `${tool.name}-`))
  const appTag = `rb_${process.pid}_${++invocation}_${tool.name}`.slice(0, 60)
  const ctx = { fixture, facts, pgUrl: env.pgUrl, workDir, appTag }
  try {
    let m: Measurement
    try {
      m = await spawnMeasured(await tool.command(ctx), env.monitor, env.rssLimitBytes)
    } catch (err) {
      return failedToStart(tool.name, fixture.id, rep, err)
    }
    const base: Sample = {
      tool: tool.name, fixture: fixture.id, rep, ok: false,
      wallS: m.wallS, rowsPerS: null, mbPerS: null, cpuS: m.cpuS, cpuSource: m.cpuSource, peakRssBytes: m.peakRssBytes,
      outputBytes: null, rows: null,
      maxStatementS: m.statements.maxStatementS, maxXactS: m.statements.maxXactS,
      serverStatements: m.statements.statements, backends: m.statements.backends,
    }
    if (m.killedForRss) return { ...base, error: `killed: process tree RSS exceeded ${(env.rssLimitBytes / 1024 ** 3).toFixed(0)} GiB` }
    if (m.exitCode !== 0) return { ...base, error: `exit ${m.exitCode}: ${lastLines(m.stderrTail || m.stdout)}` }
    try {
      const out = tool.collect(ctx, m)
      if (out.rows !== null && out.rows !== fixture.rows) return { ...base, error: `exported ${out.rows} rows, expected ${fixture.rows}` }
      return {
        ...base, ok: true, outputBytes: out.outputBytes, rows: out.rows,
        rowsPerS: fixture.rows / m.wallS, mbPerS: csvBytes / 1e6 / m.wallS,
        ...(out.rivet ? { rivetMaxStatementMs: out.rivet.maxStatementMs, rivetStatements: out.rivet.statements, rivetPeakRssBytes: out.rivet.processPeakRssBytes } : {}),
      }
    } catch (err) {
      return { ...base, error: `unreadable result: ${(err as Error).message}; ${lastLines(m.stderrTail)}` }
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true })
  }
}

function failedToStart(tool: string, fixture: string, rep: number, err: unknown): Sample {
  return {
    tool, fixture, rep, ok: false, error: `could not start: ${(err as Error).message}`,
    wallS: 0, rowsPerS: null, mbPerS: null, cpuS: 0, cpuSource: 'proc-poll', peakRssBytes: 0, outputBytes: null, rows: null,
    maxStatementS: null, maxXactS: null, serverStatements: 0, backends: 0,
  }
}

/** The first error line (a stack's headline) and the last lines, for the report. */
function lastLines(text: string): string {
  const lines = text.trim().split('\n').filter((l) => l.trim() !== '')
  const headline = lines.find((l) => /\b(\w*Error|error|FATAL|ERROR)\b/.test(l) && !/^\s+at /.test(l))
  const tail = lines.filter((l) => !/^\s+at /.test(l)).slice(-2)
  return [...new Set([headline, ...tail].filter(Boolean))].join(' | ').slice(0, 400)
}
