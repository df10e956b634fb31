import { test as base, expect, type Page } from '@playwright/test'
import { e2eAdmin } from '../playwright.config'

export { expect }
export const admin = e2eAdmin

/** Signs in through the real sign-in form. */
export async function signIn(page: Page, email = admin.email, password = admin.password) {
  await page.goto('/')
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: /sign in/i }).click()
  await expect(page.getByTestId('current-user')).toContainText(email)
}

/** Calls a tRPC procedure with the page's session cookie (setup steps, API refusal checks). */
export async function trpc<T = unknown>(
  page: Page,
  path: string,
  input: unknown,
  kind: 'query' | 'mutation' = 'mutation',
): Promise<{ status: number; data?: T; error?: { code: string; message: string } }> {
  const url =
    kind === 'query' ? `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}` : `/trpc/${path}`
  const res =
    kind === 'query'
      ? await page.request.get(url)
      : await page.request.post(url, { data: input, headers: { 'content-type': 'application/json' } })
  const body = await res.json()
  if (body.error)
    return { status: res.status(), error: { code: body.error.data?.code, message: body.error.message } }
  return { status: res.status(), data: body.result?.data as T }
}

/** Collects console errors so a test can assert the page stayed clean. */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = []
    page.on('console', (msg) => {
      // An expected 409/412/403 from the API shows up as a resource error; the UI handles it.
      if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) errors.push(msg.text())
    })
    page.on('pageerror', (err) => errors.push(err.message))
    await use(errors)
  },
})
