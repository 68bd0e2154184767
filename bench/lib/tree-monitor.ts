import { descendantsOf, sampleProcess } from './proc-tree.js'

/** What the monitor saw of one process tree. */
export interface TreeUsage {
  /** max over samples of the summed VmRSS of the tree, or the largest single VmHWM if higher. */
  peakRssBytes: number
  /** utime+stime summed over every process seen, at its last sample (misses ≤ one interval per process). */
  cpuS: number
  samples: number
  /** Set when the tree was killed for exceeding the RSS limit. */
  killedForRss: boolean
}

/** Options of {@link TreeMonitor}. */
export interface TreeMonitorOptions {
  /** RSS sampling period; the brief's 20 ms. */
  intervalMs?: number
  /** How often /proc is rescanned for new descendants (a full scan costs more than a sample). */
  rescanMs?: number
  /** Kill the tree (SIGKILL) when its summed RSS exceeds this, so a runaway baseline cannot OOM the host. */
  rssLimitBytes?: number
  /** Pids that belong to the harness (e.g. the GNU time wrapper): walked through but not counted. */
  excludeRoot?: boolean
}

/**
 * Polls VmRSS/VmHWM/CPU of a process and all its descendants until stopped.
 * Peak RSS is the peak of the *sum* over the tree at sampling instants (20 ms resolution),
 * raised to the largest per-process VmHWM (exact for single-process tools).
 */
export class TreeMonitor {
  private readonly seen = new Map<number, { cpuS: number; hwm: number }>()
  private readonly known = new Set<number>()
  private peakSum = 0
  private samples = 0
  private killed = false
  private lastScan = 0
  private timer: NodeJS.Timeout | null = null
  private readonly opts: Required<TreeMonitorOptions>

  constructor(
    private readonly root: number,
    options: TreeMonitorOptions = {},
  ) {
    this.opts = { intervalMs: 20, rescanMs: 100, rssLimitBytes: Number.POSITIVE_INFINITY, excludeRoot: false, ...options }
    if (!this.opts.excludeRoot) this.known.add(root)
  }

  /** Begin sampling immediately, then every interval. */
  start(): void {
    this.tick()
    this.timer = setInterval(() => this.tick(), this.opts.intervalMs)
  }

  /** Stop sampling and return the totals. */
  stop(): TreeUsage {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    let cpuS = 0
    let maxHwm = 0
    for (const p of this.seen.values()) {
      cpuS += p.cpuS
      maxHwm = Math.max(maxHwm, p.hwm)
    }
    return { peakRssBytes: Math.max(this.peakSum, maxHwm), cpuS, samples: this.samples, killedForRss: this.killed }
  }

  private tick(): void {
    const now = performance.now()
    if (now - this.lastScan >= this.opts.rescanMs) {
      this.lastScan = now
      for (const pid of descendantsOf(this.root)) this.known.add(pid)
    }
    let sum = 0
    for (const pid of this.known) {
      const s = sampleProcess(pid)
      if (!s) {
        this.known.delete(pid)
        continue
      }
      sum += s.rssBytes
      this.seen.set(pid, { cpuS: s.cpuS, hwm: s.hwmBytes })
    }
    this.samples++
    this.peakSum = Math.max(this.peakSum, sum)
    if (sum > this.opts.rssLimitBytes && !this.killed) this.killTree()
  }

  private killTree(): void {
    this.killed = true
    for (const pid of [this.root, ...this.known]) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  }
}
