#!/usr/bin/env bash
# The OpenPGP half of `make bench` (called by scripts/bench.sh): SealDesk's
# inspect pipeline and engine beside bare gopenpgp, a `gpg --decrypt` loop
# and an `sq decrypt` loop over the same GnuPG-made PGP/MIME mails, as
# ratios. Usage: bench-pgp.sh WORKDIR LOOPS
set -euo pipefail
work=$1 loops=$2
export GNUPGHOME=$work/gnupg
mkdir -m 700 -p "$GNUPGHOME"
g() { gpg --batch --quiet --pinentry-mode loopback --passphrase '' "$@"; }

mime_part() { # the entity that is signed or encrypted, CRLF, no final CRLF
	printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'
	for i in $(seq 40); do printf 'Line %02d of a support request about a printer that prints only on Tuesdays.\r\n' "$i"; done
	printf 'Regards, Alice'
}
header() { # header CONTENT-TYPE: as a client writes it, Date included (RFC 5322 section 3.6)
	printf 'Date: %s\r\nFrom: Alice <alice@example.test>\r\nTo: Bob <bob@example.test>\r\nSubject: Benchmark\r\nMIME-Version: 1.0\r\nContent-Type: %s\r\n\r\n' "$(LC_ALL=C date -R)" "$1"
}
encrypted_mail() { # encrypted_mail ARMORED-FILE: RFC 3156 section 4
	header 'multipart/encrypted; protocol="application/pgp-encrypted"; boundary="enc"'
	printf -- '--enc\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n--enc\r\nContent-Type: application/octet-stream; name="encrypted.asc"\r\n\r\n'
	sed 's/$/\r/' "$1"
	printf -- '--enc--\r\n'
}

fresh_home() {
	gpgconf --kill gpg-agent 2>/dev/null || true
	rm -rf "$GNUPGHOME" && mkdir -m 700 "$GNUPGHOME"
}

make_mails() { # make_mails ALG DIR
	local alg=$1 d=$2 who fpr
	mkdir -p "$d"
	fresh_home
	for who in Alice Bob; do
		local addr; addr=$(tr 'A-Z' 'a-z' <<<"$who")@example.test
		case $alg in
		ed25519) g --quick-gen-key "$who <$addr>" ed25519 sign 1y ;;
		rsa3072) g --quick-gen-key "$who <$addr>" rsa3072 sign 1y ;;
		esac
		fpr=$(gpg --list-keys --with-colons "$addr" | awk -F: '/^fpr/ {print $10; exit}')
		[ "$alg" = ed25519 ] && g --quick-add-key "$fpr" cv25519 encr 1y || g --quick-add-key "$fpr" rsa3072 encr 1y
	done
	g --armor --export alice@example.test >"$d/alice.pub.asc"
	g --armor --export-secret-keys bob@example.test >"$d/bob.sec.asc"
	g --export bob@example.test >"$d/bob.pub.pgp"
	g --export-secret-keys bob@example.test >"$d/bob.sec.pgp"
	g --export alice@example.test >"$d/alice.pub.pgp"

	mime_part >"$d/signed.content"
	g --armor --detach-sign --digest-algo SHA256 -u alice@example.test -o "$d/signed.sig.asc" "$d/signed.content"
	{
		header 'multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"; boundary="sig"'
		printf -- '--sig\r\n'
		cat "$d/signed.content"
		printf '\r\n--sig\r\nContent-Type: application/pgp-signature; name="signature.asc"\r\n\r\n'
		sed 's/$/\r/' "$d/signed.sig.asc"
		printf -- '--sig--\r\n'
	} >"$d/signed.eml"
	mime_part | g --armor --encrypt --trust-model always -r bob@example.test -o "$d/encrypted.asc"
	encrypted_mail "$d/encrypted.asc" >"$d/encrypted.eml"
	mime_part | g --armor --sign --encrypt --trust-model always --digest-algo SHA256 -u alice@example.test -r bob@example.test -o "$d/signed+encrypted.asc"
	encrypted_mail "$d/signed+encrypted.asc" >"$d/signed+encrypted.eml"
	# The gpg peer holds exactly what SealDesk holds: Bob's secret key and
	# Alice's public key, in a home of its own.
	fresh_home
	g --import "$d/bob.sec.pgp" "$d/alice.pub.pgp" 2>/dev/null
	gpgconf --kill gpg-agent
	mkdir -m 700 -p "$d/gnupg" && cp -r "$GNUPGHOME"/. "$d/gnupg/"
	fresh_home
}

