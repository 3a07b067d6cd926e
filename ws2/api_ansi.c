/*
 * api_ansi.c - the ANSI forms of the Unicode calls: a desktop extension.
 *
 * CE 5.0's ws2.dll is Unicode-only; desktop builds of the same code call
 * WSASocketA, WSAAddressToStringA and the rest (winsock2.h picks them
 * without UNICODE).  Each converts its text or WSAPROTOCOL_INFOA and runs
 * the Unicode body, so it reaches the same provider through the same
 * catalog; nothing here goes to the host.
 */
#include "ws2_private.h"

/* The error the call left (a success has cleared it). */
static int left_error(BOOL failed)
{
    if (!failed)
        SetLastError(0);
    return failed ? (int)GetLastError() : 0;
}

SOCKET WSAAPI WSASocketA(int af, int type, int protocol, LPWSAPROTOCOL_INFOA info, GROUP group,
                         DWORD flags)
{
    TRACE_START(t);
    WSAPROTOCOL_INFOW wide;

    if (info) {
        if (!process_started() || !api_readable(info, sizeof(*info))) {
            int err = process_started() ? WSAEFAULT : WSANOTINITIALISED;
            TRACE_API(t, NULL, err, "WSASocketA(af=%d, type=%d, protocol=%d, info=0x%llx, "
                      "group=%u, flags=0x%lx) = 0x%llx", af, type, protocol, TP(info), group,
                      flags, TS(INVALID_SOCKET));
            SetLastError((DWORD)err);
            return INVALID_SOCKET;
        }
        protocol_info_widen(info, &wide);
    }
    return api_socket_create(t, "WSASocketA", af, type, protocol, info ? &wide : NULL, group,
                             flags);
}

/* The buffer holds length / sizeof(WSAPROTOCOL_INFOA) entries; the Unicode
 * body is asked for the same number. */
int WSAAPI WSAEnumProtocolsA(LPINT protocols, LPWSAPROTOCOL_INFOA buffer, LPDWORD length)
{
    TRACE_START(t);
    DWORD wide_length = 0, room;
    WSAPROTOCOL_INFOW *wide = NULL;
    int result = SOCKET_ERROR, i;

    if (!process_started()) {
        SetLastError(WSANOTINITIALISED);
        goto done;
    }
    if (!api_writable(length, sizeof(*length)) || (buffer && !api_writable(buffer, *length))) {
        SetLastError(WSAEFAULT);
        goto done;
    }
    room = buffer ? *length / sizeof(WSAPROTOCOL_INFOA) : 0;
    wide_length = room * sizeof(WSAPROTOCOL_INFOW);
    if (room && !(wide = malloc(wide_length))) {
        SetLastError(WSAENOBUFS);
        goto done;
    }
    result = api_enum_protocols(protocols, wide, &wide_length);
    if (result == SOCKET_ERROR) {
        /* too small: the size the ANSI entries need */
        if (GetLastError() == WSAENOBUFS)
            *length = wide_length / sizeof(WSAPROTOCOL_INFOW) * sizeof(WSAPROTOCOL_INFOA);
        goto done;
    }
    for (i = 0; i < result; i++)
        protocol_info_narrow(&wide[i], &buffer[i]);
done:
    free(wide);
    TRACE_API(t, NULL, left_error(result == SOCKET_ERROR), "WSAEnumProtocolsA(protocols=0x%llx, "
              "buffer=0x%llx, length=%s) = %d", TP(protocols), TP(buffer), TINT(length), result);
    return result;
}

/* The text comes back in the ANSI code page; *text_length counts its
 * characters with the terminator, as for the Unicode form. */
