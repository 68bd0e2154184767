import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ChildSpec } from './backends.js'

const SCRIPT = fileURLToPath(new URL('./child-store.mjs', import.meta.url))
const BUILT_STATE = fileURLToPath(new URL('../../../dist/src/state/index.js', import.meta.url))

/** One line a child printed. */
export interface ChildMessage {
  readonly step: 'ready' | 'held' | 'done' | 'error'
  readonly [key: string]: unknown
}

/** What a child is asked to do (see child-store.mjs). */
export interface ChildTask {
  readonly spec: ChildSpec
  readonly action: 'lifecycle' | 'hold'
  readonly exportName: string
  readonly runId: string
  readonly chunks?: number
  readonly hostname?: string
}

/** A child process using the state through the built store. */
export class StateChild {
  readonly process: ChildProcess
  private readonly messages: ChildMessage[] = []
  private readonly waiters: (() => void)[] = []
  private stderr = ''
  private exited = false

  constructor(task: ChildTask) {
    if (!existsSync(BUILT_STATE)) throw new Error(`${BUILT_STATE} is missing: run \`npm run build\` first`)
    this.process = spawn(process.execPath, [SCRIPT, JSON.stringify(task)], { stdio: ['pipe', 'pipe', 'pipe'] })
    let buffered = ''
    this.process.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        this.messages.push(JSON.parse(buffered.slice(0, nl)) as ChildMessage)
        buffered = buffered.slice(nl + 1)
        this.wake()
      }
    })
    this.process.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString()
    })
    this.process.once('exit', () => {
      this.exited = true
      this.wake()
    })
  }

  /** The first message of one of these steps; fails when the child exits without printing one. */
  async next(...steps: ChildMessage['step'][]): Promise<ChildMessage> {
    for (;;) {
      const found = this.messages.find((m) => steps.includes(m.step))
      if (found) return found
      if (this.exited) throw new Error(`child exited without ${steps.join('/')}: ${JSON.stringify(this.messages)} ${this.stderr}`)
      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
  }

  /** Let a 'lifecycle' child start. */
  go(): void {
    this.process.stdin!.write('go\n')
  }

  /** Kill the child outright (no cleanup runs) and wait until it is gone. */
  async kill(): Promise<void> {
    if (!this.exited) {
      const gone = new Promise<void>((resolve) => this.process.once('exit', () => resolve()))
      this.process.kill('SIGKILL')
      await gone
    }
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter()
  }
}
