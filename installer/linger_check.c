/*
 * linger_check.c - the "linger" lines of "ws2inst verify": for every base
 * provider with a stream protocol, the mechanism it gives the CE layered
 * provider for rows 3 and 4 of the linger table (SIO_CEWS_LINGER_MECHANISM,
 * cews2.h), asked on a socket created through the stack as an application
 * would.  An administrator on a host where the table is only approximated
 * must be able to see it without reading debug output.
 */
#include "installer.h"

#include <stdlib.h>
#include <string.h>

static const wchar_t *mechanism_text(DWORD mechanism)
{
    switch (mechanism) {
    case CEWS_LINGER_MECHANISM_BACKLOG:
        return L"mechanism backlog (send backlog and zero-linger reset: linger table exact)";
    case CEWS_LINGER_MECHANISM_NATIVE:
        return L"mechanism native (its own closesocket lingers: linger rows 3-4 handed to it)";
    case CEWS_LINGER_MECHANISM_NONE:
        return L"mechanism none (no send backlog: linger rows 3-4 approximate)";
    default:
        return L"mechanism unknown (an answer this ws2inst does not know)";
    }
}

/* Whether an earlier entry of the list belongs to the same provider. */
static BOOL provider_seen(const WSAPROTOCOL_INFOW *list, int count, const GUID *provider)
{
    int i;
    for (i = 0; i < count; i++)
        if (list[i].ProtocolChain.ChainLen == BASE_PROTOCOL && list[i].iSocketType == SOCK_STREAM &&
            IsEqualGUID(&list[i].ProviderId, provider))
            return TRUE;
    return FALSE;
}

static void check_entry(WSAPROTOCOL_INFOW *entry)
{
    SOCKET s = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, entry, 0, 0);
    DWORD mechanism = CEWS_LINGER_MECHANISM_NONE, returned = 0;

    if (s == INVALID_SOCKET) {
        print_out(L"linger   %ls: not checked (no socket: %ls)\n", entry->szProtocol,
                  error_text((DWORD)WSAGetLastError()));
        return;
    }
    /* a provider that does not know the ioctl has no mechanism (cews2.h) */
    if (WSAIoctl(s, SIO_CEWS_LINGER_MECHANISM, NULL, 0, &mechanism, sizeof(mechanism), &returned,
                 NULL, NULL) == SOCKET_ERROR)
        mechanism = CEWS_LINGER_MECHANISM_NONE;
    closesocket(s);
    print_out(L"linger   %ls: %ls\n", entry->szProtocol, mechanism_text(mechanism));
}

void verify_linger_mechanisms(void)
{
    WSADATA data;
    WSAPROTOCOL_INFOW *list = NULL;
    DWORD size = 0;
    int count, i;

    if (WSAStartup(MAKEWORD(2, 2), &data) != 0) {
        print_out(L"linger   (catalog): not checked (WSAStartup failed)\n");
        return;
    }
    if (WSAEnumProtocolsW(NULL, NULL, &size) == SOCKET_ERROR && WSAGetLastError() == WSAENOBUFS)
        list = malloc(size);
    count = list ? WSAEnumProtocolsW(NULL, list, &size) : SOCKET_ERROR;
    for (i = 0; i < count; i++)
        if (list[i].ProtocolChain.ChainLen == BASE_PROTOCOL && list[i].iSocketType == SOCK_STREAM &&
            !provider_seen(list, i, &list[i].ProviderId))
            check_entry(&list[i]);
    free(list);
    WSACleanup();
}
