export namespace app {
	
	export class AccountBundles {
	    account: string;
	    bundles: mailbox.TeamBundle[];
	
	    static createFrom(source: any = {}) {
	        return new AccountBundles(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.account = source["account"];
	        this.bundles = this.convertValues(source["bundles"], mailbox.TeamBundle);
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
	export class AddAttachmentRequest {
	    draft_id: number;
	    name: string;
	    content_type: string;
	    data: string;
	
	    static createFrom(source: any = {}) {
	        return new AddAttachmentRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.draft_id = source["draft_id"];
	        this.name = source["name"];
	        this.content_type = source["content_type"];
	        this.data = source["data"];
	    }
	}
	export class AgentList {
	    me: store.Agent;
	    agents: store.Agent[];
	
	    static createFrom(source: any = {}) {
	        return new AgentList(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.me = this.convertValues(source["me"], store.Agent);
	        this.agents = this.convertValues(source["agents"], store.Agent);
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
	export class ContentSection {
	    origin: string;
	    label: string;
	    document: string;
	    remote_blocked: number;
	    notices: string[];
	    attachments: mime.Attachment[];
	    links: mime.Link[];
	
	    static createFrom(source: any = {}) {
	        return new ContentSection(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.origin = source["origin"];
	        this.label = source["label"];
	        this.document = source["document"];
	        this.remote_blocked = source["remote_blocked"];
	        this.notices = source["notices"];
	        this.attachments = this.convertValues(source["attachments"], mime.Attachment);
	        this.links = this.convertValues(source["links"], mime.Link);
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
	export class ArticleContent {
	    article_id: number;
	    sections: ContentSection[];
	    remote_blocked: number;
	    load_remote: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ArticleContent(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.article_id = source["article_id"];
	        this.sections = this.convertValues(source["sections"], ContentSection);
	        this.remote_blocked = source["remote_blocked"];
	        this.load_remote = source["load_remote"];
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
	export class ArticleRequest {
	    article_id: number;
	
	    static createFrom(source: any = {}) {
	        return new ArticleRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.article_id = source["article_id"];
	    }
	}
	export class ArticleView {
	    article: store.ArticleSummary;
	    warnings: security.Warning[];
	    band: security.Labels;
	    can_retry: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ArticleView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.article = this.convertValues(source["article"], store.ArticleSummary);
	        this.warnings = this.convertValues(source["warnings"], security.Warning);
	        this.band = this.convertValues(source["band"], security.Labels);
	        this.can_retry = source["can_retry"];
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
	export class ArticlesRechecked {
	    changed: number;
	
	    static createFrom(source: any = {}) {
	        return new ArticlesRechecked(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.changed = source["changed"];
	    }
	}
	export class AssignRequest {
	    id: number;
	    agent: string;
	
	    static createFrom(source: any = {}) {
	        return new AssignRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.agent = source["agent"];
	    }
	}
	export class AttachmentRef {
	    id: number;
	    name: string;
	    content_type: string;
	    size: number;
	
	    static createFrom(source: any = {}) {
	        return new AttachmentRef(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.content_type = source["content_type"];
	        this.size = source["size"];
	    }
	}
	export class AttachmentRequest {
	    draft_id: number;
	    id: number;
	
	    static createFrom(source: any = {}) {
	        return new AttachmentRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.draft_id = source["draft_id"];
	        this.id = source["id"];
	    }
	}
	export class CarriedFix {
	    address: string;
	    fingerprint: string;
	    subject: string;
	    not_after: string;
	    article_id: number;
	    technology: string;
	    kind: string;
	    comment: string;
	
	    static createFrom(source: any = {}) {
	        return new CarriedFix(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.address = source["address"];
	        this.fingerprint = source["fingerprint"];
	        this.subject = source["subject"];
	        this.not_after = source["not_after"];
	        this.article_id = source["article_id"];
	        this.technology = source["technology"];
	        this.kind = source["kind"];
	        this.comment = source["comment"];
	    }
	}
	export class ChooseRequest {
	    mode: string;
	    group_id: number;
	    article_id: number;
	    from: string;
	    recipients: string[];
	    keys: Record<string, string>;
	    technology: string;
	    sign: boolean;
	    encrypt: boolean;
	    chosen: compose.Chosen;
	
	    static createFrom(source: any = {}) {
	        return new ChooseRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.mode = source["mode"];
	        this.group_id = source["group_id"];
	        this.article_id = source["article_id"];
	        this.from = source["from"];
	        this.recipients = source["recipients"];
	        this.keys = source["keys"];
	        this.technology = source["technology"];
	        this.sign = source["sign"];
	        this.encrypt = source["encrypt"];
	        this.chosen = this.convertValues(source["chosen"], compose.Chosen);
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
	export class ConflictNotice {
	    ticket_id: number;
	    number: number;
	    field: string;
	    mine: string;
	    winner_value: string;
	    winner_agent: string;
	    winner_name: string;
	    winner_at: string;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new ConflictNotice(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ticket_id = source["ticket_id"];
	        this.number = source["number"];
	        this.field = source["field"];
	        this.mine = source["mine"];
	        this.winner_value = source["winner_value"];
	        this.winner_agent = source["winner_agent"];
	        this.winner_name = source["winner_name"];
	        this.winner_at = source["winner_at"];
	        this.message = source["message"];
	    }
	}
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
	export class ContentRequest {
	    article_id: number;
	    load_remote: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ContentRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.article_id = source["article_id"];
	        this.load_remote = source["load_remote"];
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
	export class DraftMessage {
	    id: number;
	    mode: string;
	    ticket_id: number;
	    article_id: number;
	    group_id: number;
	    from: string;
	    to: string[];
	    cc: string[];
	    bcc: string[];
	    subject: string;
	    text: string;
	    sign: boolean;
	    encrypt: boolean;
	    technology: string;
	    chosen: compose.Chosen;
	    keys: Record<string, string>;
	    attachments: AttachmentRef[];
	    seen: compose.Seen;
	    in_reply_to: string;
	    references: string[];
	    updated_at: string;
	
	    static createFrom(source: any = {}) {
	        return new DraftMessage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.mode = source["mode"];
	        this.ticket_id = source["ticket_id"];
	        this.article_id = source["article_id"];
	        this.group_id = source["group_id"];
	        this.from = source["from"];
	        this.to = source["to"];
	        this.cc = source["cc"];
	        this.bcc = source["bcc"];
	        this.subject = source["subject"];
	        this.text = source["text"];
	        this.sign = source["sign"];
	        this.encrypt = source["encrypt"];
	        this.technology = source["technology"];
	        this.chosen = this.convertValues(source["chosen"], compose.Chosen);
	        this.keys = source["keys"];
	        this.attachments = this.convertValues(source["attachments"], AttachmentRef);
	        this.seen = this.convertValues(source["seen"], compose.Seen);
	        this.in_reply_to = source["in_reply_to"];
	        this.references = source["references"];
	        this.updated_at = source["updated_at"];
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
	export class DraftRequest {
	    id: number;
	
	    static createFrom(source: any = {}) {
	        return new DraftRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	    }
	}
	export class DraftSummary {
	    id: number;
	    mode: string;
	    ticket_id: number;
	    subject: string;
	    to: string[];
	    updated_at: string;
	
	    static createFrom(source: any = {}) {
	        return new DraftSummary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.mode = source["mode"];
	        this.ticket_id = source["ticket_id"];
	        this.subject = source["subject"];
	        this.to = source["to"];
	        this.updated_at = source["updated_at"];
	    }
	}
	export class ExportBundleRequest {
	    fingerprint: string;
	    passphrase: string;
	    to_team: boolean;
	    account: string;
	
	    static createFrom(source: any = {}) {
	        return new ExportBundleRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.fingerprint = source["fingerprint"];
	        this.passphrase = source["passphrase"];
	        this.to_team = source["to_team"];
	        this.account = source["account"];
	    }
	}
	export class ExportBundleResult {
	    path: string;
	    team?: mailbox.TeamBundle;
	    cancelled: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ExportBundleResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.team = this.convertValues(source["team"], mailbox.TeamBundle);
	        this.cancelled = source["cancelled"];
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
	export class ExportLogsRequest {
	    query: store.LogQuery;
	    format: string;
	
	    static createFrom(source: any = {}) {
	        return new ExportLogsRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.query = this.convertValues(source["query"], store.LogQuery);
	        this.format = source["format"];
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
	export class FixesRequest {
	    ticket_id: number;
	    addresses: string[];
	    technology: string;
	
	    static createFrom(source: any = {}) {
	        return new FixesRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ticket_id = source["ticket_id"];
	        this.addresses = source["addresses"];
	        this.technology = source["technology"];
	    }
	}
	export class ImportBundleRequest {
	    account: string;
	    uid: number;
	    passphrase: string;
	
	    static createFrom(source: any = {}) {
	        return new ImportBundleRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.account = source["account"];
	        this.uid = source["uid"];
	        this.passphrase = source["passphrase"];
	    }
	}
	export class ImportCarriedRequest {
	    ticket_id: number;
	    address: string;
	    technology: string;
	
	    static createFrom(source: any = {}) {
	        return new ImportCarriedRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ticket_id = source["ticket_id"];
	        this.address = source["address"];
	        this.technology = source["technology"];
	    }
	}
	export class ImportCertificatesRequest {
	    data: string;
	    file_name: string;
	    self_signed: string;
	
	    static createFrom(source: any = {}) {
	        return new ImportCertificatesRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.data = source["data"];
	        this.file_name = source["file_name"];
	        this.self_signed = source["self_signed"];
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
	export class ListBundlesRequest {
	    account: string;
	
	    static createFrom(source: any = {}) {
	        return new ListBundlesRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.account = source["account"];
	    }
	}
	export class MarkReadRequest {
	    id: number;
	    read: boolean;
	
	    static createFrom(source: any = {}) {
	        return new MarkReadRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.read = source["read"];
	    }
	}
	export class OpenLinkRequest {
	    article_id: number;
	    url: string;
	
	    static createFrom(source: any = {}) {
	        return new OpenLinkRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.article_id = source["article_id"];
	        this.url = source["url"];
	    }
	}
	export class OutboxRequest {
	    id: number;
	
	    static createFrom(source: any = {}) {
	        return new OutboxRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	    }
	}
	export class OutboxView {
	    id: number;
	    status: string;
	    subject: string;
	    recipients: string[];
	    technology: string;
	    sign: boolean;
	    encrypt: boolean;
	    attempts: number;
	    next_attempt: string;
	    reason: string;
	    advice: string;
	    created_at: string;
	    sent_folder: string;
	    sent_copy_error: string;
	    article_id: number;
	
	    static createFrom(source: any = {}) {
	        return new OutboxView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.status = source["status"];
	        this.subject = source["subject"];
	        this.recipients = source["recipients"];
	        this.technology = source["technology"];
	        this.sign = source["sign"];
	        this.encrypt = source["encrypt"];
	        this.attempts = source["attempts"];
	        this.next_attempt = source["next_attempt"];
	        this.reason = source["reason"];
	        this.advice = source["advice"];
	        this.created_at = source["created_at"];
	        this.sent_folder = source["sent_folder"];
	        this.sent_copy_error = source["sent_copy_error"];
	        this.article_id = source["article_id"];
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
	export class PrepareRequest {
	    mode: string;
	    ticket_id: number;
	    article_id: number;
	
	    static createFrom(source: any = {}) {
	        return new PrepareRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.mode = source["mode"];
	        this.ticket_id = source["ticket_id"];
	        this.article_id = source["article_id"];
	    }
	}
	export class ReadinessRequest {
	    technology: string;
	    from: string;
	    recipients: string[];
	    keys: Record<string, string>;
	
	    static createFrom(source: any = {}) {
	        return new ReadinessRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.technology = source["technology"];
	        this.from = source["from"];
	        this.recipients = source["recipients"];
	        this.keys = source["keys"];
	    }
	}
	export class Recheckable {
	    count: number;
	
	    static createFrom(source: any = {}) {
	        return new Recheckable(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.count = source["count"];
	    }
	}
	export class RetryResult {
	    article: ArticleView;
	    ticket: store.Ticket;
	
	    static createFrom(source: any = {}) {
	        return new RetryResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.article = this.convertValues(source["article"], ArticleView);
	        this.ticket = this.convertValues(source["ticket"], store.Ticket);
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
	export class SaveAccountRequest {
	    name: string;
	    imap: string;
	    imap_tls: string;
	    smtp: string;
	    smtp_tls: string;
	    username: string;
	    password: string;
	    pinned_cert: string;
	    smtp_pinned_cert: string;
	    no_team: boolean;
	
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
	        this.smtp_pinned_cert = source["smtp_pinned_cert"];
	        this.no_team = source["no_team"];
	    }
	}
	export class SaveAttachmentRequest {
	    article_id: number;
	    index: number;
	
	    static createFrom(source: any = {}) {
	        return new SaveAttachmentRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.article_id = source["article_id"];
	        this.index = source["index"];
	    }
	}
	export class SaveAttachmentResult {
	    path: string;
	    cancelled: boolean;
	
	    static createFrom(source: any = {}) {
	        return new SaveAttachmentResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.cancelled = source["cancelled"];
	    }
	}
	export class SendRequest {
	    send_id: string;
	    draft: DraftMessage;
	
	    static createFrom(source: any = {}) {
	        return new SendRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.send_id = source["send_id"];
	        this.draft = this.convertValues(source["draft"], DraftMessage);
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
	export class SetAgentRequest {
	    name: string;
	    address: string;
	
	    static createFrom(source: any = {}) {
	        return new SetAgentRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.address = source["address"];
	    }
	}
	export class SetStateRequest {
	    id: number;
	    state: string;
	    until: string;
	
	    static createFrom(source: any = {}) {
	        return new SetStateRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.state = source["state"];
	        this.until = source["until"];
	    }
	}
	export class SettingsView {
	    smime_enabled: boolean;
	    pgp_enabled: boolean;
	    trust_system_roots: boolean;
	    smime_aes_gcm: boolean;
	    team_auto_accept_keys: boolean;
	    data_dir: string;
	    version: string;
	    keychain: KeychainStatus;
	    agent_name: string;
	    agent_address: string;
	
	    static createFrom(source: any = {}) {
	        return new SettingsView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.smime_enabled = source["smime_enabled"];
	        this.pgp_enabled = source["pgp_enabled"];
	        this.trust_system_roots = source["trust_system_roots"];
	        this.smime_aes_gcm = source["smime_aes_gcm"];
	        this.team_auto_accept_keys = source["team_auto_accept_keys"];
	        this.data_dir = source["data_dir"];
	        this.version = source["version"];
	        this.keychain = this.convertValues(source["keychain"], KeychainStatus);
	        this.agent_name = source["agent_name"];
	        this.agent_address = source["agent_address"];
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
	    seq: number;
	
	    static createFrom(source: any = {}) {
	        return new SyncStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.running = source["running"];
	        this.state = source["state"];
	        this.account = source["account"];
	        this.message = source["message"];
	        this.seq = source["seq"];
	    }
	}
	export class TeamConflicts {
	    notices: ConflictNotice[];
	
	    static createFrom(source: any = {}) {
	        return new TeamConflicts(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.notices = this.convertValues(source["notices"], ConflictNotice);
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
	export class TicketChange {
	    ticket: store.Ticket;
	    queued: boolean;
	    message: string;
	    conflicts: ConflictNotice[];
	
	    static createFrom(source: any = {}) {
	        return new TicketChange(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ticket = this.convertValues(source["ticket"], store.Ticket);
	        this.queued = source["queued"];
	        this.message = source["message"];
	        this.conflicts = this.convertValues(source["conflicts"], ConflictNotice);
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
	export class TicketRequest {
	    id: number;
	
	    static createFrom(source: any = {}) {
	        return new TicketRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	    }
	}
	export class TicketView {
	    ticket: store.Ticket;
	    articles: ArticleView[];
	    history: store.HistoryEntry[];
	
	    static createFrom(source: any = {}) {
	        return new TicketView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ticket = this.convertValues(source["ticket"], store.Ticket);
	        this.articles = this.convertValues(source["articles"], ArticleView);
	        this.history = this.convertValues(source["history"], store.HistoryEntry);
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
	export class TrustCertificateRequest {
	    fingerprint: string;
	    on: boolean;
	
	    static createFrom(source: any = {}) {
	        return new TrustCertificateRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.fingerprint = source["fingerprint"];
	        this.on = source["on"];
	    }
	}
	export class UpdateIntegrationsRequest {
	    smime_enabled?: boolean;
	    pgp_enabled?: boolean;
	    trust_system_roots?: boolean;
	    smime_aes_gcm?: boolean;
	    team_auto_accept_keys?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new UpdateIntegrationsRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.smime_enabled = source["smime_enabled"];
	        this.pgp_enabled = source["pgp_enabled"];
	        this.trust_system_roots = source["trust_system_roots"];
	        this.smime_aes_gcm = source["smime_aes_gcm"];
	        this.team_auto_accept_keys = source["team_auto_accept_keys"];
	    }
	}

}

export namespace compose {
	
	export class Choice {
	    technology: string;
	    sign: boolean;
	    encrypt: boolean;
	    technology_why: string;
	    technology_note: string;
	    sign_held: boolean;
	    encrypt_held: boolean;
	    sign_note: string;
	    encrypt_note: string;
	    readiness: security.Readiness;
	
	    static createFrom(source: any = {}) {
	        return new Choice(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.technology = source["technology"];
	        this.sign = source["sign"];
	        this.encrypt = source["encrypt"];
	        this.technology_why = source["technology_why"];
	        this.technology_note = source["technology_note"];
	        this.sign_held = source["sign_held"];
	        this.encrypt_held = source["encrypt_held"];
	        this.sign_note = source["sign_note"];
	        this.encrypt_note = source["encrypt_note"];
	        this.readiness = this.convertValues(source["readiness"], security.Readiness);
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
	export class Chosen {
	    technology: boolean;
	    sign: boolean;
	    encrypt: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Chosen(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.technology = source["technology"];
	        this.sign = source["sign"];
	        this.encrypt = source["encrypt"];
	    }
	}
	export class Seen {
	    ticket_id: number;
	    article_id: number;
	    history_id: number;
	    reply_uid: number;
	
	    static createFrom(source: any = {}) {
	        return new Seen(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ticket_id = source["ticket_id"];
	        this.article_id = source["article_id"];
	        this.history_id = source["history_id"];
	        this.reply_uid = source["reply_uid"];
	    }
	}
	export class Meanwhile {
	    articles: store.ArticleSummary[];
	    changes: store.HistoryEntry[];
	    names: Record<string, string>;
	    now: Seen;
	
	    static createFrom(source: any = {}) {
	        return new Meanwhile(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.articles = this.convertValues(source["articles"], store.ArticleSummary);
	        this.changes = this.convertValues(source["changes"], store.HistoryEntry);
	        this.names = source["names"];
	        this.now = this.convertValues(source["now"], Seen);
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

export namespace mailbox {
	
	export class TeamBundle {
	    uid: number;
	    format: string;
	    fingerprint: string;
	    addresses: string[];
	    label: string;
	    agent: string;
	    // Go type: time
	    at: any;
	    imported: boolean;
	
	    static createFrom(source: any = {}) {
	        return new TeamBundle(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.uid = source["uid"];
	        this.format = source["format"];
	        this.fingerprint = source["fingerprint"];
	        this.addresses = source["addresses"];
	        this.label = source["label"];
	        this.agent = source["agent"];
	        this.at = this.convertValues(source["at"], null);
	        this.imported = source["imported"];
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
	export class BundleImport {
	    bundle: TeamBundle;
	    certificates?: security.ImportResult;
	    keys?: security.PGPImportResult;
	
	    static createFrom(source: any = {}) {
	        return new BundleImport(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.bundle = this.convertValues(source["bundle"], TeamBundle);
	        this.certificates = this.convertValues(source["certificates"], security.ImportResult);
	        this.keys = this.convertValues(source["keys"], security.PGPImportResult);
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

export namespace mime {
	
	export class Attachment {
	    index: number;
	    name: string;
	    content_type: string;
	    size: number;
	    inline: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Attachment(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.index = source["index"];
	        this.name = source["name"];
	        this.content_type = source["content_type"];
	        this.size = source["size"];
	        this.inline = source["inline"];
	    }
	}
	export class Link {
	    url: string;
	    text: string;
	    host: string;
	    warning: string;
	
	    static createFrom(source: any = {}) {
	        return new Link(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.url = source["url"];
	        this.text = source["text"];
	        this.host = source["host"];
	        this.warning = source["warning"];
	    }
	}

}

export namespace security {
	
	export class KeyCandidate {
	    fingerprint: string;
	    subject: string;
	    issuer: string;
	    not_after: string;
	    ok: boolean;
	    comment: string;
	
	    static createFrom(source: any = {}) {
	        return new KeyCandidate(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.fingerprint = source["fingerprint"];
	        this.subject = source["subject"];
	        this.issuer = source["issuer"];
	        this.not_after = source["not_after"];
	        this.ok = source["ok"];
	        this.comment = source["comment"];
	    }
	}
	export class AddressStatus {
	    address: string;
	    ok: boolean;
	    reason: string;
	    comment: string;
	    key: string;
	    own: boolean;
	    candidates: KeyCandidate[];
	    note?: string;
	    note_text?: string;
	
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
	        this.own = source["own"];
	        this.candidates = this.convertValues(source["candidates"], KeyCandidate);
	        this.note = source["note"];
	        this.note_text = source["note_text"];
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
	export class TeamRemovedNote {
	    agent: string;
	    agent_name?: string;
	    at: string;
	    note: string;
	
	    static createFrom(source: any = {}) {
	        return new TeamRemovedNote(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.agent = source["agent"];
	        this.agent_name = source["agent_name"];
	        this.at = source["at"];
	        this.note = source["note"];
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
	    trusted_directly: boolean;
	    created_at: string;
	    expired: boolean;
	    expires_soon: boolean;
	    not_yet_valid: boolean;
	    team_removed?: TeamRemovedNote;
	
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
	        this.trusted_directly = source["trusted_directly"];
	        this.created_at = source["created_at"];
	        this.expired = source["expired"];
	        this.expires_soon = source["expires_soon"];
	        this.not_yet_valid = source["not_yet_valid"];
	        this.team_removed = this.convertValues(source["team_removed"], TeamRemovedNote);
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
	export class ImportResult {
	    imported: store.Certificate[];
	    skipped: store.Certificate[];
	    keys: string[];
	    rechecked: number;
	    recheck_error?: string;
	    needs_choice?: store.Certificate[];
	
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
	        this.needs_choice = this.convertValues(source["needs_choice"], store.Certificate);
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
	
	export class Labels {
	    seal: string;
	    lock: string;
	
	    static createFrom(source: any = {}) {
	        return new Labels(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.seal = source["seal"];
	        this.lock = source["lock"];
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
	    unprotected?: string[];
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
	        this.unprotected = source["unprotected"];
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
	    superseded_for?: string[];
	    expired: boolean;
	    expires_soon: boolean;
	    team_removed?: TeamRemovedNote;
	
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
	        this.superseded_for = source["superseded_for"];
	        this.expired = source["expired"];
	        this.expires_soon = source["expires_soon"];
	        this.team_removed = this.convertValues(source["team_removed"], TeamRemovedNote);
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
	
	export class PendingResult {
	    pending: store.PendingKey;
	    rechecked: number;
	    recheck_error?: string;
	    superseded?: string[];
	    note?: string;
	
	    static createFrom(source: any = {}) {
	        return new PendingResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.pending = this.convertValues(source["pending"], store.PendingKey);
	        this.rechecked = source["rechecked"];
	        this.recheck_error = source["recheck_error"];
	        this.superseded = source["superseded"];
	        this.note = source["note"];
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
	
	export class TrustResult {
	    certificate: store.Certificate;
	    rechecked: number;
	    recheck_error?: string;
	
	    static createFrom(source: any = {}) {
	        return new TrustResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.certificate = this.convertValues(source["certificate"], store.Certificate);
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
	export class Warning {
	    kind: string;
	    title: string;
	    fix: string;
	    retry: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Warning(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.title = source["title"];
	        this.fix = source["fix"];
	        this.retry = source["retry"];
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
	    folders?: string[];
	    no_team: boolean;
	
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
	        this.folders = source["folders"];
	        this.no_team = source["no_team"];
	    }
	}
	export class Agent {
	    address: string;
	    name: string;
	
	    static createFrom(source: any = {}) {
	        return new Agent(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.address = source["address"];
	        this.name = source["name"];
	    }
	}
	export class ArticleSummary {
	    id: number;
	    message_id: string;
	    from: string;
	    to: string;
	    subject: string;
	    date: string;
	    direction: string;
	    security: verdict.Result;
	    pending: boolean;
	    expunged: boolean;
	    agent: string;
	    agent_name: string;
	
	    static createFrom(source: any = {}) {
	        return new ArticleSummary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.message_id = source["message_id"];
	        this.from = source["from"];
	        this.to = source["to"];
	        this.subject = source["subject"];
	        this.date = source["date"];
	        this.direction = source["direction"];
	        this.security = this.convertValues(source["security"], verdict.Result);
	        this.pending = source["pending"];
	        this.expunged = source["expunged"];
	        this.agent = source["agent"];
	        this.agent_name = source["agent_name"];
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
	    trusted_directly: boolean;
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
	        this.trusted_directly = source["trusted_directly"];
	        this.created_at = source["created_at"];
	    }
	}
	export class Contact {
	    name: string;
	    address: string;
	
	    static createFrom(source: any = {}) {
	        return new Contact(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.address = source["address"];
	    }
	}
	export class ContactQuery {
	    prefix: string;
	    limit: number;
	
	    static createFrom(source: any = {}) {
	        return new ContactQuery(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.prefix = source["prefix"];
	        this.limit = source["limit"];
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
	export class HistoryEntry {
	    field: string;
	    value: string;
	    agent: string;
	    at: string;
	    outcome: string;
	
	    static createFrom(source: any = {}) {
	        return new HistoryEntry(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.field = source["field"];
	        this.value = source["value"];
	        this.agent = source["agent"];
	        this.at = source["at"];
	        this.outcome = source["outcome"];
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
	    direction: string;
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
	        this.direction = source["direction"];
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
	    superseded_for?: string[];
	
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
	        this.superseded_for = source["superseded_for"];
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
	    update?: boolean;
	    update_summary?: string;
	    seen: number;
	    finding: string;
	    origin?: string;
	    origin_agent?: string;
	    origin_agent_name?: string;
	
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
	        this.update = source["update"];
	        this.update_summary = source["update_summary"];
	        this.seen = source["seen"];
	        this.finding = source["finding"];
	        this.origin = source["origin"];
	        this.origin_agent = source["origin_agent"];
	        this.origin_agent_name = source["origin_agent_name"];
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
	    pending: boolean;
	    owner?: string;
	    pending_until?: string;
	
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
	        this.pending = source["pending"];
	        this.owner = source["owner"];
	        this.pending_until = source["pending_until"];
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
	    group_id: number;
	    security: string;
	    unread: boolean;
	    owner?: string;
	    offset: number;
	    limit: number;
	
	    static createFrom(source: any = {}) {
	        return new TicketQuery(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.search = source["search"];
	        this.state = source["state"];
	        this.group_id = source["group_id"];
	        this.security = source["security"];
	        this.unread = source["unread"];
	        this.owner = source["owner"];
	        this.offset = source["offset"];
	        this.limit = source["limit"];
	    }
	}

}

export namespace verdict {
	
	export class ChainLink {
	    subject: string;
	    fingerprint: string;
	    anchor: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ChainLink(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.subject = source["subject"];
	        this.fingerprint = source["fingerprint"];
	        this.anchor = source["anchor"];
	    }
	}
	export class Check {
	    kind: string;
	    name: string;
	    signer: number;
	    layer: number;
	    ok: boolean;
	    detail?: string;
	    reason?: string;
	
	    static createFrom(source: any = {}) {
	        return new Check(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.kind = source["kind"];
	        this.name = source["name"];
	        this.signer = source["signer"];
	        this.layer = source["layer"];
	        this.ok = source["ok"];
	        this.detail = source["detail"];
	        this.reason = source["reason"];
	    }
	}
	export class EncryptionResult {
	    success: boolean;
	    comment: string;
	    algorithm?: string;
	    key?: string;
	    integrity_protected: boolean;
	    failure?: string;
	
	    static createFrom(source: any = {}) {
	        return new EncryptionResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.success = source["success"];
	        this.comment = source["comment"];
	        this.algorithm = source["algorithm"];
	        this.key = source["key"];
	        this.integrity_protected = source["integrity_protected"];
	        this.failure = source["failure"];
	    }
	}
	export class Signer {
	    subject: string;
	    fingerprint: string;
	    emails: string[];
	    // Go type: time
	    not_before: any;
	    // Go type: time
	    not_after: any;
	    valid: boolean;
	    comment?: string;
	    chain?: ChainLink[];
	    trusted_directly?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new Signer(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.subject = source["subject"];
	        this.fingerprint = source["fingerprint"];
	        this.emails = source["emails"];
	        this.not_before = this.convertValues(source["not_before"], null);
	        this.not_after = this.convertValues(source["not_after"], null);
	        this.valid = source["valid"];
	        this.comment = source["comment"];
	        this.chain = this.convertValues(source["chain"], ChainLink);
	        this.trusted_directly = source["trusted_directly"];
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
	export class SignResult {
	    success: boolean;
	    comment: string;
	    signers: Signer[];
	    checks?: Check[];
	    reason?: string;
	
	    static createFrom(source: any = {}) {
	        return new SignResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.success = source["success"];
	        this.comment = source["comment"];
	        this.signers = this.convertValues(source["signers"], Signer);
	        this.checks = this.convertValues(source["checks"], Check);
	        this.reason = source["reason"];
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
	export class OuterSignature {
	    type: string;
	    sign: SignResult;
	
	    static createFrom(source: any = {}) {
	        return new OuterSignature(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.type = source["type"];
	        this.sign = this.convertValues(source["sign"], SignResult);
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
	export class Sender {
	    from: string;
	    name?: string;
	    ascii?: string;
	    problem?: string;
	    detail?: string;
	    reply_to?: string[];
	    agent?: string;
	
	    static createFrom(source: any = {}) {
	        return new Sender(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.from = source["from"];
	        this.name = source["name"];
	        this.ascii = source["ascii"];
	        this.problem = source["problem"];
	        this.detail = source["detail"];
	        this.reply_to = source["reply_to"];
	        this.agent = source["agent"];
	    }
	}
	export class Result {
	    type: string;
	    signed: boolean;
	    encrypted: boolean;
	    sign: SignResult;
	    encryption: EncryptionResult;
	    // Go type: time
	    processed_at: any;
	    sender?: Sender;
	    repaired?: string;
	    outer_signature?: OuterSignature;
	
	    static createFrom(source: any = {}) {
	        return new Result(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.type = source["type"];
	        this.signed = source["signed"];
	        this.encrypted = source["encrypted"];
	        this.sign = this.convertValues(source["sign"], SignResult);
	        this.encryption = this.convertValues(source["encryption"], EncryptionResult);
	        this.processed_at = this.convertValues(source["processed_at"], null);
	        this.sender = this.convertValues(source["sender"], Sender);
	        this.repaired = source["repaired"];
	        this.outer_signature = this.convertValues(source["outer_signature"], OuterSignature);
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

