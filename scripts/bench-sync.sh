#!/usr/bin/env bash
# The sync half of `make bench` (called by scripts/bench.sh): SealDesk's
# initial sync of 10,000 mails from Dovecot, a fifth of them S/MIME
# (signed, encrypted, signed+encrypted, made by OpenSSL), beside mbsync
# (isync) mirroring the same INBOX to a Maildir in the same run; then
# no-change resyncs at 1,000, 10,000 and (SEALDESK_BENCH_BIG=1) 100,000
# mails; peak memory of both.
#
#   scripts/bench-sync.sh WORKDIR     # WORKDIR/rsa2048 is reused if there
#
# Its own Dovecot (scripts/services.sh, on loopback, in a temp dir) is
# seeded by writing Maildir files directly (scripts/benchseed), then
# indexed and cached once with doveadm fetch, before either client connects: both peers
# read the same indexed, page-cached mailbox. SealDesk's side is
# BenchmarkDovecotSync (mailbox/bench_sync_test.go): the product's
# Service.SyncOnce with the security engines, a SQLite profile and an
# in-memory keychain holding Bob's key. mbsync is timed with
# /usr/bin/time -v, with its default FSync yes and with FSync no.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$1
n=${SEALDESK_BENCH_SYNC_N:-10000}
small=1000 big=100000
pki=$work/rsa2048

if [ ! -s "$pki/signed+encrypted.eml" ]; then # standalone: the PKI bench.sh makes
	mkdir -p "$pki"
	(
		cd "$pki"
		openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ca.key 2>/dev/null
		openssl req -x509 -new -key ca.key -subj "/CN=Bench CA rsa2048" -days 30 -sha256 \
			-addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign -out ca.crt
		for who in alice bob; do
			openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out $who.key 2>/dev/null
			openssl req -new -key $who.key -subj "/CN=$who" -out $who.csr
			printf 'subjectAltName=email:%s@example.test\nextendedKeyUsage=emailProtection\nkeyUsage=critical,digitalSignature,keyEncipherment\n' $who >$who.ext
			openssl x509 -req -in $who.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -sha256 -extfile $who.ext -out $who.crt 2>/dev/null
		done
		{
			printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'
			for i in $(seq 40); do printf 'Line %02d of a support request about a printer that prints only on Tuesdays.\r\n' "$i"; done
		} >body.mime
		hdr=(-from alice@example.test -to bob@example.test -subject Benchmark)
		openssl cms -sign -md sha256 -in body.mime -signer alice.crt -inkey alice.key "${hdr[@]}" >signed.eml
		openssl cms -encrypt -aes256 -in body.mime "${hdr[@]}" bob.crt >encrypted.eml
		openssl cms -sign -md sha256 -in body.mime -signer alice.crt -inkey alice.key >inner.mime
		openssl cms -encrypt -aes256 -in inner.mime "${hdr[@]}" bob.crt >signed+encrypted.eml
	)
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "bench-sync: skipped: Dovecot's throwaway instance (scripts/services.sh) needs root"
	exit 0
fi
for prog in mbsync doveadm /usr/bin/time; do
	command -v "$prog" >/dev/null || { echo "bench-sync: $prog missing: run scripts/deps.sh" >&2; exit 1; }
done

svc=$(mktemp -d /tmp/sealdesk-bench-sync.XXXXXX)
stop_services() {
	scripts/services.sh stop "$svc" >/dev/null 2>&1 || true
	[ "${SEALDESK_TEST_KEEP:-}" = 1 ] && echo "bench-sync: kept $svc" >&2 || rm -rf "$svc"
}
trap stop_services EXIT
scripts/services.sh start "$svc" 2>"$work/services.log" || { cat "$work/services.log" >&2; exit 1; }
# shellcheck source=/dev/null
. "$svc/env"
conf=$SEALDESK_TEST_DOVECOT_CONF user=$SEALDESK_TEST_MAIL_USER
maildir=$svc/mail/example.test/${user%@*}/Maildir

