export namespace app {
	
	export class ConnectionResult {
	    ok: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ConnectionResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ok = source["ok"];
	    }
	}
	export class DeleteAccountRequest {
	    name: string;
	
	    static createFrom(source: any = {}) {
	        return new DeleteAccountRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	    }
	}
	export class DeleteCertificateRequest {
	    fingerprint: string;
	
	    static createFrom(source: any = {}) {
	        return new DeleteCertificateRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.fingerprint = source["fingerprint"];
	    }
	}
	export class DeleteGroupRequest {
	    id: number;
	
	    static createFrom(source: any = {}) {
	        return new DeleteGroupRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	    }
	}
	export class DemoStatus {
	    running: boolean;
	    account: string;
	
	    static createFrom(source: any = {}) {
	        return new DemoStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.running = source["running"];
	        this.account = source["account"];
	    }
	}
	export class ExportCertificateRequest {
	    fingerprint: string;
	
	    static createFrom(source: any = {}) {
	        return new ExportCertificateRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.fingerprint = source["fingerprint"];
	    }
	}
	export class ExportPrivateKeyRequest {
	    fingerprint: string;
	    passphrase: string;
	
	    static createFrom(source: any = {}) {
	        return new ExportPrivateKeyRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.fingerprint = source["fingerprint"];
	        this.passphrase = source["passphrase"];
	    }
	}
	export class ExportPrivateKeyResult {
	    path: string;
	    cancelled: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ExportPrivateKeyResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.cancelled = source["cancelled"];
	    }
	}
	export class ImportCertificatesRequest {
	    data: string;
	    file_name: string;
	
	    static createFrom(source: any = {}) {
	        return new ImportCertificatesRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.data = source["data"];
	        this.file_name = source["file_name"];
	    }
	}
	export class ImportPGPKeysRequest {
	    data: string;
	    file_name: string;
	    passphrase: string;
	
	    static createFrom(source: any = {}) {
	        return new ImportPGPKeysRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.data = source["data"];
	        this.file_name = source["file_name"];
	        this.passphrase = source["passphrase"];
	    }
	}
	export class ImportPrivateKeyRequest {
	    data: string;
	    file_name: string;
	    passphrase: string;
	
	    static createFrom(source: any = {}) {
	        return new ImportPrivateKeyRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.data = source["data"];
	        this.file_name = source["file_name"];
	        this.passphrase = source["passphrase"];
	    }
	}
	export class KeychainStatus {
	    ok: boolean;
	    service: string;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new KeychainStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ok = source["ok"];
	        this.service = source["service"];
	        this.message = source["message"];
	    }
	}
	export class PGPKeyRequest {
	    fingerprint: string;
	
	    static createFrom(source: any = {}) {
	        return new PGPKeyRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.fingerprint = source["fingerprint"];
	    }
	}
	export class PendingKeyRequest {
	    id: number;
	
	    static createFrom(source: any = {}) {
	        return new PendingKeyRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	    }
	}
	export class ReadinessRequest {
	    technology: string;
	    from: string;
	    recipients: string[];
	
	    static createFrom(source: any = {}) {
	        return new ReadinessRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.technology = source["technology"];
	        this.from = source["from"];
	        this.recipients = source["recipients"];
	    }
	}
	export class SaveAccountRequest {
	    name: string;
	    imap: string;
	    imap_tls: string;
	    smtp: string;
	    smtp_tls: string;
	    username: string;
	    password: string;
	    pinned_cert: string;
	
	    static createFrom(source: any = {}) {
	        return new SaveAccountRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.imap = source["imap"];
	        this.imap_tls = source["imap_tls"];
	        this.smtp = source["smtp"];
	        this.smtp_tls = source["smtp_tls"];
	        this.username = source["username"];
	        this.password = source["password"];
	        this.pinned_cert = source["pinned_cert"];
	    }
	}
	export class SettingsView {
	    smime_enabled: boolean;
	    pgp_enabled: boolean;
	    trust_system_roots: boolean;
	    smime_aes_gcm: boolean;
	    data_dir: string;
	    version: string;
	    keychain: KeychainStatus;
	
	    static createFrom(source: any = {}) {
	        return new SettingsView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.smime_enabled = source["smime_enabled"];
	        this.pgp_enabled = source["pgp_enabled"];
	        this.trust_system_roots = source["trust_system_roots"];
	        this.smime_aes_gcm = source["smime_aes_gcm"];
	        this.data_dir = source["data_dir"];
	        this.version = source["version"];
	        this.keychain = this.convertValues(source["keychain"], KeychainStatus);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class StartDemoRequest {
	
	
	    static createFrom(source: any = {}) {
	        return new StartDemoRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	
	    }
	}
	export class StartSyncRequest {
	    account: string;
	
	    static createFrom(source: any = {}) {
	        return new StartSyncRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.account = source["account"];
	    }
	}
	export class StopSyncRequest {
	
	
	    static createFrom(source: any = {}) {
	        return new StopSyncRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	
	    }
	}
	export class SyncStatus {
	    running: boolean;
	    state: string;
	    account: string;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new SyncStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.running = source["running"];
	        this.state = source["state"];
	        this.account = source["account"];
	        this.message = source["message"];
	    }
	}
	export class TestConnectionRequest {
	    name: string;
	
	    static createFrom(source: any = {}) {
	        return new TestConnectionRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	    }
	}
	export class UpdateIntegrationsRequest {
	    smime_enabled?: boolean;
	    pgp_enabled?: boolean;
	    trust_system_roots?: boolean;
	    smime_aes_gcm?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new UpdateIntegrationsRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.smime_enabled = source["smime_enabled"];
	        this.pgp_enabled = source["pgp_enabled"];
	        this.trust_system_roots = source["trust_system_roots"];
	        this.smime_aes_gcm = source["smime_aes_gcm"];
	    }
	}

}

