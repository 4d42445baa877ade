/* A stand-in for Windows' bcryptprimitives.dll, which Debian's Wine 8 lacks.
 *
 * Rust's std (1.78 and newer) gets its random seed (HashMap keys) from ProcessPrng in
 * bcryptprimitives.dll and refuses to start without it. Wine 8 has BCryptGenRandom, which gives
 * the same thing: the system RNG. Built with mingw-w64 by .ci/wine-setup.sh and copied into the
 * test Wine prefix's system32; never shipped (real Windows 10/11 has the genuine DLL). */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
