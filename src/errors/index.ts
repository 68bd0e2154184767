export { ERROR_CODES, isErrorCode } from './codes.js'
export type { CodeInfo, ErrorCode, ExitClass } from './codes.js'
export { RivetError, isRivetError, isRivetErrorJSON, toRivetError } from './rivet-error.js'
export type { ErrorItem, RivetErrorJSON, RivetErrorOptions } from './rivet-error.js'
