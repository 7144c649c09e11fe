#!/usr/bin/env bash
# Throwaway Dovecot + Postfix instances for SealDesk integration tests.
#
#   scripts/services.sh start DIR   # configure + start both daemons in DIR,
#                                   # write DIR/env (sourceable exports)
#   scripts/services.sh stop DIR    # stop both daemons by PID (idempotent);
#                                   # also ends Dovecot mail processes that
#                                   # outlive their master (see term_pidfile)
#
# Usually you want scripts/with-services.sh CMD... instead, which picks a temp
# DIR, starts, exports the variables, runs CMD and always stops.
#
# Nothing here touches the system daemons or /etc: every file (configs, TLS
# cert, mail, queue, logs, PID files) lives under DIR and every listener is on
# 127.0.0.1 with a free high port.  Must run as root (Postfix' master refuses
# anything else, and Dovecot needs it to switch to its service users).
#
# Layout of DIR (must be traversable by the unprivileged dovecot/dovenull/mail
# users, hence chmod 755):
#   env                    exported SEALDESK_TEST_* variables
#   tls/cert.pem key.pem   self-signed cert for 127.0.0.1/localhost
#   dovecot/dovecot.conf   config; run/ = base_dir (master.pid); dovecot.log
#   dovecot/users          passwd-file with the two test users
#   mail/<domain>/<user>/Maildir  mail (owned by the "mail" system user)
#   postfix/etc/           main.cf + master.cf; queue/ (pid/master.pid); data/
#   postfix/postfix.log
#
# Postfix second instance: as root, `postfix -c DIR` does NOT consult
# alternate_config_directories in /etc/postfix/main.cf (that check only
# applies to non-root callers), so a plain `postfix -c DIR/postfix/etc start`
# works even when the system Postfix is unconfigured ("No configuration").
# postfix-script creates the queue sub-directories itself; data_directory
# must be owned by mail_owner.  Logging goes to maillog_file (postlogd),
# because containers usually have no syslog.
#
# Timing (2 vCPU container): start 0.3-1 s, stop 1.5-3 s (Dovecot's log
# process lingers ~1 s after SIGTERM); both daemons are stopped in parallel.
#
# Environment knobs (optional):
#   SEALDESK_TEST_MAIL_PASSWORD / SEALDESK_TEST_MAIL_PASSWORD2  fixed passwords
#                                   (default: random per start)
#   SEALDESK_TEST_START_TIMEOUT     seconds to wait for listeners (default 10)
set -euo pipefail

USER1=agent@example.test
USER2=helpdesk@example.test
MAIL_UID_USER=mail # system user owning the test Maildirs
START_TIMEOUT=${SEALDESK_TEST_START_TIMEOUT:-10}

log() { printf 'services: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() {
	cat >&2 <<-EOF
		usage: $0 start DIR | stop DIR
	EOF
	exit 2
}

# ---------------------------------------------------------------- helpers --

# port_busy PORT: true if something listens on 127.0.0.1:PORT (or any addr).
port_busy() {
	ss -Htln "sport = :$1" 2>/dev/null | grep -q .
}

# pick_ports N: print N distinct free TCP ports (random, 20000-59999).
pick_ports() {
	local n=$1 p picked=" "
	while [ "$n" -gt 0 ]; do
		p=$((20000 + RANDOM % 40000))
		case $picked in *" $p "*) continue ;; esac
		port_busy "$p" && continue
		picked="$picked$p "
		n=$((n - 1))
	done
	echo "$picked"
}

