import { parseConnectionUrl } from '../../../src/config/index.js'
import type { SourceConnectParams } from '../../../src/plan/export-plan.js'
import { MYSQL_URL } from '../../helpers/db.js'

/** Connect parameters of the test server (from RIVET_TEST_MYSQL_URL), TLS off unless overridden. */
export function mysqlTestParams(overrides: Partial<SourceConnectParams> = {}): SourceConnectParams {
  const url = parseConnectionUrl(MYSQL_URL)
  if ('error' in url) throw new Error(`RIVET_TEST_MYSQL_URL ${url.error}`)
  return {
    host: url.host,
    port: url.port,
    user: url.user,
    password: url.password,
    database: url.database,
    applicationName: 'rivet-test',
    tls: { mode: 'disable' },
    connectTimeoutMs: 5_000,
    ...overrides,
  }
}

/** Run SQL against the test server on a plain mysql2 connection of its own (not the code under test). */
export { withMysql } from '../../helpers/db.js'

/** Await a promise that must reject, and return what it rejected with. */
export async function rejectionOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise
  } catch (err) {
    return err
  }
  throw new Error('expected the promise to reject')
}
