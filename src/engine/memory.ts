/** Samples the resident set size of the whole process (all worker threads included). */
export class RssSampler {
  private peak = process.memoryUsage.rss()
  private readonly timer: NodeJS.Timeout

  constructor(intervalMs = 50) {
    this.timer = setInterval(() => this.sample(), intervalMs)
    this.timer.unref()
  }

  sample(): number {
    const rss = process.memoryUsage.rss()
    if (rss > this.peak) this.peak = rss
    return rss
  }

  get peakBytes(): number {
    this.sample()
    return this.peak
  }

  stop(): number {
    clearInterval(this.timer)
    return this.peakBytes
  }
}
