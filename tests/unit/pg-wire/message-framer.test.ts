import { describe, expect, it } from 'vitest'
import { PgProtocolError } from '../../../src/source/pg/wire/errors.js'
import { MessageFramer } from '../../../src/source/pg/wire/message-framer.js'

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5)
  head[0] = type.charCodeAt(0)
  head.writeInt32BE(body.length + 4, 1)
  return Buffer.concat([head, body])
}

interface Seen { type: string; body: string }

function collector(): { framer: MessageFramer; seen: Seen[] } {
  const seen: Seen[] = []
  const framer = new MessageFramer((type, buf, offset, length) => {
    seen.push({ type: String.fromCharCode(type), body: buf.toString('latin1', offset, offset + length) })
  })
  return { framer, seen }
}

const stream = Buffer.concat([
  message('D', Buffer.from('first')),
  message('d', Buffer.alloc(0)),
  message('C', Buffer.from('SELECT 2\0')),
  message('Z', Buffer.from('I')),
])
const expected: Seen[] = [
  { type: 'D', body: 'first' },
  { type: 'd', body: '' },
  { type: 'C', body: 'SELECT 2\0' },
  { type: 'Z', body: 'I' },
]

describe('MessageFramer', () => {
  it('frames messages split at every possible byte position', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const { framer, seen } = collector()
      framer.push(stream.subarray(0, cut))
      framer.push(stream.subarray(cut))
      expect(seen, `cut at ${cut}`).toEqual(expected)
      expect(framer.pending).toBe(0)
    }
  })

  it('frames a stream fed one byte at a time', () => {
    const { framer, seen } = collector()
    for (let i = 0; i < stream.length; i++) framer.push(stream.subarray(i, i + 1))
    expect(seen).toEqual(expected)
  })

  it('assembles a message spanning many chunks, with small messages around it', () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 7)
    for (let i = 0; i < big.length; i++) big[i] = i % 251
    const all = Buffer.concat([message('D', Buffer.from('a')), message('D', big), message('D', Buffer.from('b'))])
    const bodies: Buffer[] = []
    const framer = new MessageFramer((_t, buf, off, len) => bodies.push(Buffer.from(buf.subarray(off, off + len))))
    for (let p = 0; p < all.length; p += 65_536) framer.push(all.subarray(p, p + 65_536))
    expect(bodies).toHaveLength(3)
    expect(bodies[0].toString()).toBe('a')
    expect(bodies[1].equals(big)).toBe(true)
    expect(bodies[2].toString()).toBe('b')
  })

  it('hands out views into the chunk when a chunk holds whole messages (no copy)', () => {
    const chunk = Buffer.concat([message('D', Buffer.from('xy')), message('D', Buffer.from('z'))])
    const buffers: Buffer[] = []
    const framer = new MessageFramer((_t, buf) => buffers.push(buf))
    framer.push(chunk)
    expect(buffers).toEqual([chunk, chunk])
    expect(buffers[0]).toBe(chunk)
  })

  it('stops dispatching while paused and delivers the rest on resume, in order', () => {
    const seen: string[] = []
    const framer = new MessageFramer((_t, buf, off, len) => {
      const body = buf.toString('latin1', off, off + len)
      seen.push(body)
      if (body === '2') framer.pause()
    })
    const bodies = ['1', '2', '3', '4']
    const all = Buffer.concat(bodies.map((b) => message('D', Buffer.from(b))))
    framer.push(all.subarray(0, 10))
    framer.push(all.subarray(10))
    expect(seen).toEqual(['1', '2'])
    expect(framer.isPaused).toBe(true)
    framer.push(message('D', Buffer.from('5'))) // arrives while paused: kept
    expect(seen).toEqual(['1', '2'])
    framer.resume()
    expect(seen).toEqual(['1', '2', '3', '4', '5'])
    expect(framer.pending).toBe(0)
  })

  it('treats resume() inside a handler as lifting the pause, without re-entering', () => {
    const seen: string[] = []
    const framer = new MessageFramer((_t, buf, off, len) => {
      const body = buf.toString('latin1', off, off + len)
      seen.push(body)
      if (body === '1') {
        framer.pause()
        framer.resume()
      }
    })
    framer.push(Buffer.concat(['1', '2', '3'].map((b) => message('D', Buffer.from(b)))))
    expect(seen).toEqual(['1', '2', '3'])
  })

  it('rejects a length below 4', () => {
    const framer = new MessageFramer(() => undefined)
    expect(() => framer.push(Buffer.from([0x44, 0, 0, 0, 3]))).toThrow(PgProtocolError)
  })
})
