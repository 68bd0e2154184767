import { PG_URL } from '../../helpers/db.js'
import { PgWireConnection, parsePgUrl, type PgConnectParams } from '../../../src/source/pg/wire/index.js'

/** Connect parameters of the test server, through the URL parser under test. */
export function testParams(overrides: Partial<PgConnectParams> = {}): PgConnectParams {
  return { ...parsePgUrl(PG_URL), ...overrides }
}

/** Open a connection to the test server. */
export function connectTest(overrides: Partial<PgConnectParams> = {}): Promise<PgWireConnection> {
  return PgWireConnection.connect(testParams(overrides))
}

/** Await a promise that must reject, and return what it rejected with. */
export async function rejectionOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise
  } catch (err) {
    return err
  }
  throw new Error('expected the promise to reject')
}

export const PGCOPY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1')

/** Count the tuples of a complete binary COPY stream and return the int8 value of each tuple's first field. */
export function readBinaryCopy(data: Buffer): bigint[] {
  if (!data.subarray(0, 11).equals(PGCOPY_SIGNATURE)) throw new Error('missing PGCOPY signature')
  let p = 11 + 4
  p += 4 + data.readInt32BE(p) // header extension
  const firsts: bigint[] = []
  for (;;) {
    const fields = data.readInt16BE(p)
    p += 2
    if (fields === -1) break
    for (let f = 0; f < fields; f++) {
      const len = data.readInt32BE(p)
      p += 4
      if (f === 0) firsts.push(data.readBigInt64BE(p))
      if (len > 0) p += len
    }
  }
  if (p !== data.length) throw new Error(`trailing bytes after the COPY trailer: ${data.length - p}`)
  return firsts
}
