/*
 * A stand-in for Windows' bcryptprimitives.dll, for running Go programs
 * under Wine 8 (Debian 12). Go 1.22+ reads all its randomness from
 * bcryptprimitives.dll!ProcessPrng and stops at start-up when the DLL or
 * the export is missing ("fatal error: bcryptprimitives.dll not found");
 * Wine only gained ProcessPrng in 9.x.
 *
 * ProcessPrng fills the buffer from RtlGenRandom (advapi32!SystemFunction036),
 * which Wine implements over the host's system CSPRNG, and always
 * succeeds, as the real one is documented to.
 *
 * Built at test time by scripts/wine-test.sh with mingw-w64; never shipped,
 * and never committed as a binary.
 */
#include <windows.h>
#include <ntsecapi.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	/* RtlGenRandom takes a ULONG length: feed larger buffers in chunks. */
	while (len > 0) {
		ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
		if (!RtlGenRandom(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