export namespace security {
	
	export class AddressStatus {
	    address: string;
	    ok: boolean;
	    reason: string;
	    comment: string;
	    key: string;
	
	    static createFrom(source: any = {}) {
	        return new AddressStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.address = source["address"];
	        this.ok = source["ok"];
	        this.reason = source["reason"];
	        this.comment = source["comment"];
	        this.key = source["key"];
	    }
	}
	export class Certificate {
	    id: number;
	    fingerprint: string;
	    subject: string;
	    issuer: string;
	    serial: string;
	    emails: string[];
	    not_before: string;
	    not_after: string;
	    is_ca: boolean;
	    key_usage: string[];
	    ext_key_usage: string[];
	    has_private: boolean;
	    created_at: string;
	    expired: boolean;
	    expires_soon: boolean;
	    not_yet_valid: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Certificate(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.fingerprint = source["fingerprint"];
	        this.subject = source["subject"];
	        this.issuer = source["issuer"];
	        this.serial = source["serial"];
	        this.emails = source["emails"];
	        this.not_before = source["not_before"];
	        this.not_after = source["not_after"];
	        this.is_ca = source["is_ca"];
	        this.key_usage = source["key_usage"];
	        this.ext_key_usage = source["ext_key_usage"];
	        this.has_private = source["has_private"];
	        this.created_at = source["created_at"];
	        this.expired = source["expired"];
	        this.expires_soon = source["expires_soon"];
	        this.not_yet_valid = source["not_yet_valid"];
	    }
	}
	export class ImportResult {
	    imported: store.Certificate[];
	    skipped: store.Certificate[];
	    keys: string[];
	    rechecked: number;
	    recheck_error?: string;
	