# wait_port PORT SECONDS: wait until a TCP connect to 127.0.0.1:PORT works.
wait_port() {
	local port=$1 deadline=$((SECONDS + $2))
	while [ "$SECONDS" -le "$deadline" ]; do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# term_pidfile NAME FILE: send SIGTERM to the PID in FILE; appends the PID to
# STOP_PIDS so wait_stopped can wait for it. Both daemons are signalled first
# and then waited for together, because each takes 1-3 s to shut down.
STOP_PIDS=""
STOP_CHILDREN=""
term_pidfile() {
	local name=$1 file=$2 pid
	[ -s "$file" ] || { log "$name: no PID file, not running"; return 0; }
	pid=$(tr -dc 0-9 <"$file")
	if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
		log "$name: PID ${pid:-?} not running"
		return 0
	fi
	log "$name: stopping PID $pid"
	# Remember the master's children: Dovecot 2.3 leaves logged-in imap
	# processes (plus log/stats) running after its master exits, until their
	# clients disconnect.  They are signalled too once the master is gone.
	STOP_CHILDREN="$STOP_CHILDREN $(pgrep -P "$pid" | tr '\n' ' ')"
	kill -TERM "$pid" 2>/dev/null || true
	STOP_PIDS="$STOP_PIDS $pid"
}

# wait_pids SECONDS PID...: wait until all PIDs are gone, SIGKILL leftovers.
wait_pids() {
	local secs=$1 pid left i
	shift
	for i in $(seq $((secs * 20))); do
		left=""
		for pid in "$@"; do
			kill -0 "$pid" 2>/dev/null && left="$left $pid"
		done
		[ -z "$left" ] && return 0
		sleep 0.05
	done
	log "PIDs$left ignored SIGTERM for ${secs}s, sending SIGKILL"
	# shellcheck disable=SC2086
	kill -KILL $left 2>/dev/null || true
}

# wait_stopped: wait for the masters, then for their orphaned children.
wait_stopped() {
	local pid left=""
	# shellcheck disable=SC2086
	wait_pids 8 $STOP_PIDS
	for pid in $STOP_CHILDREN; do
		# Still alive and still a Dovecot binary (guards against PID reuse)?
		case $(readlink "/proc/$pid/exe" 2>/dev/null) in
		/usr/lib/dovecot/* | */dovecot) kill -TERM "$pid" 2>/dev/null && left="$left $pid" ;;
		esac
	done
	# shellcheck disable=SC2086
	[ -z "$left" ] || wait_pids 3 $left
}

dump_logs() {
	local f
	for f in "$DIR/dovecot/dovecot.log" "$DIR/postfix/postfix.log" "$DIR/dovecot/start.out" "$DIR/postfix/start.out"; do
		[ -s "$f" ] || continue
		printf '\n===== %s (last 60 lines) =====\n' "$f" >&2
		tail -n 60 "$f" >&2
	done
}

# ------------------------------------------------------------- configure --

write_tls() {
	mkdir -p "$DIR/tls"
	# EC P-256 is fast to generate; SANs cover both ways tests may dial.
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-days 30 -subj "/CN=localhost/O=SealDesk test harness" \
		-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
		-keyout "$DIR/tls/key.pem" -out "$DIR/tls/cert.pem" 2>/dev/null
	# Key is read by the dovecot config process (root) only.
	chmod 600 "$DIR/tls/key.pem"
	chmod 644 "$DIR/tls/cert.pem"
}

write_dovecot() {
	local d=$DIR/dovecot uid gid
	uid=$(id -u "$MAIL_UID_USER")
	gid=$(id -g "$MAIL_UID_USER")
	mkdir -p "$d/run" "$d/state" "$DIR/mail"
	chown "$uid:$gid" "$DIR/mail"
	chmod 700 "$DIR/mail"

	# passwd-file: user:{SCHEME}password:uid:gid::home  (auth runs as the
	# unprivileged "dovecot" user, so the file must be world-readable here).
	{
		printf '%s:{PLAIN}%s:%s:%s::%s\n' "$USER1" "$PASS1" "$uid" "$gid" "$DIR/mail/example.test/${USER1%@*}"
		printf '%s:{PLAIN}%s:%s:%s::%s\n' "$USER2" "$PASS2" "$uid" "$gid" "$DIR/mail/example.test/${USER2%@*}"
	} >"$d/users"
	chmod 644 "$d/users"

	cat >"$d/dovecot.conf" <<EOF
# Generated by scripts/services.sh for the SealDesk test harness.
# Do not edit: regenerated on every start.
instance_name = sealdesk-test
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
info_log_path = $d/dovecot.log
debug_log_path = $d/dovecot.log

protocols = imap lmtp submission
listen = 127.0.0.1
hostname = mail.example.test
postmaster_address = postmaster@example.test

# We run as root; services drop to these users.
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = $uid
first_valid_gid = $gid
mail_uid = $uid
mail_gid = $gid

ssl = yes
ssl_cert = <$DIR/tls/cert.pem
ssl_key = <$DIR/tls/key.pem
ssl_min_protocol = TLSv1.2

# Tests log in over plaintext IMAP/submission on loopback.
disable_plaintext_auth = no
auth_mechanisms = plain login
# NB: failed logins still cost 0.5 s, and Dovecot's auth penalty (anvil,
# per client IP, not configurable in 2.3) delays the *next* login from the
# same IP by 2-15 s.  Tests of wrong passwords should connect from another
# loopback source address: see testenv.IsolatedDialer.
auth_failure_delay = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $d/users
}

mail_location = maildir:~/Maildir
mail_fsync = never
namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \Junk
    auto = subscribe
  }
  mailbox Archive {
    special_use = \Archive
    auto = subscribe
  }
}

