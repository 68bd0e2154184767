import { describe, expect, it } from 'vitest'
import { parseRowDescription, parseServerFields, parseTextRow, rowCountOfTag } from '../../../src/source/pg/wire/backend-messages.js'
import { PgServerError } from '../../../src/source/pg/wire/errors.js'
import { binaryQueryMessages, cancelRequestMessage, queryMessage, sslRequestMessage, startupMessage } from '../../../src/source/pg/wire/messages.js'

describe('frontend messages', () => {
  it('encodes a StartupMessage with protocol 3.0 and NUL-separated parameters', () => {
    const msg = startupMessage({ user: 'u', database: 'd' })
    expect(msg.readInt32BE(0)).toBe(msg.length)
    expect(msg.readInt32BE(4)).toBe(196608)
    expect(msg.subarray(8).toString('latin1')).toBe('user\0u\0database\0d\0\0')
  })

  it('encodes SSLRequest and CancelRequest', () => {
    expect(sslRequestMessage()).toEqual(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]))
    const cancel = cancelRequestMessage(1234, -5)
    expect(cancel.readInt32BE(0)).toBe(16)
    expect(cancel.readInt32BE(4)).toBe(80877102)
    expect(cancel.readInt32BE(8)).toBe(1234)
    expect(cancel.readInt32BE(12)).toBe(-5)
  })

  it('encodes a Query with multi-byte text', () => {
    const msg = queryMessage("select 'é'")
    expect(String.fromCharCode(msg[0])).toBe('Q')
    expect(msg.readInt32BE(1)).toBe(msg.length - 1)
    expect(msg.subarray(5).toString('utf8')).toBe("select 'é'\0")
  })

  it('sends Parse, Bind (all results binary), Describe portal, Execute, Sync in one buffer', () => {
    const buf = binaryQueryMessages('fetch 10 from c')
    const types: string[] = []
    const bodies: Buffer[] = []
    for (let p = 0; p < buf.length;) {
      const len = buf.readInt32BE(p + 1)
      types.push(String.fromCharCode(buf[p]))
      bodies.push(buf.subarray(p + 5, p + 1 + len))
      p += 1 + len
    }
    expect(types).toEqual(['P', 'B', 'D', 'E', 'S'])
    expect(bodies[0].toString('latin1')).toBe('\0fetch 10 from c\0\0\0')
    // portal "", statement "", 0 param formats, 0 params, 1 result format = 1 (binary)
    expect([...bodies[1]]).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 0, 1])
    expect(bodies[2].toString('latin1')).toBe('P\0')
    expect([...bodies[3]]).toEqual([0, 0, 0, 0, 0])
    expect(bodies[4]).toHaveLength(0)
  })
})

describe('backend messages', () => {
  it('parses every ErrorResponse field and prefers the non-localized severity', () => {
    const body = Buffer.from('SFEHLER\0VERROR\0C42P01\0Mrelation "x" does not exist\0Dsome detail\0Hsome hint\0P15\0Wctx\0spublic\0tx\0ccol\0ncon\0Rparser\0\0')
    const fields = parseServerFields(body, 0, body.length)
    expect(fields).toMatchObject({
      severity: 'ERROR', code: '42P01', message: 'relation "x" does not exist', detail: 'some detail', hint: 'some hint',
      position: '15', where: 'ctx', schema: 'public', table: 'x', column: 'col', constraint: 'con', routine: 'parser',
    })
    const err = new PgServerError(fields)
    expect(err.message).toBe('relation "x" does not exist')
    expect(Object.keys(err)).not.toContain('dataType')
  })

  it('parses a RowDescription', () => {
    const b = Buffer.alloc(2 + 2 + 18)
    b.writeInt16BE(1, 0)
    b.write('g\0', 2)
    b.writeUInt32BE(16384, 4)
    b.writeInt16BE(2, 8)
    b.writeUInt32BE(20, 10)
    b.writeInt16BE(8, 14)
    b.writeInt32BE(-1, 16)
    b.writeInt16BE(1, 20)
    expect(parseRowDescription(b, 0, b.length)).toEqual([{ name: 'g', tableOid: 16384, columnAttr: 2, typeOid: 20, typeSize: 8, typmod: -1, format: 1 }])
  })

  it('parses a text DataRow with NULLs', () => {
    const b = Buffer.from([0, 3, 0, 0, 0, 1, 0x61, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])
    expect(parseTextRow(b, 0, b.length)).toEqual(['a', null, ''])
  })

  it('reads the row count of a command tag', () => {
    expect(rowCountOfTag('COPY 42')).toBe(42)
    expect(rowCountOfTag('INSERT 0 3')).toBe(3)
    expect(rowCountOfTag('BEGIN')).toBe(0)
  })
})
