import { statSync } from 'node:fs'
import { join } from 'node:path'
import type { Tool, ToolContext } from './types.js'

function psqlArgs(ctx: ToolContext, command: string): string[] {
  // -X: no ~/.psqlrc; ON_ERROR_STOP makes a failed COPY a non-zero exit.
  return ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', ctx.pgUrl, '-c', command]
}

/** `\copy (select * from T) to 'f.csv' csv`: the everyday CSV export. */
export const PSQL_CSV: Tool = {
  name: 'psql_csv',
  description: `psql -c "\\copy (select * from T) to 'f.csv' csv" (uncompressed CSV file)`,
  skipReason: () => null,
  command: (ctx) => ({
    cmd: 'psql',
    args: psqlArgs(ctx, `\\copy (select * from ${ctx.fixture.table}) to '${join(ctx.workDir, 'out.csv')}' csv`),
    env: { PGAPPNAME: ctx.appTag },
    appTag: ctx.appTag,
  }),
  collect: (ctx) => ({ outputBytes: statSync(join(ctx.workDir, 'out.csv')).size, rows: null }),
}

/** `copy ... to stdout (format binary) > /dev/null`: the server's send rate, the ceiling. */
export const PSQL_BINARY_DEVNULL: Tool = {
  name: 'psql_binary_devnull',
  description: 'psql -c "copy (select * from T) to stdout (format binary)" > /dev/null (ceiling: no decoding, no file)',
  skipReason: () => null,
  command: (ctx) => ({
    cmd: 'psql',
    args: psqlArgs(ctx, `copy (select * from ${ctx.fixture.table}) to stdout (format binary)`),
    env: { PGAPPNAME: ctx.appTag },
    stdout: { file: '/dev/null' },
    appTag: ctx.appTag,
  }),
  collect: () => ({ outputBytes: null, rows: null }),
}
