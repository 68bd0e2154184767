import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto'
import { RivetError } from '../../../errors/index.js'

/** The PasswordMessage payload for AuthenticationMD5Password: 'md5' + md5(md5(password + user) + salt). */
export function md5PasswordHash(user: string, password: string, salt: Uint8Array): string {
  const inner = createHash('md5').update(password, 'utf8').update(user, 'utf8').digest('hex')
  return 'md5' + createHash('md5').update(inner, 'latin1').update(salt).digest('hex')
}

/** StoredKey and ServerKey of a SCRAM-SHA-256 secret, as the server keeps them in pg_authid. */
export function scramKeys(password: string, salt: Uint8Array, iterations: number): { storedKey: Buffer; serverKey: Buffer; clientKey: Buffer } {
  const salted = pbkdf2Sync(saslPrep(password), salt, iterations, 32, 'sha256')
  const clientKey = hmac(salted, 'Client Key')
  return { clientKey, storedKey: createHash('sha256').update(clientKey).digest(), serverKey: hmac(salted, 'Server Key') }
}

/**
 * A lenient SASLprep (RFC 4013) as PostgreSQL applies it to SCRAM passwords: map non-ASCII spaces to
 * ' ', drop characters mapped to nothing, NFKC. The server falls back to the raw password when
 * SASLprep rejects it (prohibited characters), and so does this function by not rejecting anything
 * the mapping leaves intact.
 */
export function saslPrep(password: string): string {
  if (/^[\x20-\x7e]*$/.test(password)) return password
  const mapped = password
    .replace(/[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000]/g, ' ')
    .replace(/[\u00ad\u034f\u1806\u180b-\u180d\u200b-\u200d\u2060\ufe00-\ufe0f\ufeff]/g, '')
  return mapped.normalize('NFKC')
}

/** One SCRAM-SHA-256 exchange (RFC 5802/7677) without channel binding: gs2 header 'n,,'. */
export class ScramSha256Client {
  private readonly clientNonce: string
  private readonly clientFirstBare: string
  private expectedServerSignature: Buffer | null = null

  /** `user` may stay empty: PostgreSQL takes the user from the startup packet (libpq sends 'n=,'). */
  constructor(private readonly password: string, options: { user?: string; nonce?: string } = {}) {
    this.clientNonce = options.nonce ?? randomBytes(18).toString('base64')
    this.clientFirstBare = `n=${escapeSaslName(options.user ?? '')},r=${this.clientNonce}`
  }

  /** client-first-message, the data of SASLInitialResponse. */
  clientFirstMessage(): string {
    return `n,,${this.clientFirstBare}`
  }

  /** client-final-message for the server-first-message of AuthenticationSASLContinue. */
  clientFinalMessage(serverFirst: string): string {
    const attrs = parseAttributes(serverFirst)
    const nonce = attrs.get('r')
    const saltB64 = attrs.get('s')
    const iterations = Number(attrs.get('i'))
    if (nonce === undefined || saltB64 === undefined || !Number.isInteger(iterations) || iterations < 1) {
      throw authError('the server sent a malformed SCRAM server-first-message')
    }
    if (!nonce.startsWith(this.clientNonce) || nonce.length <= this.clientNonce.length) {
      throw authError('the server nonce does not extend the client nonce')
    }
    const keys = scramKeys(this.password, Buffer.from(saltB64, 'base64'), iterations)
    const withoutProof = `c=biws,r=${nonce}` // biws = base64('n,,')
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`
    const signature = hmac(keys.storedKey, authMessage)
    const proof = Buffer.alloc(32)
    for (let i = 0; i < 32; i++) proof[i] = keys.clientKey[i] ^ signature[i]
    this.expectedServerSignature = hmac(keys.serverKey, authMessage)
    return `${withoutProof},p=${proof.toString('base64')}`
  }

  /** Check the server-final-message of AuthenticationSASLFinal; throws RIVET_SOURCE_AUTH on mismatch. */
  verifyServerFinal(serverFinal: string): void {
    const attrs = parseAttributes(serverFinal)
    const error = attrs.get('e')
    if (error !== undefined) throw authError(`SCRAM authentication failed: ${error}`)
    const v = attrs.get('v')
    const expected = this.expectedServerSignature
    if (expected === null) throw authError('SCRAM server-final-message arrived before the client-final-message')
    const got = v === undefined ? Buffer.alloc(0) : Buffer.from(v, 'base64')
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
      throw authError('the server SCRAM signature does not match: the server may not know the password')
    }
  }
}

function hmac(key: Uint8Array, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest()
}

function parseAttributes(message: string): Map<string, string> {
  const attrs = new Map<string, string>()
  for (const part of message.split(',')) {
    const eq = part.indexOf('=')
    if (eq === 1) attrs.set(part[0], part.slice(2))
  }
  return attrs
}

function escapeSaslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C')
}

function authError(message: string): RivetError {
  return new RivetError('RIVET_SOURCE_AUTH', message)
}
