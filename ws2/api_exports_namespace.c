/*
 * api_exports_namespace.c - the namespace catalog's exports (bodies in
 * nslookup.c, nslookup_ansi.c, api_namespace.c as impl_*): each runs its
 * body and writes its trace line, as api_exports.c does for the others.
 * CE 5.0 has the W forms, WSALookupServiceEnd, WSCInstallNameSpace and
 * WSCUnInstallNameSpace; the A forms and WSCEnableNSProvider are desktop
 * extensions (cews2.h).
 */
#include "nslookup.h"

static int failed_with(BOOL failed)
{
    return failed ? (int)GetLastError() : 0;
}

INT WSAAPI WSAEnumNameSpaceProvidersW(LPDWORD length, LPWSANAMESPACE_INFOW buffer)
{
    TRACE_START(t);
    int result = impl_WSAEnumNameSpaceProvidersW(length, buffer);
    TRACE_API(t, NULL, failed_with(result == SOCKET_ERROR),
              "WSAEnumNameSpaceProvidersW(length=0x%llx, buffer=0x%llx) = %d", TP(length), TP(buffer), result);
    return result;
}

INT WSAAPI WSAEnumNameSpaceProvidersA(LPDWORD length, LPWSANAMESPACE_INFOA buffer)
{
    TRACE_START(t);
    int result = impl_WSAEnumNameSpaceProvidersA(length, buffer);
    TRACE_API(t, NULL, failed_with(result == SOCKET_ERROR),
              "WSAEnumNameSpaceProvidersA(length=0x%llx, buffer=0x%llx) = %d", TP(length), TP(buffer), result);
    return result;
}

INT WSAAPI WSALookupServiceBeginW(LPWSAQUERYSETW query, DWORD flags, LPHANDLE lookup)
{
    TRACE_START(t);
    int result = impl_WSALookupServiceBeginW(query, flags, lookup);
    TRACE_API(t, NULL, failed_with(result == SOCKET_ERROR),
              "WSALookupServiceBeginW(query=0x%llx, flags=0x%lx, lookup=0x%llx) = %d", TP(query), flags,
              TP(lookup), result);
    return result;
}

INT WSAAPI WSALookupServiceBeginA(LPWSAQUERYSETA query, DWORD flags, LPHANDLE lookup)
{
    TRACE_START(t);
    int result = impl_WSALookupServiceBeginA(query, flags, lookup);
    TRACE_API(t, NULL, failed_with(result == SOCKET_ERROR),
              "WSALookupServiceBeginA(query=0x%llx, flags=0x%lx, lookup=0x%llx) = %d", TP(query), flags,
              TP(lookup), result);
    return result;
}

INT WSAAPI WSALookupServiceNextW(HANDLE lookup, DWORD flags, LPDWORD length, LPWSAQUERYSETW results)
{
    TRACE_START(t);
    int result = impl_WSALookupServiceNextW(lookup, flags, length, results);
    TRACE_API(t, NULL, failed_with(result == SOCKET_ERROR),
              "WSALookupServiceNextW(lookup=0x%llx, flags=0x%lx, length=0x%llx, results=0x%llx) = %d",
              TP(lookup), flags, TP(length), TP(results), result);
    return result;
}

INT WSAAPI WSALookupServiceNextA(HANDLE lookup, DWORD flags, LPDWORD length, LPWSAQUERYSETA results)
{
    TRACE_START(t);
    int result = impl_WSALookupServiceNextA(lookup, flags, length, results);
    TRACE_API(t, NULL, failed_with(result == SOCKET_ERROR),
              "WSALookupServiceNextA(lookup=0x%llx, flags=0x%lx, length=0x%llx, results=0x%llx) = %d",
              TP(lookup), flags, TP(length), TP(results), result);
    return result;
}

INT WSAAPI WSALookupServiceEnd(HANDLE lookup)
{
    TRACE_START(t);
    int result = impl_WSALookupServiceEnd(lookup);
    TRACE_API(t, NULL, failed_with(result == SOCKET_ERROR), "WSALookupServiceEnd(lookup=0x%llx) = %d",
              TP(lookup), result);
    return result;
}

INT WSPAPI WSCInstallNameSpace(LPWSTR identifier, LPWSTR path, DWORD space, DWORD version, LPGUID id)
{
    TRACE_START(t);
    int result = impl_WSCInstallNameSpace(identifier, path, space, version, id);
    TRACE_API(t, NULL, failed_with(result == SOCKET_ERROR),
              "WSCInstallNameSpace(identifier=%s, path=%s, space=%lu, version=%lu, id=%s) = %d",
              TWSTR(identifier), TWSTR(path), space, version, TGUID(id), result);
    return result;
}

INT WSPAPI WSCUnInstallNameSpace(LPGUID id)
{
    TRACE_START(t);
    int result = impl_WSCUnInstallNameSpace(id);
    TRACE_API(t, NULL, failed_with(result == SOCKET_ERROR), "WSCUnInstallNameSpace(id=%s) = %d",
              TGUID(id), result);
    return result;
}

INT WSPAPI WSCEnableNSProvider(LPGUID id, WINBOOL enable)
{
    TRACE_START(t);
    int result = impl_WSCEnableNSProvider(id, enable);
    TRACE_API(t, NULL, failed_with(result == SOCKET_ERROR), "WSCEnableNSProvider(id=%s, enable=%d) = %d",
              TGUID(id), enable, result);
    return result;
}
