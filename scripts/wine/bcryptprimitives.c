/*
 * A TEST FIXTURE for Wine 8, never shipped and never in an installer.
 *
 * Go >= 1.22 programs get their random numbers from ProcessPrng in bcryptprimitives.dll,
 * which every Windows since 10 has and Wine 8 lacks: without this DLL a Go program under
 * Wine 8 stops at once with "bcryptprimitives.dll not found". scripts/wine-env.sh builds
 * it with mingw-w64 and copies it into the throw-away test prefix's system32.
 * ProcessPrng is answered from RtlGenRandom (advapi32's SystemFunction036), Wine's own
 * cryptographic random source.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        length -= n;
    }
    return TRUE;
}