# CONDSTORE/QRESYNC/IDLE/SPECIAL-USE are advertised by Dovecot 2.3 by
# default; IDLE notifications use inotify, plus a 1s fallback poll.
mailbox_idle_check_interval = 1 secs
imap_idle_notify_interval = 2 mins
mail_max_userip_connections = 200

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $IMAPS_PORT
    ssl = yes
  }
  # Keep login processes around: faster logins in tests.
  service_count = 0
  process_min_avail = 1
}
service submission-login {
  inet_listener submission {
    address = 127.0.0.1
    port = $SUBMISSION_PORT
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $LMTP_PORT
  }
}
# No POP3, no doveadm TCP, no stats listeners beyond the default unix ones.

submission_relay_host = 127.0.0.1
submission_relay_port = $SMTP_PORT
submission_relay_trusted = yes
submission_relay_ssl = no

protocol lmtp {
  lmtp_save_to_detail_mailbox = no
}
lda_mailbox_autocreate = yes
EOF
}

write_postfix() {
	local p=$DIR/postfix
	mkdir -p "$p/etc" "$p/queue" "$p/data"
	chown postfix: "$p/data"
	cat >"$p/etc/main.cf" <<EOF
# Generated by scripts/services.sh for the SealDesk test harness.
compatibility_level = 3.6
queue_directory = $p/queue
data_directory = $p/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = $p/postfix.log
maillog_file_prefixes = $p

myhostname = mx.example.test
mydomain = example.test
myorigin = \$myhostname
# Nothing is delivered locally: example.test is relayed into Dovecot LMTP,
# everything else bounces immediately.
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relay_domains = example.test
relay_recipient_maps =
relay_transport = lmtp:inet:127.0.0.1:$LMTP_PORT
default_transport = error:5.7.1 outbound mail is disabled in the SealDesk test harness

inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions =
smtpd_peername_lookup = no
disable_dns_lookups = yes
smtp_dns_support_level = disabled
lmtp_dns_support_level = disabled
smtp_host_lookup = native
lmtp_host_lookup = native

biff = no
smtputf8_enable = no
# Deliver / retry fast.
queue_run_delay = 5s
minimal_backoff_time = 5s
maximal_backoff_time = 10s
in_flow_delay = 0
EOF
	# Minimal master.cf: no chroot (the queue dir is not a chroot jail), our
	# SMTP listener on the loopback port, nothing else listening on TCP.
	cat >"$p/etc/master.cf" <<EOF
# service        type  private unpriv chroot wakeup maxproc command
127.0.0.1:$SMTP_PORT inet n       -      n      -      -       smtpd
pickup           unix  n       -      n      60     1       pickup
cleanup          unix  n       -      n      -      0       cleanup
qmgr             unix  n       -      n      300    1       qmgr
rewrite          unix  -       -      n      -      -       trivial-rewrite
bounce           unix  -       -      n      -      0       bounce
defer            unix  -       -      n      -      0       bounce
trace            unix  -       -      n      -      0       bounce
verify           unix  -       -      n      -      1       verify
flush            unix  n       -      n      1000?  0       flush
proxymap         unix  -       -      n      -      -       proxymap
proxywrite       unix  -       -      n      -      1       proxymap
smtp             unix  -       -      n      -      -       smtp
relay            unix  -       -      n      -      -       smtp
showq            unix  n       -      n      -      -       showq
error            unix  -       -      n      -      -       error
retry            unix  -       -      n      -      -       error
discard          unix  -       -      n      -      -       discard
lmtp             unix  -       -      n      -      -       lmtp
anvil            unix  -       -      n      -      1       anvil
scache           unix  -       -      n      -      1       scache
postlog          unix-dgram n  -      n      -      1       postlogd
EOF
	# Postfix re-reads a main.cf modified within the current second until it
	# is "old enough" (300 ms polls, ~1.5 s); backdate the files to skip that.
	touch -d '-10 seconds' "$p/etc/main.cf" "$p/etc/master.cf"
}

write_env() {
	local tmp=$DIR/env.tmp
	{
		echo "# Generated by scripts/services.sh; source this file."
		printf "export SEALDESK_TEST_IMAP_ADDR='127.0.0.1:%s'\n" "$IMAP_PORT"
		printf "export SEALDESK_TEST_IMAPS_ADDR='127.0.0.1:%s'\n" "$IMAPS_PORT"
		printf "export SEALDESK_TEST_SUBMISSION_ADDR='127.0.0.1:%s'\n" "$SUBMISSION_PORT"
		printf "export SEALDESK_TEST_LMTP_ADDR='127.0.0.1:%s'\n" "$LMTP_PORT"
		printf "export SEALDESK_TEST_SMTP_ADDR='127.0.0.1:%s'\n" "$SMTP_PORT"
		printf "export SEALDESK_TEST_TLS_CERT='%s'\n" "$DIR/tls/cert.pem"
		printf "export SEALDESK_TEST_MAIL_USER='%s'\n" "$USER1"
		printf "export SEALDESK_TEST_MAIL_PASSWORD='%s'\n" "$PASS1"
		printf "export SEALDESK_TEST_MAIL_USER2='%s'\n" "$USER2"
		printf "export SEALDESK_TEST_MAIL_PASSWORD2='%s'\n" "$PASS2"
		printf "export SEALDESK_TEST_DOVECOT_CONF='%s'\n" "$DIR/dovecot/dovecot.conf"
	} >"$tmp"
	mv "$tmp" "$DIR/env"
}