INT WSAAPI WSAAddressToStringA(LPSOCKADDR address, DWORD length, LPWSAPROTOCOL_INFOA info,
                               LPSTR text, LPDWORD text_length)
{
    TRACE_START(t);
    WSAPROTOCOL_INFOW wide_info;
    WCHAR wide[256];
    DWORD wide_length = ARRAYSIZE(wide);
    INT result = SOCKET_ERROR;

    if (process_started() && info && !api_readable(info, sizeof(*info))) {
        SetLastError(WSAEFAULT);
        goto done;
    }
    if (info)
        protocol_info_widen(info, &wide_info);
    result = api_address_to_string(address, length, info ? &wide_info : NULL, wide, &wide_length);
    if (result == SOCKET_ERROR)
        goto done;
    {
        int needed = WideCharToMultiByte(CP_ACP, 0, wide, -1, NULL, 0, NULL, NULL);
        if (!api_writable(text_length, sizeof(*text_length))) {
            SetLastError(WSAEFAULT);
            result = SOCKET_ERROR;
        } else if (!text || *text_length < (DWORD)needed) {
            *text_length = (DWORD)needed;
            SetLastError(WSAEFAULT);
            result = SOCKET_ERROR;
        } else if (!api_writable(text, (size_t)needed)) {
            SetLastError(WSAEFAULT);
            result = SOCKET_ERROR;
        } else {
            WideCharToMultiByte(CP_ACP, 0, wide, -1, text, needed, NULL, NULL);
            *text_length = (DWORD)needed;
        }
    }
done:
    TRACE_API(t, NULL, left_error(result == SOCKET_ERROR), "WSAAddressToStringA(address=%s, "
              "length=%lu, info=0x%llx, text=%s, text_length=%s) = %d",
              TADDR(address, (int)length), length, TP(info),
              result ? TP(text) ? "-" : "NULL" : TSTR(text), TINT(text_length), result);
    return result;
}

INT WSAAPI WSAStringToAddressA(LPSTR text, INT af, LPWSAPROTOCOL_INFOA info, LPSOCKADDR address,
                               LPINT length)
{
    TRACE_START(t);
    WSAPROTOCOL_INFOW wide_info;
    WCHAR *wide = NULL;
    INT result = SOCKET_ERROR;
    int n;

    if (!process_started()) {
        SetLastError(WSANOTINITIALISED);
        goto done;
    }
    if (!text || IsBadStringPtrA(text, (UINT_PTR)-1) || (info && !api_readable(info, sizeof(*info)))) {
        SetLastError(WSAEFAULT);
        goto done;
    }
    if (info)
        protocol_info_widen(info, &wide_info);
    n = MultiByteToWideChar(CP_ACP, 0, text, -1, NULL, 0);
    if (n <= 0 || !(wide = malloc((size_t)n * sizeof(WCHAR)))) {
        SetLastError(n <= 0 ? WSAEINVAL : WSAENOBUFS);
        goto done;
    }
    MultiByteToWideChar(CP_ACP, 0, text, -1, wide, n);
    result = api_string_to_address(wide, af, info ? &wide_info : NULL, address, length);
done:
    free(wide);
    TRACE_API(t, NULL, left_error(result == SOCKET_ERROR), "WSAStringToAddressA(text=%s, af=%d, "
              "info=0x%llx, address=%s, length=%s) = %d", TSTR(text), af, TP(info),
              result ? TP(address) ? "-" : "NULL" : TADDRP(address, length), TINT(length), result);
    return result;
}

int WSAAPI WSADuplicateSocketA(SOCKET s, DWORD process_id, LPWSAPROTOCOL_INFOA info)
{
    TRACE_START(t);
    WSAPROTOCOL_INFOW wide;
    int err = 0, result = SOCKET_ERROR;
    struct socket_record *r = api_enter(s, &err);

    if (r) {
        if ((err = api_duplicate_check(process_id, info, sizeof(*info))))
            ;
        else if ((result = PROVIDER_CALL(r).lpWSPDuplicateSocket(s, process_id, &wide, &err)) == 0)
            protocol_info_narrow(&wide, info);
    }
    TRACE_API(t, r ? r->entry : NULL, result ? err : 0, "WSADuplicateSocketA(s=0x%llx, "
              "process_id=%lu, info=0x%llx) = %d", TS(s), process_id, TP(info), result);
    return api_finish("WSADuplicateSocketA", s, r, result, err);
}
