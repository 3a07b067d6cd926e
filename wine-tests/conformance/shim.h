/* wine-tests/conformance/shim.h - what mingw-w64's headers (gcc 12, Debian 12)
 * lack and Wine 8.0's dlls/ws2_32/tests/{sock,protocol}.c use.  Force-included
 * (-include) before the test sources, in both builds (host and ours), so it
 * may not use Windows types: only macros, which expand at the point of use,
 * and declarations spelled in plain C types.  One item per missing name; the
 * values are the Windows SDK's (and Wine's).
 *
 * Nothing else belongs here: the harness's own hooks are in harness.h. */
#ifndef CONFORMANCE_SHIM_H
#define CONFORMANCE_SHIM_H

/* SO_BSP_STATE (ws2def.h): getsockopt option returning a CSADDR_INFO with
 * the socket's local and remote address; test_set_getsockopt and
 * test_sockopt_validity query it. */
#define SO_BSP_STATE 0x1009

/* SIO_IDEAL_SEND_BACKLOG_QUERY (ws2ipdef.h): _IOR('t', 123, ULONG);
 * test_backlog_query.  _IOR comes from winsock2.h at the point of use. */
#define SIO_IDEAL_SEND_BACKLOG_QUERY _IOR('t', 123, ULONG)

/* AI_DNS_ONLY (ws2def.h): an ADDRINFO flag, 0x10; test_GetAddrInfoExW. */
#define AI_DNS_ONLY 0x00000010

/* WSA_CMSG_ALIGN: Wine's ws2def.h name for aligning a control message
 * length to the natural alignment (sizeof(SIZE_T)), which mingw-w64's
 * mswsock.h calls WSA_CMSGDATA_ALIGN (MAX_NATURAL_ALIGNMENT, 8 on x64);
 * test_ip_pktinfo's IP_PKTINFO_LEN.  Without it the call would be an
 * implicit function declaration and an undefined symbol. */
#define WSA_CMSG_ALIGN(len) WSA_CMSGDATA_ALIGN(len)

/* RtlNtStatusToDosErrorNoTeb (ntdll; mingw-w64 declares it only in the
 * driver kit's ddk/ntifs.h, not in winternl.h): ULONG from an NTSTATUS; sock.c maps IO_STATUS_BLOCK statuses with it.  ULONG and LONG
 * are unsigned long and long on LLP64 Windows; linked with -lntdll. */
__declspec(dllimport) unsigned long __stdcall RtlNtStatusToDosErrorNoTeb(long status);

/* __wine_dbg_strdup: the helper behind wine/debug.h's wine_dbg_sprintf and
 * debugstr_a/an/w (sources built with -D__WINESRC__, as Wine builds them).
 * Wine's ntdll exports it; Wine links its tests with its winecrt0 library,
 * which supplies a fallback where ntdll lacks it.  Neither is in mingw-w64,
 * so it is defined here, once: in the generated testlist (-DCONF_SHIM_DEFS).
 * A ring of buffers, reused in turn, as the strings are documented to stay
 * valid "for some time, but not indefinitely". */
#ifdef CONF_SHIM_DEFS
#include <string.h>
const char *__wine_dbg_strdup(const char *str)
{
    static char ring[64][1024];
    static long next;
    char *buf = ring[(unsigned long)__atomic_fetch_add(&next, 1, __ATOMIC_RELAXED) % 64];
    size_t n = strlen(str);

    if (n >= sizeof(ring[0])) n = sizeof(ring[0]) - 1;
    memcpy(buf, str, n);
    buf[n] = 0;
    return buf;
}
#endif

#endif
