import { validateWithoutEval } from '@flowline/engine/jitless'

// Its own module, imported first by main.tsx: it must run before any module parses with zod,
// so that the page's CSP can leave out 'unsafe-eval' (apps/server/src/http/static.ts).
validateWithoutEval()