echo "==> building the seeder and the benchmark"
go build -o "$work/benchseed" ./scripts/benchseed
go test -c -o "$work/mailbox.test" ./mailbox/

# seed FOLDER COUNT: Maildir files, then one doveadm pass to index them.
seed() {
	local folder=$1 count=$2 dir=$maildir t0 t1 t2
	[ "$folder" = INBOX ] || dir=$maildir/.$folder
	t0=$(date +%s.%N)
	"$work/benchseed" -dir "$dir" -n "$count" -smime "$pki" -tag "$folder"
	chown -R mail:mail "$svc/mail"
	t1=$(date +%s.%N)
	# Dovecot's index and cache (sizes, dates, flags) are built here once,
	# not during whichever client comes first.
	doveadm -c "$conf" fetch -u "$user" "uid flags size.virtual date.received" mailbox "$folder" all >/dev/null
	t2=$(date +%s.%N)
	printf '    %s: %d mails written in %.1f s, indexed by Dovecot in %.1f s\n' "$folder" "$count" \
		"$(echo "$t1 - $t0" | bc -l)" "$(echo "$t2 - $t1" | bc -l)"
}

echo "==> seeding Dovecot's Maildir"
seed INBOX "$n"
seed r$small $small
[ "${SEALDESK_BENCH_BIG:-}" = 1 ] && seed r$big $big

# sealdesk NAME FOLDER COUNT: BenchmarkDovecotSync in a process of its own.
sealdesk() {
	echo "==> SealDesk: initial sync + no-change resyncs of $2 ($3 mails)"
	SEALDESK_BENCH_SYNC_PKI=$pki SEALDESK_BENCH_SYNC_FOLDER=$2 SEALDESK_BENCH_SYNC_N=$3 \
		"$work/mailbox.test" -test.run '^$' -test.bench '^BenchmarkDovecotSync$' -test.benchtime 1x \
		${SEALDESK_BENCH_SYNC_PROFILE:+-test.cpuprofile "$work/$1.cpu"} | tee "$work/$1.txt"
}
metric() { # metric NAME UNIT
	awk -v u="$2" '/^BenchmarkDovecotSync/ { for (i = 3; i <= NF; i++) if ($(i + 1) == u) print $i }' "$work/$1.txt"
}

