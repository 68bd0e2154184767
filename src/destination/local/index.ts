export { LocalDestination } from './local-destination.js'
export type { LocalDestinationOptions } from './local-destination.js'
export { LocalFileSink } from './local-file-sink.js'
export { removeStaleTempFiles, tempFileName, tempFileRunId } from './temp-files.js'
