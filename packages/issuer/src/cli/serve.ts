// `tessera-issuer serve [--host H] [--port P] [--issuer URL] [--db PATH] [--workers N|auto] ...`
// Loads the configuration (environment + flags) and hands it to the HTTP
// layer, which listens and shuts down gracefully on SIGTERM/SIGINT.
import { loadServeConfig, SERVE_COMMAND_FLAGS, type ServeFlags } from '../config.js'
import { isClusterWorker, serve, type ClusterMessage } from '../server/index.js'
import { parse, str, type OptionSpec } from './args.js'
import { helpFor } from './help.js'
import { printLines, type CliIo } from './io.js'

const OPTIONS: OptionSpec = Object.fromEntries(SERVE_COMMAND_FLAGS.map((f) => [f, { type: 'string' }]))

export async function serveCommand(args: string[], io: CliIo): Promise<void> {
  const { values } = parse('serve', args, OPTIONS)
  if (values.help) return printLines(io, helpFor('serve'))
  const flags: ServeFlags = {}
  for (const f of SERVE_COMMAND_FLAGS) flags[f] = str(values[f])
  const config = loadServeConfig(io.env, flags)
  if (!isClusterWorker()) {
    await serve(config)
    return
  }
  try {
    await serve(config)
  } catch (err) {
    // A worker's start-up failure is the primary's to report, in one line.
    const message = ((err as Error).message ?? String(err)).split('\n')[0]!
    process.send!({ type: 'tessera:failed', message } satisfies ClusterMessage, () => process.exit(1))
  }
}
