import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mysqlAvailable } from '../../helpers/db.js'
import { detectMysqlProxy, openMysqlConnection, type MysqlSession } from '../../../src/source/mysql/index.js'
import { mysqlTestParams, rejectionOf } from './helpers.js'

const hasMysql = await mysqlAvailable()

describe.skipIf(!hasMysql)('detectMysqlProxy', () => {
  let session: MysqlSession
  beforeAll(async () => {
    session = await openMysqlConnection(mysqlTestParams())
  })
  afterAll(async () => {
    await session?.close()
  })

  it('finds no proxy in front of the local server', async () => {
    expect(await detectMysqlProxy(session.connection)).toEqual({ kind: null, evidence: null })
  })

  it('reports a dead connection as a RivetError', async () => {
    const dead = await openMysqlConnection(mysqlTestParams())
    await dead.close()
    const err = await rejectionOf(detectMysqlProxy(dead.connection))
    expect(err.code).toBe('RIVET_SOURCE_CONNECTION_LOST')
  })
})
