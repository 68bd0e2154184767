import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { StatementUsage } from './statement-monitor.js'
import { TreeMonitor } from './tree-monitor.js'

/** Watches the server while a command runs: PostgreSQL (StatementMonitor) or MySQL (MysqlStatementMonitor). */
export interface ServerMonitor {
  watch(tag: string): { stop: () => Promise<StatementUsage> }
}

/** A command to run under measurement. */
export interface CommandSpec {
  cmd: string
  args: string[]
  env?: Record<string, string>
  cwd?: string
  /** Where the child's stdout goes: captured (default), a file path, or '/dev/null'. */
  stdout?: 'capture' | { file: string }
  /** application_name prefix its backends use, for the server-side statement monitor. */
  appTag: string
}

/** What one measured command did. */
export interface Measurement {
  exitCode: number | null
  wallS: number
  cpuS: number
  cpuSource: 'gnu-time' | 'proc-poll'
  peakRssBytes: number
  killedForRss: boolean
  stdout: string
  stderrTail: string
  statements: StatementUsage
}

let gnuTime: boolean | undefined

/** Whether `/usr/bin/time -f ... -o file` works (GNU time); a fresh machine may lack it. */
export function hasGnuTime(): boolean {
  if (gnuTime === undefined) {
    gnuTime = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%U', '-o', '/dev/null', 'true']).status === 0
  }
  return gnuTime
}

/**
 * Run a command, polling the RSS of its process tree and the server's view of its statements.
 * Under GNU time, CPU is the exact user+sys of the whole tree (rusage of reaped descendants);
 * otherwise the sum of /proc utime+stime at the last 20 ms sample of each process.
 */
export async function spawnMeasured(spec: CommandSpec, monitor: ServerMonitor, rssLimitBytes: number): Promise<Measurement> {
  const timeDir = mkdtempSync(join(tmpdir(), 'rivet-bench-time-'))
  const timeFile = join(timeDir, 'time.txt')
  const wrapped = hasGnuTime()
  const [cmd, args] = wrapped ? ['/usr/bin/time', ['-f', '%e %U %S', '-o', timeFile, spec.cmd, ...spec.args]] : [spec.cmd, spec.args]
  const outFd = spec.stdout && spec.stdout !== 'capture' ? openSync(spec.stdout.file, 'w') : null
  const watch = monitor.watch(spec.appTag)
  let tree: TreeMonitor | null = null
  try {
    const t0 = performance.now()
    const child = spawn(cmd, args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', outFd ?? 'pipe', 'pipe'],
    })
    tree = new TreeMonitor(child.pid ?? -1, { rssLimitBytes, excludeRoot: wrapped })
    tree.start()
    const { exitCode, stdout, stderr } = await waitForExit(child)
    const wallS = (performance.now() - t0) / 1000
    const usage = tree.stop()
    const statements = await watch.stop()
    const timed = wrapped ? readTime(timeFile) : null
    return {
      exitCode,
      wallS,
      cpuS: timed ?? usage.cpuS,
      cpuSource: timed !== null ? 'gnu-time' : 'proc-poll',
      peakRssBytes: usage.peakRssBytes,
      killedForRss: usage.killedForRss,
      stdout,
      stderrTail: stderr,
      statements,
    }
  } finally {
    tree?.stop() // idempotent; stops the sampling timer when the spawn itself failed
    await watch.stop()
    if (outFd !== null) closeSync(outFd)
    rmSync(timeDir, { recursive: true, force: true })
  }
}

/** Wait for the child to close, keeping its stdout (when piped) and the tail of its stderr. */
function waitForExit(child: ChildProcess): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }))
  })
}

/** user+sys from the GNU time output file (its last line; earlier lines may be a signal notice). */
function readTime(file: string): number | null {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    const [, user, sys] = lines[lines.length - 1]!.split(' ').map(Number)
    return Number.isFinite(user) && Number.isFinite(sys) ? user! + sys! : null
  } catch {
    return null
  }
}
