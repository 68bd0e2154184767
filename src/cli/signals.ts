/**
 * Run `fn` with an AbortSignal that fires on the first SIGINT/SIGTERM, so the engine can stop
 * cleanly (temp files removed, run recorded as interrupted). A second signal exits at once.
 */
export async function withInterruptSignal<T>(fn: (signal: AbortSignal) => Promise<T>, say: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<T> {
  const controller = new AbortController()
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130)
    say(`received ${name}: stopping (press Ctrl-C again to exit at once)`)
    controller.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    return await fn(controller.signal)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