# ------------------------------------------------------------------ start --

# try_start: one attempt with fresh ports. Returns 1 on failure (daemons that
# did start are stopped again), 0 when everything listens.
try_start() {
	# shellcheck disable=SC2046
	set -- $(pick_ports 5)
	IMAP_PORT=$1 IMAPS_PORT=$2 SUBMISSION_PORT=$3 LMTP_PORT=$4 SMTP_PORT=$5
	rm -f "$DIR/dovecot/dovecot.log" "$DIR/postfix/postfix.log"
	write_dovecot
	write_postfix

	log "dovecot: starting (imap $IMAP_PORT, imaps $IMAPS_PORT, submission $SUBMISSION_PORT, lmtp $LMTP_PORT)"
	# `dovecot -c` forks into the background once all listeners are bound.
	if ! dovecot -c "$DIR/dovecot/dovecot.conf" >"$DIR/dovecot/start.out" 2>&1; then
		log "dovecot: failed to start"
		return 1
	fi
	log "postfix: starting (smtp $SMTP_PORT)"
	if ! postfix -c "$DIR/postfix/etc" start >"$DIR/postfix/start.out" 2>&1; then
		log "postfix: failed to start"
		return 1
	fi
	local port
	for port in "$IMAP_PORT" "$IMAPS_PORT" "$SUBMISSION_PORT" "$LMTP_PORT" "$SMTP_PORT"; do
		if ! wait_port "$port" "$START_TIMEOUT"; then
			log "nothing listening on 127.0.0.1:$port after ${START_TIMEOUT}s"
			return 1
		fi
	done
	return 0
}

do_start() {
	[ "$(id -u)" -eq 0 ] || die "must run as root (Postfix master and Dovecot privilege separation need it)"
	local prog
	for prog in dovecot postfix openssl ss runuser; do
		command -v "$prog" >/dev/null || die "$prog not found: run scripts/deps.sh"
	done
	if [ -s "$DIR/env" ] && [ -s "$DIR/dovecot/run/master.pid" ] &&
		kill -0 "$(cat "$DIR/dovecot/run/master.pid")" 2>/dev/null; then
		die "services already running in $DIR (run: $0 stop $DIR)"
	fi
	chmod 755 "$DIR"
	# Dovecot's unprivileged processes must be able to reach DIR.
	runuser -u dovenull -- test -x "$DIR" ||
		die "$DIR is not traversable by unprivileged users; use a directory under /tmp"

	PASS1=${SEALDESK_TEST_MAIL_PASSWORD:-$(openssl rand -hex 12)}
	PASS2=${SEALDESK_TEST_MAIL_PASSWORD2:-$(openssl rand -hex 12)}
	write_tls

	local attempt
	for attempt in 1 2 3; do
		if try_start; then
			write_env
			log "ready in ${SECONDS}s; env written to $DIR/env"
			return 0
		fi
		do_stop_quiet
		# Only a port race is worth retrying; anything else is a real error.
		if cat "$DIR"/dovecot/dovecot.log "$DIR"/dovecot/start.out "$DIR"/postfix/postfix.log \
			"$DIR"/postfix/start.out 2>/dev/null | grep -qi 'address already in use'; then
			log "port collision, retrying with new ports (attempt $attempt)"
			continue
		fi
		break
	done
	dump_logs
	die "could not start services in $DIR"
}

# ------------------------------------------------------------------- stop --

do_stop_quiet() { do_stop >/dev/null 2>&1 || true; }

do_stop() {
	STOP_PIDS="" STOP_CHILDREN=""
	term_pidfile postfix "$DIR/postfix/queue/pid/master.pid"
	term_pidfile dovecot "$DIR/dovecot/run/master.pid"
	wait_stopped
}

# ------------------------------------------------------------------- main --

[ $# -eq 2 ] || usage
case $1 in
start)
	mkdir -p "$2"
	DIR=$(cd "$2" && pwd -P)
	do_start
	;;
stop)
	[ -d "$2" ] || { log "$2 does not exist, nothing to stop"; exit 0; }
	DIR=$(cd "$2" && pwd -P)
	do_stop
	;;
*) usage ;;
esac
