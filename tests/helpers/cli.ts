import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

/** Absolute path of the CLI launcher (the package's bin entry). */
export const RIVET_BIN = resolve(import.meta.dirname, '../../bin/rivet')

export interface CliResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  /** stdout as bytes, for binary output (a Parquet file piped to stdout). */
  readonly stdoutBytes: Buffer
  readonly stderr: string
}

/** Spawn the built CLI and collect its output. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const child = spawnCli(args, options)
  return collect(child)
}

/** Spawn the built CLI without waiting (for signal tests). */
export function spawnCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ChildProcess {
  return spawn(RIVET_BIN, [...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Wait for a spawned process and collect what it printed. */
export function collect(child: ChildProcess): Promise<CliResult> {
  const out: Buffer[] = []
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => out.push(d))
  child.stderr?.on('data', (d) => (stderr += d))
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      const stdoutBytes = Buffer.concat(out)
      resolvePromise({ code, signal, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr })
    })
  })
}

/** A fresh temp folder for one test. */
export function tempDir(prefix = 'rivet-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** Write a config file into `dir` and return its path. */
export function writeConfig(dir: string, yaml: string, name = 'rivet.yaml'): string {
  const path = join(dir, name)
  writeFileSync(path, yaml)
  return path
}
