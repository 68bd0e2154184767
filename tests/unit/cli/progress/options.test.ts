import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { chooseProgressMode, openProgressDisplay, parseInterval } from '../../../../src/cli/progress/index.js'
import { isRivetError } from '../../../../src/errors/index.js'
import { FakeStream } from './fixtures.js'

const tty = new FakeStream(80, true).asStream()
const pipe = new FakeStream(undefined, false).asStream()

describe('parseInterval', () => {
  it('takes seconds from 0.1 to 3600', () => {
    expect(parseInterval('0.1')).toBe(0.1)
    expect(parseInterval('2.5')).toBe(2.5)
    expect(parseInterval('30')).toBe(30)
    expect(parseInterval(' 15 ')).toBe(15)
    expect(parseInterval('3600')).toBe(3600)
  })

  it.each(['0', '0.05', '3600.5', '7200', '-1', '', ' ', 'abc', '1e3', '10s', 'Infinity', '0x10', '.5'])('refuses %j as a usage error', (text) => {
    let caught: unknown
    try {
      parseInterval(text)
    } catch (error) {
      caught = error
    }
    expect(isRivetError(caught)).toBe(true)
    if (!isRivetError(caught)) return
    expect(caught.code).toBe('RIVET_USAGE')
    expect(caught.message).toContain(`"${text}"`)
    expect(caught.hint).toContain('--progress-interval')
  })
})

describe('chooseProgressMode', () => {
  let term: string | undefined

  beforeEach(() => {
    term = process.env.TERM
    process.env.TERM = 'xterm-256color'
  })
  afterEach(() => {
    if (term === undefined) delete process.env.TERM
    else process.env.TERM = term
  })

  it('gives NDJSON events with --json, even with --quiet', () => {
    expect(chooseProgressMode({ json: true, quiet: false }, tty)).toBe('json')
    expect(chooseProgressMode({ json: true, quiet: true }, tty)).toBe('json')
    expect(chooseProgressMode({ json: true, quiet: true }, pipe)).toBe('json')
  })

  it('gives nothing with --quiet', () => {
    expect(chooseProgressMode({ json: false, quiet: true }, tty)).toBe('quiet')
    expect(chooseProgressMode({ json: false, quiet: true }, pipe)).toBe('quiet')
  })

  it('gives cards on a terminal and lines elsewhere', () => {
    expect(chooseProgressMode({ json: false, quiet: false }, tty)).toBe('cards')
    expect(chooseProgressMode({ json: false, quiet: false }, pipe)).toBe('lines')
  })

  it('gives lines on a dumb terminal', () => {
    process.env.TERM = 'dumb'
    expect(chooseProgressMode({ json: false, quiet: false }, tty)).toBe('lines')
    delete process.env.TERM
    expect(chooseProgressMode({ json: false, quiet: false }, tty)).toBe('cards')
  })
})

describe('openProgressDisplay', () => {
  it('leaves messages out of the events with --json --quiet', () => {
    const stream = new FakeStream(80, false)
    const d = openProgressDisplay({ json: true, quiet: true }, stream.asStream())
    d.log('hidden')
    d.observer.runStarted!(['orders'], false)
    d.log('hidden too')
    d.close()
    expect(stream.writes.map((w) => (JSON.parse(w) as { event: string }).event)).toEqual(['run_started'])
  })

  it('sends messages as events with --json alone', () => {
    const stream = new FakeStream(80, false)
    const d = openProgressDisplay({ json: true, quiet: false }, stream.asStream())
    d.log('shown')
    d.close()
    expect(stream.writes.map((w) => JSON.parse(w) as { event: string; message: string })).toMatchObject([{ event: 'log', message: 'shown' }])
  })

  it('refuses a bad --progress-interval', () => {
    expect(() => openProgressDisplay({ json: false, quiet: false, progressInterval: 'soon' }, new FakeStream(80, false).asStream())).toThrow(/progress-interval/)
  })
})
