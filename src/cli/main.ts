import { main } from './index.js'

/**
 * Exit with `code` once everything written to stdout and stderr has reached the other end. Writes
 * to a pipe are asynchronous once the pipe is full (a slow reader such as `| jq` over a large
 * report): exiting at once would cut the output at the pipe's buffer size.
 */
function exitWhenFlushed(code: number): void {
  process.exitCode = code
  let pending = 2
  for (const stream of [process.stdout, process.stderr]) {
    let flushed = false
    const done = () => {
      if (flushed) return
      flushed = true
      if (--pending === 0) process.exit(code)
    }
    // a reader that went away (EPIPE) cannot be flushed to
    stream.once('error', done)
    stream.write('', done)
  }
}

/** The `rivet` executable: run the CLI and exit with the command's code. */
main(process.argv.slice(2)).then(exitWhenFlushed, (err: unknown) => {
  process.stderr.write(`[RIVET_INTERNAL] ${err instanceof Error ? err.message : String(err)}\n  hint: this is a bug in rivet; please report it\n`)
  exitWhenFlushed(1)
})
