// Facade for the admin screens' downloads. The web view cannot save files
// (<a download> does nothing in Wails), so each download is a Go call that
// opens the native save dialog and resolves to the saved path, or '' when
// the agent cancelled. No path ever goes from the UI to Go.
import * as CertificatesBinding from '../wailsjs/go/app/Certificates'
import * as LogsBinding from '../wailsjs/go/app/Logs'
import * as PGPKeysBinding from '../wailsjs/go/app/PGPKeys'
import { app } from '../wailsjs/go/models'
import { call } from './errors'
import { model } from './model'
import type { LogQuery } from './types'

export type LogExportFormat = 'csv' | 'json'

export interface CertificateFilesApi {
  /** Saves the certificate as PEM; resolves to the path, '' if cancelled. */
  saveCertificate(fingerprint: string): Promise<string>
}

export interface PGPFilesApi {
  /** Saves the armored public key; resolves to the path, '' if cancelled. */
  savePublic(fingerprint: string): Promise<string>
}

export interface LogExportApi {
  /** Exports what the query matches (up to 5,000 entries); the path, '' if cancelled. */
  exportLog(query: LogQuery, format: LogExportFormat): Promise<string>
}

export const certificateFilesApi: CertificateFilesApi = {
  saveCertificate: (fingerprint) => call(() => CertificatesBinding.SaveCertificate({ fingerprint })),
}

export const pgpFilesApi: PGPFilesApi = {
  savePublic: (fingerprint) => call(() => PGPKeysBinding.SavePublic({ fingerprint })),
}

export const logExportApi: LogExportApi = {
  exportLog: (query, format) => call(() => LogsBinding.Export(model(app.ExportLogsRequest, { query, format }))),
}
