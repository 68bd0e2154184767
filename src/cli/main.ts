import { main } from './index.js'

/** The `rivet` executable: run the CLI and exit with the command's code. */
main(process.argv.slice(2)).then(
  (code) => {
    // stdout/stderr are synchronous for files and pipes on POSIX, so nothing printed is lost
    process.exit(code)
  },
  (err: unknown) => {
    process.stderr.write(`[RIVET_INTERNAL] ${err instanceof Error ? err.message : String(err)}\n  hint: this is a bug in rivet; please report it\n`)
    process.exit(1)
  },
)
