#!/usr/bin/env node
// The CLI is TypeScript source shared with the browser build; tsx compiles it on load.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
