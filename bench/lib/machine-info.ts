import { execFileSync } from 'node:child_process'
import { availableParallelism, cpus, release, totalmem } from 'node:os'
import pg from 'pg'
import { hasGnuTime } from './spawn-measured.js'

/** The machine a result was measured on. */
export interface MachineInfo {
  nproc: number
  cpuModel: string
  memoryGiB: number
  kernel: string
  node: string
  postgres: string
  psql: string
  cpuMeasurement: string
  gitCommit: string | null
}

function tryExec(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

/** Collect machine, runtime and server versions. */
export async function machineInfo(url: string): Promise<MachineInfo> {
  const client = new pg.Client({ connectionString: url, application_name: 'rivet_bench_info' })
  await client.connect()
  const server = (await client.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v
  const shared = (await client.query<{ v: string }>("select current_setting('shared_buffers') as v")).rows[0]!.v
  await client.end()
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    kernel: release(),
    node: process.version,
    postgres: `${server} (shared_buffers ${shared}, same host, 127.0.0.1)`,
    psql: tryExec('psql', ['--version']) ?? 'unknown',
    cpuMeasurement: hasGnuTime() ? 'GNU time (rusage of the whole tree)' : '/proc utime+stime polled every 20 ms',
    gitCommit: tryExec('git', ['rev-parse', '--short', 'HEAD']),
  }
}
