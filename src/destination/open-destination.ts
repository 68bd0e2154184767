import type { Writable } from 'node:stream'
import type { ResolvedDestination } from '../config/index.js'
import { LocalDestination } from './local/index.js'
import { resolveOutputDir } from './naming.js'
import type { OutputDirVars } from './naming.js'
import { ObjectStoreDestination } from './object-store/index.js'
import { StdoutDestination } from './stdout/index.js'
import type { Destination } from './types.js'

export interface OpenDestinationOptions {
  /** Values of `{export}` and `{date}` in the path or prefix. */
  readonly vars: OutputDirVars
  readonly runId: string
  /** Where the stdout destination writes (tests); process.stdout by default. */
  readonly stdout?: Writable
}

/**
 * The destination of one run of one export. The cloud clients are loaded on use, so a run that
 * writes locally never pays for them.
 */
export async function openDestination(dest: ResolvedDestination, options: OpenDestinationOptions): Promise<Destination> {
  const { vars, runId } = options
  switch (dest.type) {
    case 'local':
      return new LocalDestination({ dir: resolveOutputDir(dest.path, vars), runId })
    case 's3': {
      const { S3Store } = await import('./s3/index.js')
      const envCredentials = dest.credentialEnv === null ? null : { accessKeyEnv: dest.credentialEnv.accessKey, secretKeyEnv: dest.credentialEnv.secretKey, sessionTokenEnv: dest.credentialEnv.sessionToken }
      const store = new S3Store({ bucket: dest.bucket, region: dest.region, endpoint: dest.endpoint, profile: dest.awsProfile, envCredentials, partSizeBytes: dest.partSizeBytes })
      return new ObjectStoreDestination({ store, prefix: resolveOutputDir(dest.prefix, vars), runId })
    }
    case 'gcs': {
      const { GcsStore } = await import('./gcs/index.js')
      const store = new GcsStore({ bucket: dest.bucket, credentialsFile: dest.credentialsFile, endpoint: dest.endpoint, partSizeBytes: dest.partSizeBytes })
      return new ObjectStoreDestination({ store, prefix: resolveOutputDir(dest.prefix, vars), runId })
    }
    case 'stdout':
      return new StdoutDestination(runId, options.stdout)
  }
}