peer() { # peer TOOL DIR KIND: seconds per mail
	local tool=$1 d=$2 kind=$3 start end
	start=$(date +%s.%N)
	for _ in $(seq "$loops"); do
		case $tool/$kind in
		gpg/signed) GNUPGHOME=$d/gnupg gpg --batch --quiet --verify "$d/signed.sig.asc" "$d/signed.content" 2>/dev/null ;;
		gpg/*) GNUPGHOME=$d/gnupg gpg --batch --quiet --decrypt "$d/$kind.asc" >/dev/null 2>&1 ;;
		sq/signed) sq verify --signer-cert "$d/alice.pub.pgp" --detached "$d/signed.sig.asc" "$d/signed.content" >/dev/null 2>&1 ;;
		sq/*) sq decrypt --recipient-key "$d/bob.sec.pgp" --signer-cert "$d/alice.pub.pgp" "$d/$kind.asc" >/dev/null 2>&1 ;;
		esac
	done
	end=$(date +%s.%N)
	echo "($end - $start) / $loops" | bc -l
}

echo "==> making OpenPGP keys and mails with $(gpg --version | head -1)"
for alg in ed25519 rsa3072; do make_mails "$alg" "$work/pgp/$alg"; done
# Check once that every peer accepts every mail: a ratio against a failing peer means nothing.
for alg in ed25519 rsa3072; do
	d=$work/pgp/$alg
	GNUPGHOME=$d/gnupg gpg --batch --quiet --verify "$d/signed.sig.asc" "$d/signed.content" 2>/dev/null
	sq decrypt --recipient-key "$d/bob.sec.pgp" --signer-cert "$d/alice.pub.pgp" "$d/signed+encrypted.asc" >/dev/null 2>&1 ||
		echo "warning: sq cannot decrypt+verify the $alg mail; its column is not comparable"
done

# The Go figures in rounds: in each, the four benchmarks of one case run in
# one process, one after the other, so that a ratio compares runs a few
# seconds apart; ratios are of CPU time per mail (cpu-ns/op), which a
# machine busy with other work disturbs far less than the wall clock, and
# the table shows the median over the rounds.
rounds=${SEALDESK_BENCH_ROUNDS:-3}
echo "==> go test -bench (security/bench_pgp_test.go), $rounds rounds"
go test -c -o "$work/security.test" ./security/
out=$work/pgp-go.txt
: >"$out"
for r in $(seq "$rounds"); do
	for alg in ed25519 rsa3072; do
		for kind in signed encrypted 'signed\+encrypted'; do
			SEALDESK_BENCH_PGP=$work/pgp "$work/security.test" -test.run '^$' -test.benchtime 1s \
				-test.bench "^BenchmarkPGP(Inspect|ProcessBatch|Engine|Bare)\$/^$alg\$/^$kind\$" | grep '^Benchmark' | sed "s/^/$r /" | tee -a "$out"
		done
	done
done
# Names go to awk through the environment: -v would read the backslash of
# "signed\+encrypted" as an escape.
median() { sort -g | awk 'BEGIN {OFMT = "%.6f"} {v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
ns() { # ns NAME: median wall time per op
	A=$1 awk '$2 ~ "^"ENVIRON["A"]"-[0-9]+$" {print $4}' "$out" | median
}
ratio() { # ratio A B: median over the rounds of A's CPU time per op over B's
	A=$1 B=$2 awk '
		function cpu() { for (i = 3; i < NF; i++) if ($(i + 1) == "cpu-ns/op") return $i }
		$2 ~ "^"ENVIRON["A"]"-[0-9]+$" {x[$1] = cpu()}
		$2 ~ "^"ENVIRON["B"]"-[0-9]+$" {y[$1] = cpu()}
		END {for (r in x) if (r in y && y[r] > 0) print x[r] / y[r]}' "$out" | median
}

echo
echo "OpenPGP, per mail ($loops CLI runs per case; Go: median wall time of $rounds rounds; ratios: median of CPU time ratios)"
printf '%-24s %11s %11s %11s %11s %11s %11s %9s %9s\n' case SealDesk batched engine gopenpgp "gpg CLI" "sq CLI" "SD/bare" "batch/bare"
for alg in ed25519 rsa3072; do
	for kind in signed encrypted signed+encrypted; do
		k=${kind//+/\\+}
		insp=$(ns "BenchmarkPGPInspect/$alg/$k") eng=$(ns "BenchmarkPGPEngine/$alg/$k") bare=$(ns "BenchmarkPGPBare/$alg/$k")
		batch=$(ns "BenchmarkPGPProcessBatch/$alg/$k")
		printf '%-24s %8.3f ms %8.3f ms %8.3f ms %8.3f ms %8.3f ms %8.3f ms %8.2fx %8.2fx\n' "$alg $kind" \
			"$(echo "$insp / 1000000" | bc -l)" "$(echo "$batch / 1000000" | bc -l)" "$(echo "$eng / 1000000" | bc -l)" "$(echo "$bare / 1000000" | bc -l)" \
			"$(echo "$(peer gpg "$work/pgp/$alg" "$kind") * 1000" | bc -l)" \
			"$(echo "$(peer sq "$work/pgp/$alg" "$kind") * 1000" | bc -l)" \
			"$(ratio "BenchmarkPGPInspect/$alg/$k" "BenchmarkPGPBare/$alg/$k")" "$(ratio "BenchmarkPGPProcessBatch/$alg/$k" "BenchmarkPGPBare/$alg/$k")"
	done
done
for alg in ed25519 rsa3072; do GNUPGHOME=$work/pgp/$alg/gnupg gpgconf --kill gpg-agent 2>/dev/null || true; done
echo "goal: the whole article pipeline within 2x of bare gopenpgp: see SD/bare (one mail by hand) and batch/bare (saved mail in batches of 32, as the sync processes it)"