# mbsync NAME FSYNC: one mbsync run mirroring INBOX; NAME.time is time -v.
mbsync_run() {
	local name=$1 fsync=$2 mb=$work/mbsync-$2
	mkdir -p "$mb"
	cat >"$work/mbsyncrc-$fsync" <<-EOF
		FSync $fsync
		IMAPAccount bench
		Host ${SEALDESK_TEST_IMAP_ADDR%:*}
		Port ${SEALDESK_TEST_IMAP_ADDR##*:}
		User $user
		Pass $SEALDESK_TEST_MAIL_PASSWORD
		SSLType None
		AuthMechs LOGIN

		IMAPStore remote
		Account bench

		MaildirStore local
		Path $mb/
		Inbox $mb/INBOX

		Channel inbox
		Far :remote:
		Near :local:
		Patterns INBOX
		Sync Pull
		Create Near
		SyncState *
	EOF
	/usr/bin/time -v -o "$work/$name.time" mbsync -q -c "$work/mbsyncrc-$fsync" inbox
}
wall() { # wall NAME: seconds from time -v's h:mm:ss or m:ss
	awk -F': ' '/Elapsed \(wall clock\)/ { k = split($2, a, ":"); s = 0; for (i = 1; i <= k; i++) s = s * 60 + a[i]; print s }' "$work/$1.time"
}
rss() { awk -F': ' '/Maximum resident set size/ { print $2 / 1024 }' "$work/$1.time"; }

echo "==> mbsync $(mbsync --version | awk '{print $2}'): INBOX to a Maildir, FSync yes (its default)"
mbsync_run mbsync-yes yes
echo "==> mbsync: no-change resync"
mbsync_run mbsync-resync yes
got=$(find "$work/mbsync-yes/INBOX/cur" "$work/mbsync-yes/INBOX/new" -type f | wc -l)
[ "$got" -eq "$n" ] || { echo "bench-sync: mbsync mirrored $got mails, not $n" >&2; exit 1; }
sealdesk inbox INBOX "$n"
echo "==> mbsync: INBOX to a Maildir, FSync no"
mbsync_run mbsync-no no
sealdesk small r$small $small
[ "${SEALDESK_BENCH_BIG:-}" = 1 ] && sealdesk big r$big $big

sd_s=$(metric inbox initial-s)
yes_s=$(wall mbsync-yes) no_s=$(wall mbsync-no)
best=$(echo "if ($yes_s < $no_s) $yes_s else $no_s" | bc -l)
ratio=$(echo "$sd_s / $best" | bc -l)
echo
echo "Initial sync of $n mails ($((n / 5)) S/MIME) from Dovecot on loopback, same run"
printf '%-36s %9s %9s %12s\n' "" "wall" "msgs/s" "peak RSS"
printf '%-36s %7.2f s %9.0f %9.0f MB\n' "SealDesk (store + threading + S/MIME)" "$sd_s" "$(metric inbox msgs/s)" "$(metric inbox peak-RSS-MB)"
for f in yes no; do
	printf '%-36s %7.2f s %9.0f %9.0f MB\n' "mbsync, FSync $f" "$(wall mbsync-$f)" "$(echo "$n / $(wall mbsync-$f)" | bc -l)" "$(rss mbsync-$f)"
done
verdict() { [ "$(echo "$1" | bc -l)" = 1 ] && echo met || echo "NOT met"; }
r_yes=$(echo "$sd_s / $yes_s" | bc -l)
r_no=$(echo "$sd_s / $no_s" | bc -l)
printf 'goal: SealDesk within 1.5x of mbsync: %.2fx mbsync as installed (FSync yes), %s; %.2fx mbsync with FSync no, %s\n' \
	"$r_yes" "$(verdict "$r_yes <= 1.5")" "$r_no" "$(verdict "$r_no <= 1.5")"
echo "(SealDesk's SQLite runs WAL with synchronous=NORMAL, no fsync per commit, closer to FSync no: read both)"

echo
echo "No-change resync (SealDesk: connect, LOGIN, LIST, SELECT folder and Sent, LOGOUT; first pass, then median/max of 9)"
printf '%-10s %10s %10s %10s %10s\n' mails first median max "goal"
row() { # row NAME COUNT
	local med; med=$(metric "$1" resync-median-ms)
	printf '%-10s %7.1f ms %7.1f ms %7.1f ms %10s\n' "$2" "$(metric "$1" resync-first-ms)" "$med" \
		"$(metric "$1" resync-max-ms)" "$(verdict "$med < 100")"
}
row small $small
row inbox "$n"
if [ "${SEALDESK_BENCH_BIG:-}" = 1 ]; then
	row big $big
	printf '(initial sync of %d: %.1f s, %.0f msgs/s, peak RSS %.0f MB)\n' $big "$(metric big initial-s)" \
		"$(metric big msgs/s)" "$(metric big peak-RSS-MB)"
else
	printf '%-10s %s\n' $big "skipped: set SEALDESK_BENCH_BIG=1 (seeds and initial-syncs 100,000 mails first; see README)"
fi
printf 'mbsync no-change resync of %d: %.0f ms (the whole mbsync process, FSync yes)\n' "$n" \
	"$(echo "$(wall mbsync-resync) * 1000" | bc -l)"
echo "goal: initial sync within 1.5x of mbsync while doing the security work; a no-change resync under 100 ms, flat in the mailbox size"
