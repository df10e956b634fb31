import './jitless'
import { QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { makeQueryClient, makeTRPCClient, prefetchFor, TRPCProvider } from './api/trpc'
import { App } from './app'
import { currentRoute } from './lib/router'
import './index.css'

const queryClient = makeQueryClient()
const trpcClient = makeTRPCClient()
prefetchFor(currentRoute(), queryClient, trpcClient)

function Root() {
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <App />
      </TRPCProvider>
    </QueryClientProvider>
  )
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
)
