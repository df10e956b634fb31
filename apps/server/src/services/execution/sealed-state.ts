import { createSecretBox, type SecretBox } from '../secret-box'

/**
 * Checkpoints of runs that hold generated secrets (generate-secret) are stored encrypted.
 * The whole state is sealed, not only the list of secrets: a secret may have been copied into
 * any step's output, a variable or a step's input, and none of that may reach the runs table
 * in clear. Runs without secrets are stored as plain JSON, as before.
 *
 * Run threads get their own key, derived from the server's (see `deriveKey`): it opens run
 * states only, never a connection's secret. The run id is the associated data, so a sealed
 * state copied onto another run does not open.
 */
const PREFIX = 'sealed:'

const aad = (runId: string) => `run-state:${runId}`

export function stateBoxOf(key: Uint8Array | undefined): SecretBox | undefined {
  return key ? createSecretBox(Buffer.from(key)) : undefined
}

export function sealState(json: string, runId: string, box: SecretBox | undefined): string {
  if (!box)
    throw new Error('the run holds generated secrets, and this server has no key to store them encrypted')
  return PREFIX + box.encrypt(json, aad(runId))
}

export const isSealed = (stored: string): boolean => stored.startsWith(PREFIX)

export function openState(stored: string, runId: string, box: SecretBox | undefined): string {
  if (!box) throw new Error("the run's stored state is encrypted, and this server has no key to open it")
  try {
    return box.decrypt(stored.slice(PREFIX.length), aad(runId))
  } catch {
    throw new Error(
      "the run's stored state cannot be decrypted: the server's secret key (FLOWLINE_SECRET_KEY or secret.key in the data directory) is not the one it was stored with",
    )
  }
}
