/**
 * Runs every building-block benchmark in its own process and rewrites the results table of
 * native-bench/README.md (between the results markers) and native-bench/results.json.
 *
 *   npm run build && node dist/native-bench/run-all.js [--runs 5] [--only compression,hashing]
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { fmt, type BenchResult } from './lib/harness.js'

const BENCHES = ['compression', 'hashing', 'arrow-build', 'parquet-options', 'ipc', 'worker-transfer']
const SRC_DIR = resolve(import.meta.dirname, '../../native-bench')
const START = '<!-- results:start -->'
const END = '<!-- results:end -->'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, only: { type: 'string' } } })
const selected = values.only ? values.only.split(',').map((s) => s.trim()) : BENCHES
const results: (BenchResult & { script: string })[] = []
const load0 = loadavg()[0]!
const t0 = performance.now()
for (const name of selected) {
  if (!BENCHES.includes(name)) throw new Error(`unknown benchmark "${name}"; known: ${BENCHES.join(', ')}`)
  process.stderr.write(`== ${name}\n`)
  const r = spawnSync(process.execPath, [join(import.meta.dirname, `${name}.js`), '--runs', values.runs!], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 })
  if (r.status !== 0) throw new Error(`${name} exited ${r.status}`)
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('RESULT ')) results.push({ ...(JSON.parse(line.slice(7)) as BenchResult), script: `native-bench/${name}.ts` })
  }
}
const totalS = (performance.now() - t0) / 1000
const machine = `${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 1024 ** 3).toFixed(1)} GiB, Node ${process.version}; load average ${load0.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end; ${totalS.toFixed(0)} s total`
const date = new Date().toISOString()
writeFileSync(join(SRC_DIR, 'results.json'), `${JSON.stringify({ date, machine, runs: Number(values.runs), results }, null, 2)}\n`)

const table = [
  START,
  `Measured ${date} — median of ${values.runs} runs each (after one warm-up) — ${machine}.`,
  '',
  '| benchmark | case | median | unit | note | script |',
  '|---|---|---:|---|---|---|',
  ...results.map((r) => `| ${r.bench} | ${r.case} | ${fmt(r.value)} | ${r.unit} | ${r.note ?? ''} | \`${r.script}\` |`),
  END,
].join('\n')
const readmePath = join(SRC_DIR, 'README.md')
const readme = readFileSync(readmePath, 'utf8')
const a = readme.indexOf(START)
const b = readme.indexOf(END)
if (a < 0 || b < a) throw new Error(`README.md lacks the ${START} / ${END} markers`)
writeFileSync(readmePath, readme.slice(0, a) + table + readme.slice(b + END.length))
process.stderr.write(`rewrote native-bench/README.md and native-bench/results.json (${results.length} results, ${totalS.toFixed(0)} s)\n`)
