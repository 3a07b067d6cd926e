/*
 * protocol_info_text.c - WSAPROTOCOL_INFOW and WSAPROTOCOL_INFOA differ only
 * in the protocol's name (WCHAR or char, WSAPROTOCOL_LEN + 1 of them), the
 * last member; the ANSI forms of the API convert with these.
 */
#include "ws2_private.h"
#include <stddef.h>

_Static_assert(offsetof(WSAPROTOCOL_INFOA, szProtocol) == offsetof(WSAPROTOCOL_INFOW, szProtocol),
               "the two forms share every member before the name");

void protocol_info_narrow(const WSAPROTOCOL_INFOW *w, WSAPROTOCOL_INFOA *a)
{
    memcpy(a, w, offsetof(WSAPROTOCOL_INFOA, szProtocol));
    /* the name in the ANSI code page; one that does not fit is cut, never unterminated */
    if (!WideCharToMultiByte(CP_ACP, 0, w->szProtocol, -1, a->szProtocol,
                             sizeof(a->szProtocol), NULL, NULL))
        a->szProtocol[sizeof(a->szProtocol) - 1] = 0;
}

void protocol_info_widen(const WSAPROTOCOL_INFOA *a, WSAPROTOCOL_INFOW *w)
{
    memcpy(w, a, offsetof(WSAPROTOCOL_INFOW, szProtocol));
    if (!MultiByteToWideChar(CP_ACP, 0, a->szProtocol, -1, w->szProtocol,
                             WSAPROTOCOL_LEN + 1))
        w->szProtocol[WSAPROTOCOL_LEN] = 0;
}
