#!/usr/bin/env bash
# make bench: SealDesk's S/MIME pipeline beside OpenSSL, on the same mails,
# in the same run, printed as ratios. OpenSSL makes the PKI and the mails
# (RSA-2048 and P-256; signed, encrypted, signed+encrypted); the Go
# benchmarks in security/bench_test.go read them through SEALDESK_BENCH_SMIME.
#
# Peers: `openssl speed` (one private-key operation) and a loop of
# `openssl cms -decrypt | openssl cms -verify` over the same files (that
# loop pays a process start per call, which is what a scripted peer costs).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
loops=${SEALDESK_BENCH_LOOPS:-40}

keygen() { # keygen ALG OUT
	case $1 in
	rsa2048) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$2" 2>/dev/null ;;
	p256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$2" ;;
	esac
}

make_pki() { # make_pki ALG DIR: a CA, Alice (signer) and Bob (us, recipient)
	local alg=$1 d=$2 usage
	mkdir -p "$d"
	keygen "$alg" "$d/ca.key"
	openssl req -x509 -new -key "$d/ca.key" -subj "/CN=Bench CA $alg" -days 30 -sha256 \
		-addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign -out "$d/ca.crt"
	[ "$alg" = p256 ] && usage=digitalSignature,keyAgreement || usage=digitalSignature,keyEncipherment
	for who in alice bob; do
		keygen "$alg" "$d/$who.key"
		openssl req -new -key "$d/$who.key" -subj "/CN=$who" -out "$d/$who.csr"
		printf 'subjectAltName=email:%s@example.test\nextendedKeyUsage=emailProtection\nkeyUsage=critical,%s\n' "$who" "$usage" >"$d/$who.ext"
		openssl x509 -req -in "$d/$who.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 30 -sha256 \
			-extfile "$d/$who.ext" -out "$d/$who.crt" 2>/dev/null
	done
	# A realistic body: a couple of kilobytes of text.
	{
		printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'
		for i in $(seq 40); do printf 'Line %02d of a support request about a printer that prints only on Tuesdays.\r\n' "$i"; done
	} >"$d/body.mime"
	local hdr=(-from alice@example.test -to bob@example.test -subject "Benchmark")
	openssl cms -sign -md sha256 -in "$d/body.mime" -signer "$d/alice.crt" -inkey "$d/alice.key" "${hdr[@]}" >"$d/signed.eml"
	openssl cms -encrypt -aes256 -in "$d/body.mime" "${hdr[@]}" "$d/bob.crt" >"$d/encrypted.eml"
	openssl cms -sign -md sha256 -in "$d/body.mime" -signer "$d/alice.crt" -inkey "$d/alice.key" >"$d/inner.mime"
	openssl cms -encrypt -aes256 -in "$d/inner.mime" "${hdr[@]}" "$d/bob.crt" >"$d/signed+encrypted.eml"
}

# peer_loop DIR KIND: seconds per mail for the OpenSSL CLI doing the same work.
peer_loop() {
	local d=$1 kind=$2 start end
	start=$(date +%s.%N)
	for _ in $(seq "$loops"); do
		case $kind in
		signed) openssl cms -verify -CAfile "$d/ca.crt" -in "$d/signed.eml" -out /dev/null 2>/dev/null ;;
		encrypted) openssl cms -decrypt -recip "$d/bob.crt" -inkey "$d/bob.key" -in "$d/encrypted.eml" -out /dev/null ;;
		signed+encrypted) openssl cms -decrypt -recip "$d/bob.crt" -inkey "$d/bob.key" -in "$d/signed+encrypted.eml" |
			openssl cms -verify -CAfile "$d/ca.crt" -out /dev/null 2>/dev/null ;;
		esac
	done
	end=$(date +%s.%N)
	echo "($end - $start) / $loops" | bc -l
}

echo "==> making the PKI and mails with $(openssl version)"
for alg in rsa2048 p256; do make_pki "$alg" "$work/$alg"; done

echo "==> go test -bench (security/bench_test.go)"
SEALDESK_BENCH_SMIME=$work go test -run '^$' -bench 'BenchmarkSMIME(Inspect|Engine)$|BenchmarkRSA2048PrivateOp$' -benchtime 2s ./security/ | tee "$work/go.txt"

echo "==> openssl speed"
openssl speed -seconds 2 rsa2048 ecdsap256 2>/dev/null | tee "$work/speed.txt" | grep -E '^(rsa 2048|[[:space:]]*256 bits ecdsa)'
rsa_sign=$(awk '/^rsa 2048 bits/ {print $6}' "$work/speed.txt")
ec_sign=$(awk '/256 bits ecdsa \(nistp256\)/ {print $7}' "$work/speed.txt")

ns() { awk -v n="$1" '$1 ~ n"-[0-9]+$" {print $3}' "$work/go.txt"; }

echo
echo "S/MIME, per mail ($loops OpenSSL CLI runs per case; Go: benchtime 2s)"
printf '%-26s %12s %12s %14s %10s\n' case "SealDesk" "engine only" "openssl cms" "ratio*"
for alg in rsa2048 p256; do
	for kind in signed encrypted signed+encrypted; do
		insp=$(ns "BenchmarkSMIMEInspect/$alg/${kind//+/\\+}")
		eng=$(ns "BenchmarkSMIMEEngine/$alg/${kind//+/\\+}")
		peer=$(peer_loop "$work/$alg" "$kind")
		printf '%-26s %9.3f ms %9.3f ms %11.3f ms %9.2fx\n' "$alg $kind" \
			"$(echo "$insp / 1000000" | bc -l)" "$(echo "$eng / 1000000" | bc -l)" \
			"$(echo "$peer * 1000" | bc -l)" "$(echo "$peer * 1000000000 / $insp" | bc -l)"
	done
done
echo "* ratio = openssl cms CLI time / SealDesk time (above 1: SealDesk is faster)"

rsa_op_ms=$(echo "1000 / $rsa_sign" | bc -l)
go_rsa_op_ms=$(echo "$(ns BenchmarkRSA2048PrivateOp) / 1000000" | bc -l)
ec_op_ms=$(echo "1000 / $ec_sign" | bc -l)
se_rsa=$(ns 'BenchmarkSMIMEEngine/rsa2048/signed\+encrypted')
se_rsa_insp=$(ns 'BenchmarkSMIMEInspect/rsa2048/signed\+encrypted')
echo
printf 'one RSA-2048 private operation: OpenSSL %.3f ms, Go crypto/rsa %.3f ms (%.2fx OpenSSL); one P-256 ECDSA sign (OpenSSL): %.3f ms\n' \
	"$rsa_op_ms" "$go_rsa_op_ms" "$(echo "$go_rsa_op_ms / $rsa_op_ms" | bc -l)" "$ec_op_ms"
printf 'goal: a signed+encrypted RSA-2048 mail costs at most 2x one RSA-2048 private operation\n'
for row in "engine:$se_rsa" "inspect:$se_rsa_insp"; do
	t=$(echo "${row#*:} / 1000000" | bc -l)
	printf '  %-8s %.3f ms = %.2fx an OpenSSL private op, %.2fx a Go crypto/rsa private op\n' "${row%%:*}" "$t" \
		"$(echo "$t / $rsa_op_ms" | bc -l)" "$(echo "$t / $go_rsa_op_ms" | bc -l)"
done
echo '  (inspect adds the SQLite store and security log to the engine)' 

echo
scripts/bench-pgp.sh "$work" "$loops"

echo
scripts/bench-sync.sh "$work"
