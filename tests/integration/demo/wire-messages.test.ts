import { describe, expect, it } from 'vitest'
import { errorResponse, isCancelRequest, readStartupParams, startupSettings } from '../../../src/demo/wire-messages.js'
import { errorFields, startupPacket } from './raw-wire-client.js'

describe('demo server wire messages', () => {
  it('reads the parameters of a startup packet', () => {
    const params = readStartupParams(startupPacket({ user: 'postgres', database: 'postgres', TimeZone: 'UTC', application_name: 'rivet' }))
    expect([...params]).toEqual([['user', 'postgres'], ['database', 'postgres'], ['TimeZone', 'UTC'], ['application_name', 'rivet']])
  })

  it('turns startup parameters and options into settings, leaving out user, database and protocol options', () => {
    const params = new Map([
      ['user', 'postgres'],
      ['database', 'postgres'],
      ['_pq_.protocol_managed_option', 'x'],
      ['DateStyle', 'ISO, MDY'],
      ['options', '-c TimeZone=UTC  -cstatement_timeout=5s --extra-float-digits=3 ignored'],
    ])
    expect(startupSettings(params)).toEqual([
      ['DateStyle', 'ISO, MDY'],
      ['TimeZone', 'UTC'],
      ['statement_timeout', '5s'],
      ['extra_float_digits', '3'],
    ])
  })

  it('builds an ErrorResponse with severity, SQLSTATE and message', () => {
    const msg = errorResponse('FATAL', '53300', 'too many connections')
    expect(String.fromCharCode(msg[0])).toBe('E')
    expect(msg.readInt32BE(1)).toBe(msg.length - 1)
    expect(errorFields(msg.subarray(5))).toMatchObject({ S: 'FATAL', C: '53300', M: 'too many connections' })
  })

  it('recognises a CancelRequest and nothing else', () => {
    const cancel = Buffer.alloc(16)
    cancel.writeInt32BE(16, 0)
    cancel.writeInt32BE(80877102, 4)
    expect(isCancelRequest(cancel)).toBe(true)
    expect(isCancelRequest(startupPacket({ user: 'postgres' }))).toBe(false)
    expect(isCancelRequest(cancel.subarray(0, 6))).toBe(false)
  })
})
