// `tessera-issuer serve [--host H] [--port P] [--issuer URL] [--db PATH] ...`
// Loads the configuration (environment + flags) and hands it to the HTTP
// layer, which listens and shuts down gracefully on SIGTERM/SIGINT.
import { CONFIG_FLAGS, loadConfig, type ConfigFlags } from '../config.js'
import { serve } from '../http/serve.js'
import { parse, str, type OptionSpec } from './args.js'
import { printLines, type CliIo } from './io.js'

export const SERVE_USAGE =
  'serve [--host HOST] [--port PORT] [--issuer URL] [--db PATH] [--signing-alg ALG] [--jwks-max-age SECONDS] ' +
  '[--key-rotation-days DAYS] [--max-ttl SECONDS] [--key-encryption-key-file PATH]'

const OPTIONS: OptionSpec = Object.fromEntries(CONFIG_FLAGS.map((f) => [f, { type: 'string' }]))

export async function serveCommand(args: string[], io: CliIo): Promise<void> {
  const { values } = parse('serve', args, OPTIONS)
  if (values.help) return printLines(io, [`usage: tessera-issuer ${SERVE_USAGE}`])
  const flags: ConfigFlags = {}
  for (const f of CONFIG_FLAGS) flags[f] = str(values[f])
  const config = loadConfig(io.env, flags)
  await serve(config)
}
