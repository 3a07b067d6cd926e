/*
 * address.c - converting IPv4/IPv6 socket addresses to and from text.
 *
 * The protocol info ws2.dll passes names our catalog entry, which would
 * mean nothing (or the wrong thing) to the host's catalog, so the host gets
 * NULL and picks its converter from the address family alone.
 */
#include "hostprov.h"

/*
 * WHY: the host already formats IPv4 and IPv6 addresses (scope id, port and
 * brackets included) the way Winsock specifies.
 */
INT WSPAPI WSPAddressToString(LPSOCKADDR address, DWORD address_length,
                              LPWSAPROTOCOL_INFOW entry, LPWSTR text,
                              LPDWORD text_length, LPINT error)
{
    DWORD caller_error = host_call_begin();
    INT result;

    (void)entry;
    result = WSAAddressToStringW(address, address_length, NULL, text,
                                 text_length);
    return host_call_end(caller_error, result, error);
}

/*
 * WHY: the host's parser accepts every textual form Winsock documents for
 * IPv4 and IPv6.
 */
INT WSPAPI WSPStringToAddress(LPWSTR text, INT family,
                              LPWSAPROTOCOL_INFOW entry, LPSOCKADDR address,
                              LPINT address_length, LPINT error)
{
    DWORD caller_error = host_call_begin();
    INT result;

    (void)entry;
    result = WSAStringToAddressW(text, family, NULL, address, address_length);
    return host_call_end(caller_error, result, error);
}
