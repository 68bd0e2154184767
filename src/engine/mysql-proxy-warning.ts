import type { Connection } from 'mysql2/promise'
import type { ResolvedExport } from '../config/index.js'
import { detectMysqlProxy } from '../source/mysql/index.js'

/** Warn when the MySQL source sits behind a proxy that may spread one read over several backends. */
export async function warnIfMysqlProxy(conn: Connection, exp: ResolvedExport, log: (line: string) => void): Promise<void> {
  const proxy = await detectMysqlProxy(conn)
  if (proxy.kind === null) return
  const what = proxy.kind === 'multiplexer' ? 'a statement multiplexer' : proxy.kind === 'proxysql' ? 'ProxySQL' : 'MaxScale'
  log(
    `export ${exp.name}: warning: the source looks like ${what} (${proxy.evidence}); ` +
      'a consistent snapshot needs every statement of a read on one backend connection — connect to the server directly if you can',
  )
}
