#!/usr/bin/env node
// The `tessera-issuer` executable.
import { main } from './cli/main.js'

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
})
process.exitCode = code
