// Mail plumbing for the e2e tests, against the Dovecot and Postfix that
// scripts/with-services.sh started: deliver a message into a mailbox over
// LMTP (RFC 2033), read a mailbox back with doveadm, and build an S/MIME
// PKI and messages with the OpenSSL CLI as an independent peer.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const env = {
  imapAddr: process.env.SEALDESK_TEST_IMAP_ADDR,
  smtpAddr: process.env.SEALDESK_TEST_SUBMISSION_ADDR,
  lmtpAddr: process.env.SEALDESK_TEST_LMTP_ADDR,
  customer: process.env.SEALDESK_TEST_MAIL_USER, // agent@example.test
  customerPassword: process.env.SEALDESK_TEST_MAIL_PASSWORD,
  helpdesk: process.env.SEALDESK_TEST_MAIL_USER2, // helpdesk@example.test
  helpdeskPassword: process.env.SEALDESK_TEST_MAIL_PASSWORD2,
  dovecotConf: process.env.SEALDESK_TEST_DOVECOT_CONF,
}

export function servicesUp() {
  return Boolean(env.imapAddr && env.lmtpAddr && env.dovecotConf)
}

/** Delivers raw (CRLF or LF) to rcpt over LMTP. */
export function lmtpDeliver(raw, rcpt, from = 'sender@example.test') {
  const [host, port] = env.lmtpAddr.split(':')
  const body = raw.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..')
  const script = [`LHLO e2e`, `MAIL FROM:<${from}>`, `RCPT TO:<${rcpt}>`, 'DATA', `${body}${body.endsWith('\r\n') ? '' : '\r\n'}.`, 'QUIT']
  return new Promise((ok, fail) => {
    const sock = createConnection({ host, port: Number(port) })
    let buf = ''
    let step = -1 // -1: waiting for the greeting
    sock.setEncoding('utf8')
    sock.on('error', fail)
    sock.on('data', (d) => {
      buf += d
      // A reply is complete at a line "NNN text" (no dash after the code).
      let m
      while ((m = buf.match(/^(\d{3})([ -])(.*)\r\n/m))) {
        const line = m[0]
        buf = buf.slice(buf.indexOf(line) + line.length)
        if (m[2] === '-') continue
        if (Number(m[1]) >= 400) {
          sock.destroy()
          return fail(new Error(`LMTP: ${line.trim()} after ${script[step] ?? 'greeting'}`))
        }
        step++
        if (step >= script.length) return
        sock.write(script[step] + '\r\n')
        if (script[step] === 'QUIT') {
          sock.end()
          return ok()
        }
      }
    })
  })
}

/** The messages of a mailbox, raw, oldest first (doveadm fetch). */
export function fetchMailbox(user, mailbox = 'INBOX') {
  const doveadm = (...query) => execFileSync('doveadm', ['-c', env.dovecotConf, 'fetch', '-u', user, ...query]).toString()
  // doveadm prints records without a separator that a message body could
  // not contain too: list the UIDs, then fetch one message at a time.
  const uids = [...doveadm('uid', 'mailbox', mailbox, 'all').matchAll(/^uid: (\d+)$/gm)].map((m) => m[1])
  return uids.map((uid) => doveadm('text', 'mailbox', mailbox, 'uid', uid).replace(/^text:\n/, ''))
}

function openssl(args, opts = {}) {
  return execFileSync('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'], ...opts })
}

/**
 * A CA and leaf certificates for e-mail protection, made by OpenSSL.
 * leaf(name, email) returns { cert, key } file paths.
 */
export function makePKI(name = 'E2E Test CA') {
  const dir = mkdtempSync(join(tmpdir(), 'sealdesk-pki-'))
  const ca = { cert: join(dir, 'ca.pem'), key: join(dir, 'ca.key') }
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', ca.key, '-out', ca.cert, '-days', '30',
    '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
  let serial = 1
  return {
    dir,
    ca,
    leaf(cn, email) {
      const base = join(dir, email.replace(/[^a-z0-9]/gi, '_'))
      const l = { cert: `${base}.pem`, key: `${base}.key`, email }
      openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', l.key, '-out', `${base}.csr`, '-subj', `/CN=${cn}/emailAddress=${email}`])
      writeFileSync(`${base}.ext`, `subjectAltName=email:${email}\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=emailProtection\n`)
      openssl(['x509', '-req', '-in', `${base}.csr`, '-CA', ca.cert, '-CAkey', ca.key, '-set_serial', String(++serial),
        '-days', '30', '-extfile', `${base}.ext`, '-out', l.cert])
      return l
    },
  }
}

/** A clear-signed S/MIME message (multipart/signed) from signer. */
export function smimeSigned(signer, { to, subject, text, messageId }) {
  // -text adds the text/plain header; the output starts with MIME-Version
  // and the multipart/signed Content-Type (RFC 8551 section 3.5.3).
  const signed = openssl(['cms', '-sign', '-signer', signer.cert, '-inkey', signer.key, '-text'], { input: `${text}\n` }).toString()
  return headers({ from: signer.email, to, subject, messageId }) + signed
}

function headers({ from, to, subject, messageId }) {
  return `From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\nMessage-ID: <${messageId}>\r\nDate: ${new Date().toUTCString()}\r\n`
}

/** Verifies and decrypts a received S/MIME message with OpenSSL; returns the plaintext. */
export function opensslDecryptVerify(raw, recipient, caCert) {
  const dir = mkdtempSync(join(tmpdir(), 'sealdesk-cms-'))
  const inFile = join(dir, 'in.eml')
  writeFileSync(inFile, raw)
  const inner = openssl(['cms', '-decrypt', '-in', inFile, '-recip', recipient.cert, '-inkey', recipient.key])
  writeFileSync(join(dir, 'inner.eml'), inner)
  const text = openssl(['cms', '-verify', '-in', join(dir, 'inner.eml'), '-CAfile', caCert, '-purpose', 'smimesign'])
  return { inner: inner.toString(), text: text.toString() }
}

export const read = (p) => readFileSync(p, 'utf8')
