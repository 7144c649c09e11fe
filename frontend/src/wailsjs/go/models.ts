export namespace app {
	
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
	export class SettingsView {
	    smime_enabled: boolean;
	    pgp_enabled: boolean;
	    trust_system_roots: boolean;
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
	export class UpdateIntegrationsRequest {
	    smime_enabled?: boolean;
	    pgp_enabled?: boolean;
	    trust_system_roots?: boolean;
	
	    static createFrom(source: any = {}) {
	        return new UpdateIntegrationsRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.smime_enabled = source["smime_enabled"];
	        this.pgp_enabled = source["pgp_enabled"];
	        this.trust_system_roots = source["trust_system_roots"];
	    }
	}

}

export namespace store {
	
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

