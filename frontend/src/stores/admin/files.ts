// Reading uploads for the import dialogs. Go takes text (PEM, armor) as it
// is and anything binary (DER, .p7b, .p12, binary OpenPGP) as base64: the
// bridge carries strings only, and binary read as text is damaged.

export interface Upload {
  data: string
  fileName: string
}

/** Reads a file: PEM or armored text as text, anything else as base64. */
export async function readUpload(file: File): Promise<Upload> {
  const bytes = new Uint8Array(await readBytes(file))
  try {
    const data = isArmoredText(bytes) ? new TextDecoder().decode(bytes) : toBase64(bytes)
    return { data, fileName: file.name }
  } finally {
    // The string sent to Go cannot be wiped; this copy can.
    bytes.fill(0)
  }
}

function readBytes(file: Blob): Promise<ArrayBuffer> {
  if (typeof file.arrayBuffer === 'function') return file.arrayBuffer()
  return new Promise((ok, fail) => {
    const r = new FileReader()
    r.onload = () => ok(r.result as ArrayBuffer)
    r.onerror = () => fail(r.error)
    r.readAsArrayBuffer(file)
  })
}

/** Printable ASCII with a "-----BEGIN " line: PEM or ASCII armor. */
export function isArmoredText(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 9 || b === 10 || b === 13) continue
    if (b < 32 || b > 126) return false
  }
  return new TextDecoder().decode(bytes.subarray(0, 64 * 1024)).includes('-----BEGIN ')
}

export function toBase64(bytes: Uint8Array): string {
  let bin = ''
  const chunk = 0x8000
  for (let i = 0; i < bytes.length; i += chunk) {
    bin += String.fromCharCode(...bytes.subarray(i, i + chunk))
  }
  return btoa(bin)
}

/** Groups a hex fingerprint in blocks of four, as gpg prints it. */
export function groupFingerprint(fp: string): string {
  return fp
    .replace(/[^0-9a-fA-F]/g, '')
    .toUpperCase()
    .replace(/(.{4})(?=.)/g, '$1 ')
}

/** Formats an RFC 3339 time as a local date ('' stays '—'). */
export function formatDate(iso: string, withTime = false): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return withTime ? d.toLocaleString() : d.toLocaleDateString()
}
