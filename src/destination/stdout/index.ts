export { StdoutDestination, StdoutSink } from './stdout-destination.js'