	    static createFrom(source: any = {}) {
	        return new ImportResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.imported = this.convertValues(source["imported"], store.Certificate);
	        this.skipped = this.convertValues(source["skipped"], store.Certificate);
	        this.keys = source["keys"];
	        this.rechecked = source["rechecked"];
	        this.recheck_error = source["recheck_error"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class PGPMerge {
	    key: store.PGPKey;
	    added: string;
	
	    static createFrom(source: any = {}) {
	        return new PGPMerge(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.key = this.convertValues(source["key"], store.PGPKey);
	        this.added = source["added"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class PGPImportResult {
	    imported: store.PGPKey[];
	    merged: PGPMerge[];
	    unchanged: store.PGPKey[];
	    secret: string[];
	    warnings: string[];
	    rechecked: number;
	    recheck_error?: string;
	
	    static createFrom(source: any = {}) {
	        return new PGPImportResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.imported = this.convertValues(source["imported"], store.PGPKey);
	        this.merged = this.convertValues(source["merged"], PGPMerge);
	        this.unchanged = this.convertValues(source["unchanged"], store.PGPKey);
	        this.secret = source["secret"];
	        this.warnings = source["warnings"];
	        this.rechecked = source["rechecked"];
	        this.recheck_error = source["recheck_error"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class PGPKey {
	    id: number;
	    fingerprint: string;
	    user_ids: string[];
	    emails: string[];
	    algorithm: string;
	    created: string;
	    expires: string;
	    revoked: boolean;
	    has_secret: boolean;
	    created_at: string;
	    expired: boolean;
	    expires_soon: boolean;
	
	    static createFrom(source: any = {}) {
	        return new PGPKey(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.fingerprint = source["fingerprint"];
	        this.user_ids = source["user_ids"];
	        this.emails = source["emails"];
	        this.algorithm = source["algorithm"];
	        this.created = source["created"];
	        this.expires = source["expires"];
	        this.revoked = source["revoked"];
	        this.has_secret = source["has_secret"];
	        this.created_at = source["created_at"];
	        this.expired = source["expired"];
	        this.expires_soon = source["expires_soon"];
	    }
	}
	
	export class PendingResult {
	    pending: store.PendingKey;
	    rechecked: number;
	    recheck_error?: string;
	
	    static createFrom(source: any = {}) {
	        return new PendingResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.pending = this.convertValues(source["pending"], store.PendingKey);
	        this.rechecked = source["rechecked"];
	        this.recheck_error = source["recheck_error"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Readiness {
	    technology: string;
	    enabled: boolean;
	    can_sign: boolean;
	    can_encrypt: boolean;
	    sign: AddressStatus;
	    recipients: AddressStatus[];
	
	    static createFrom(source: any = {}) {
	        return new Readiness(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.technology = source["technology"];
	        this.enabled = source["enabled"];
	        this.can_sign = source["can_sign"];
	        this.can_encrypt = source["can_encrypt"];
	        this.sign = this.convertValues(source["sign"], AddressStatus);
	        this.recipients = this.convertValues(source["recipients"], AddressStatus);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace store {
	
	export class Account {
	    id: number;
	    name: string;
	    imap_host: string;
	    imap_port: number;
	    imap_tls: string;
	    smtp_host: string;
	    smtp_port: number;
	    smtp_tls: string;
	    username: string;
	    pinned_cert: string;
	    smtp_pinned_cert: string;
	    created_at: string;
	    updated_at: string;
	
	    static createFrom(source: any = {}) {
	        return new Account(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.imap_host = source["imap_host"];
	        this.imap_port = source["imap_port"];
	        this.imap_tls = source["imap_tls"];
	        this.smtp_host = source["smtp_host"];
	        this.smtp_port = source["smtp_port"];
	        this.smtp_tls = source["smtp_tls"];
	        this.username = source["username"];
	        this.pinned_cert = source["pinned_cert"];
	        this.smtp_pinned_cert = source["smtp_pinned_cert"];
	        this.created_at = source["created_at"];
	        this.updated_at = source["updated_at"];
	    }
	}
	export class Certificate {
	    id: number;
	    fingerprint: string;
	    subject: string;
	    issuer: string;
	    serial: string;
	    emails: string[];
	    not_before: string;
	    not_after: string;
	    is_ca: boolean;
	    key_usage: string[];
	    ext_key_usage: string[];
	    has_private: boolean;
	    created_at: string;
	
	    static createFrom(source: any = {}) {
	        return new Certificate(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.fingerprint = source["fingerprint"];
	        this.subject = source["subject"];
	        this.issuer = source["issuer"];
	        this.serial = source["serial"];
	        this.emails = source["emails"];
	        this.not_before = source["not_before"];
	        this.not_after = source["not_after"];
	        this.is_ca = source["is_ca"];
	        this.key_usage = source["key_usage"];
	        this.ext_key_usage = source["ext_key_usage"];
	        this.has_private = source["has_private"];
	        this.created_at = source["created_at"];
	    }
	}
	export class Group {
	    id: number;
	    name: string;
	    sender_address: string;
	    default_sign: boolean;
	    default_encrypt: boolean;
	    technology: string;
	    autocrypt: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Group(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.sender_address = source["sender_address"];
	        this.default_sign = source["default_sign"];
	        this.default_encrypt = source["default_encrypt"];
	        this.technology = source["technology"];
	        this.autocrypt = source["autocrypt"];
	    }
	}
	export class LogEntry {
	    id: number;
	    at: string;
	    direction: string;
	    technology: string;
	    operation: string;
	    status: string;
	    article_id: number;
	    message_id: string;
	    detail: string;
	
	    static createFrom(source: any = {}) {
	        return new LogEntry(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.at = source["at"];
	        this.direction = source["direction"];
	        this.technology = source["technology"];
	        this.operation = source["operation"];
	        this.status = source["status"];
	        this.article_id = source["article_id"];
	        this.message_id = source["message_id"];
	        this.detail = source["detail"];
	    }
	}
	export class LogQuery {
	    technology: string;
	    operation: string;
	    status: string;
	    search: string;
	    limit: number;
	
	    static createFrom(source: any = {}) {
	        return new LogQuery(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.technology = source["technology"];
	        this.operation = source["operation"];
	        this.status = source["status"];
	        this.search = source["search"];
	        this.limit = source["limit"];
	    }
	}
	export class PGPKey {
	    id: number;
	    fingerprint: string;
	    user_ids: string[];
	    emails: string[];
	    algorithm: string;
	    created: string;
	    expires: string;
	    revoked: boolean;
	    has_secret: boolean;
	    created_at: string;
	
	    static createFrom(source: any = {}) {
	        return new PGPKey(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.fingerprint = source["fingerprint"];
	        this.user_ids = source["user_ids"];
	        this.emails = source["emails"];
	        this.algorithm = source["algorithm"];
	        this.created = source["created"];
	        this.expires = source["expires"];
	        this.revoked = source["revoked"];
	        this.has_secret = source["has_secret"];
	        this.created_at = source["created_at"];
	    }
	}
	export class PendingKey {
	    id: number;
	    technology: string;
	    source: string;
	    address: string;
	    fingerprint: string;
	    label: string;
	    article_id: number;
	    found_at: string;
	    status: string;
	    key_change: boolean;
	    replaces: string;
	    warning: string;
	    decided_at: string;
	
	    static createFrom(source: any = {}) {
	        return new PendingKey(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.technology = source["technology"];
	        this.source = source["source"];
	        this.address = source["address"];
	        this.fingerprint = source["fingerprint"];
	        this.label = source["label"];
	        this.article_id = source["article_id"];
	        this.found_at = source["found_at"];
	        this.status = source["status"];
	        this.key_change = source["key_change"];
	        this.replaces = source["replaces"];
	        this.warning = source["warning"];
	        this.decided_at = source["decided_at"];
	    }
	}
	export class Ticket {
	    id: number;
	    number: number;
	    subject: string;
	    state: string;
	    group_id: number;
	    customer: string;
	    unread: boolean;
	    created_at: string;
	    updated_at: string;
	    security: string;
	
	    static createFrom(source: any = {}) {
	        return new Ticket(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.number = source["number"];
	        this.subject = source["subject"];
	        this.state = source["state"];
	        this.group_id = source["group_id"];
	        this.customer = source["customer"];
	        this.unread = source["unread"];
	        this.created_at = source["created_at"];
	        this.updated_at = source["updated_at"];
	        this.security = source["security"];
	    }
	}
	export class TicketPage {
	    total: number;
	    tickets: Ticket[];
	
	    static createFrom(source: any = {}) {
	        return new TicketPage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.total = source["total"];
	        this.tickets = this.convertValues(source["tickets"], Ticket);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class TicketQuery {
	    search: string;
	    state: string;
	    offset: number;
	    limit: number;
	
	    static createFrom(source: any = {}) {
	        return new TicketQuery(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.search = source["search"];
	        this.state = source["state"];
	        this.offset = source["offset"];
	        this.limit = source["limit"];
	    }
	}

}

