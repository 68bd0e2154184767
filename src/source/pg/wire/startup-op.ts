import { RivetError } from '../../../errors/index.js'
import { ScramSha256Client, md5PasswordHash } from './auth.js'
import { BodyReader, Msg } from './backend-messages.js'
import { passwordMessage, saslInitialResponseMessage, saslResponseMessage } from './messages.js'
import { Operation, type OperationContext } from './operations.js'

/** The backend's identity, needed to cancel its statements. */
export interface BackendKey {
  pid: number
  secretKey: number
}

const UNSUPPORTED_METHODS: Record<number, string> = {
  2: 'Kerberos V5',
  6: 'SCM credentials',
  7: 'GSSAPI',
  8: 'GSSAPI',
  9: 'SSPI',
}

/** Authentication and startup, from StartupMessage to the first ReadyForQuery. */
export class StartupOp extends Operation<BackendKey> {
  private key: BackendKey = { pid: 0, secretKey: 0 }
  private scram: ScramSha256Client | null = null

  constructor(ctx: OperationContext, private readonly user: string, private readonly password: string | undefined) {
    super(ctx, 'startup')
  }

  handle(type: number, buf: Buffer, offset: number, length: number): void {
    switch (type) {
      case Msg.Authentication:
        return this.authenticate(new BodyReader(buf, offset, length), buf)
      case Msg.BackendKeyData: {
        const r = new BodyReader(buf, offset, length)
        this.key = { pid: r.i32(), secretKey: r.i32() }
        return
      }
      case Msg.NegotiateProtocolVersion:
        return // only sent for _pq_ options, which this client does not request
      default:
        this.unexpected(type)
    }
  }

  protected result(): BackendKey {
    return this.key
  }

  /** Answer one Authentication request; throws RIVET_SOURCE_AUTH for methods this client lacks. */
  private authenticate(r: BodyReader, buf: Buffer): void {
    const method = r.i32()
    switch (method) {
      case 0: // AuthenticationOk
        return
      case 3: // cleartext
        return this.ctx.send(passwordMessage(this.requirePassword('cleartext password')))
      case 5: {
        const salt = buf.subarray(r.pos, r.pos + 4)
        return this.ctx.send(passwordMessage(md5PasswordHash(this.user, this.requirePassword('MD5'), salt)))
      }
      case 10:
        return this.startSasl(r)
      case 11:
        if (this.scram === null) throw new RivetError('RIVET_SOURCE_PROTOCOL', 'SASLContinue before SASL started')
        return this.ctx.send(saslResponseMessage(this.scram.clientFinalMessage(r.rest())))
      case 12:
        if (this.scram === null) throw new RivetError('RIVET_SOURCE_PROTOCOL', 'SASLFinal before SASL started')
        return this.scram.verifyServerFinal(r.rest())
      default:
        throw new RivetError('RIVET_SOURCE_AUTH', `the server asked for ${UNSUPPORTED_METHODS[method] ?? `authentication method ${method}`} authentication, which rivet does not support; use scram-sha-256, md5, password or trust in pg_hba.conf`, { details: { authMethod: UNSUPPORTED_METHODS[method] ?? method } })
    }
  }

  private startSasl(r: BodyReader): void {
    const mechanisms: string[] = []
    while (r.remaining > 1) mechanisms.push(r.cstring())
    if (!mechanisms.includes('SCRAM-SHA-256')) {
      throw new RivetError('RIVET_SOURCE_AUTH', `the server offers SASL mechanisms ${mechanisms.join(', ')}; rivet supports SCRAM-SHA-256 only`, { details: { authMethod: mechanisms.join(',') } })
    }
    this.scram = new ScramSha256Client(this.requirePassword('SCRAM-SHA-256'))
    this.ctx.send(saslInitialResponseMessage('SCRAM-SHA-256', this.scram.clientFirstMessage()))
  }

  private requirePassword(method: string): string {
    if (this.password !== undefined) return this.password
    throw new RivetError('RIVET_SOURCE_AUTH', `the server asked for ${method} authentication of user "${this.user}" but no password was given`, { details: { authMethod: method } })
  }
}
