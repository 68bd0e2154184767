export { ObjectStoreDestination, normalizePrefix } from './object-store-destination.js'
export type { ObjectStoreDestinationOptions } from './object-store-destination.js'
export { ObjectSink, contentTypeOf } from './object-sink.js'
export type { ObjectStore, ObjectUpload } from './types.js'
