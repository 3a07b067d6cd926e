/*
 * protocol_info_text.c - WSAPROTOCOL_INFOW and WSAPROTOCOL_INFOA differ only
 * in the protocol's name (WCHAR or char, WSAPROTOCOL_LEN + 1 of them), the
 * last member.  Every layer converts with these, so that one entry reads
 * the same whichever way it is asked for: ws2.dll's ANSI forms
 * (ws2/api_ansi.c), and getsockopt(SO_PROTOCOL_INFOA) in celsp
 * (provider/lsp/options.c) and hostprov (provider/host/control.c).
 */
#include "protocol_info_text.h"
#include <stddef.h>
#include <string.h>
#include <wchar.h>

_Static_assert(offsetof(WSAPROTOCOL_INFOA, szProtocol) == offsetof(WSAPROTOCOL_INFOW, szProtocol),
               "the two forms share every member before the name");

/* Past the name's terminator a provider may keep marks of its own (celsp's
 * duplicate descriptions do): they are ASCII and carried one for one. */
void protocol_info_narrow(const WSAPROTOCOL_INFOW *w, WSAPROTOCOL_INFOA *a)
{
    int n, i;
    memcpy(a, w, offsetof(WSAPROTOCOL_INFOA, szProtocol));
    memset(a->szProtocol, 0, sizeof(a->szProtocol));
    /* the name in the ANSI code page; one that does not fit is cut, never unterminated */
    n = WideCharToMultiByte(CP_ACP, 0, w->szProtocol, -1, a->szProtocol,
                            sizeof(a->szProtocol), NULL, NULL);
    if (!n)
        a->szProtocol[sizeof(a->szProtocol) - 1] = 0;
    for (i = (int)wcsnlen(w->szProtocol, WSAPROTOCOL_LEN) + 1; i <= WSAPROTOCOL_LEN; i++)
        if (i >= n && w->szProtocol[i] < 0x80)
            a->szProtocol[i] = (char)w->szProtocol[i];
}

void protocol_info_widen(const WSAPROTOCOL_INFOA *a, WSAPROTOCOL_INFOW *w)
{
    int n, i;
    memcpy(w, a, offsetof(WSAPROTOCOL_INFOW, szProtocol));
    memset(w->szProtocol, 0, sizeof(w->szProtocol));
    n = MultiByteToWideChar(CP_ACP, 0, a->szProtocol, -1, w->szProtocol, WSAPROTOCOL_LEN + 1);
    if (!n)
        w->szProtocol[WSAPROTOCOL_LEN] = 0;
    for (i = (int)strnlen(a->szProtocol, WSAPROTOCOL_LEN) + 1; i <= WSAPROTOCOL_LEN; i++)
        if (i >= n && (unsigned char)a->szProtocol[i] < 0x80)
            w->szProtocol[i] = (WCHAR)(unsigned char)a->szProtocol[i];
}
