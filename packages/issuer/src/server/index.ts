// What the floors above (the CLI, the package's entry) use of the server.
export { serve } from './serve.js'
export { isClusterWorker, type ClusterMessage, type RunningIssuer, type ServeOptions } from './cluster-protocol.js'
