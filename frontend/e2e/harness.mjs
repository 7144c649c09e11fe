// Starts the dev build of the real app (Go services, SQLite, the keychain
// given by the environment) with Wails' dev bridge on loopback, and a
// headless Chromium pointed at it. Used by the *.e2e.test.mjs files.
import { spawn } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium } from 'playwright-core'

const root = resolve(import.meta.dirname, '../..')
export const devBinary = process.env.SEALDESK_DEV_BINARY ?? join(root, 'build/bin/sealdesk-dev')
const port = Number(process.env.SEALDESK_E2E_PORT ?? 34115)
export const baseURL = `http://127.0.0.1:${port}`

function waitForPort(p, ms) {
  const deadline = Date.now() + ms
  return new Promise((ok, fail) => {
    const attempt = () => {
      const sock = createConnection({ host: '127.0.0.1', port: p }, () => {
        sock.end()
        ok()
      })
      sock.on('error', () => (Date.now() > deadline ? fail(new Error(`port ${p} not open after ${ms} ms`)) : setTimeout(attempt, 200)))
    }
    attempt()
  })
}

/**
 * Starts the app and a browser page on it; call stop() when done. env adds
 * to the app's environment (a fake system browser on PATH, say).
 */
export async function startApp({ env = {} } = {}) {
  if (!process.env.DISPLAY) throw new Error('DISPLAY unset: run under Xvfb (make test does)')
  const dataDir = mkdtempSync(join(tmpdir(), 'sealdesk-e2e-'))
  const log = []
  const assetDir = process.env.SEALDESK_ASSET_DIR ?? join(root, 'frontend/dist')
  const app = spawn(devBinary, ['-assetdir', assetDir, '-devserver', `127.0.0.1:${port}`], {
    env: { ...process.env, ...env, SEALDESK_DATA: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  app.stdout.on('data', (d) => log.push(String(d)))
  app.stderr.on('data', (d) => log.push(String(d)))
  try {
    await waitForPort(port, 30_000)
  } catch (e) {
    app.kill()
    throw new Error(`${e.message}\napp output:\n${log.join('')}`)
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  })
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  // Errors thrown by our code. Wails' dev bridge (/wails/ipc.js) throws from
  // its own reconnect overlay in a plain browser; that script is not part
  // of the desktop build, so its errors are left out here.
  const pageErrors = []
  page.on('pageerror', (e) => {
    if (!String(e.stack).includes('/wails/ipc.js')) pageErrors.push(String(e.stack ?? e))
  })
  page.on('response', (r) => r.status() >= 400 && pageErrors.push(`HTTP ${r.status()} for ${r.url()}`))
  await page.goto(baseURL)
  // The bridge is ready once the bindings are on window.go.
  await page.waitForFunction(() => window.go?.app?.Settings !== undefined, null, { timeout: 20_000 })
  return {
    page,
    dataDir,
    pageErrors,
    log,
    /**
     * Waits until the sync bar says "Up to date". On a timeout the error
     * carries what the bar showed instead and the app's last output, so a
     * CI failure can be read without rerunning it.
     */
    async waitForSyncIdle(timeout = 30_000) {
      try {
        await page.locator('[data-testid=sync-bar][data-state=idle]').waitFor({ timeout })
      } catch (e) {
        const bar = await page
          .evaluate(() => {
            const el = document.querySelector('[data-testid=sync-bar]')
            return el ? `${el.getAttribute('data-state')}: ${el.textContent.replace(/\s+/g, ' ').trim()}` : 'no sync bar'
          })
          .catch((err) => `unreadable (${err.message})`)
        throw new Error(`${e.message}\nsync bar: ${bar}\napp output (last 4 KB):\n${log.join('').slice(-4096)}`)
      }
    },
    async stop() {
      await browser.close()
      app.kill('SIGTERM')
      await new Promise((r) => (app.exitCode !== null ? r() : app.once('exit', r)))
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * A stand-in for the system browser: an xdg-open first on PATH (Wails'
 * BrowserOpenURL runs it on Linux) that writes down each address it is
 * given. Pass env to startApp; opened() lists the addresses so far.
 */
export function fakeBrowser() {
  const dir = mkdtempSync(join(tmpdir(), 'sealdesk-browser-'))
  const record = join(dir, 'opened')
  writeFileSync(record, '')
  writeFileSync(join(dir, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$1" >> '${record}'\n`)
  chmodSync(join(dir, 'xdg-open'), 0o755)
  return {
    env: { PATH: `${dir}:${process.env.PATH}` },
    opened: () => readFileSync(record, 'utf8').split('\n').filter(Boolean),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}
