/*
 * api_exports_namespace.c - the namespace catalog's exports (bodies in
 * nslookup.c, nslookup_ansi.c, api_namespace.c as impl_*): each runs its
 * body and writes its trace line, as api_exports.c does for the others.
 * CE 5.0 has the W forms, WSALookupServiceEnd, WSCInstallNameSpace and
 * WSCUnInstallNameSpace; the A forms and WSCEnableNSProvider are desktop
 * extensions (cews2.h).  WSASetService's bodies are in nsservice.c.
 *
 * Every one returns 0 (or a count) or SOCKET_ERROR, so one body serves all
 * (TRACED_CALL), and a call's A and W exports are one definition made for
 * each form (the WSAEnumNameSpaceProviders, WSALookupServiceBegin,
 * WSALookupServiceNext and WSASetService makers below): grep for the call's name without
 * its A or W to find it.
 */
#include "nslookup.h"

static int failed_with(BOOL failed)
{
    return failed ? (int)GetLastError() : 0;
}

/* An export's body: the call, its trace line (format: "name(args)", then
 * its arguments; " = result" is added), its result returned. */
#define TRACED_CALL(call, format, ...)                                                              \
    do {                                                                                            \
        TRACE_START(t);                                                                             \
        int result = (call);                                                                        \
        TRACE_API(t, NULL, failed_with(result == SOCKET_ERROR), format " = %d", __VA_ARGS__,       \
                  result);                                                                          \
        return result;                                                                              \
    } while (0)

#define ENUM_NAME_SPACE_PROVIDERS(form)                                                             \
    INT WSAAPI WSAEnumNameSpaceProviders##form(LPDWORD length, LPWSANAMESPACE_INFO##form buffer)    \
    {                                                                                               \
        TRACED_CALL(impl_WSAEnumNameSpaceProviders##form(length, buffer),                           \
                    "WSAEnumNameSpaceProviders" #form "(length=0x%llx, buffer=0x%llx)", TP(length), \
                    TP(buffer));                                                                    \
    }
ENUM_NAME_SPACE_PROVIDERS(W)
ENUM_NAME_SPACE_PROVIDERS(A)

#define LOOKUP_SERVICE_BEGIN(form)                                                                  \
    INT WSAAPI WSALookupServiceBegin##form(LPWSAQUERYSET##form query, DWORD flags, LPHANDLE lookup) \
    {                                                                                               \
        TRACED_CALL(impl_WSALookupServiceBegin##form(query, flags, lookup),                         \
                    "WSALookupServiceBegin" #form "(query=0x%llx, flags=0x%lx, lookup=0x%llx)",     \
                    TP(query), flags, TP(lookup));                                                  \
    }
LOOKUP_SERVICE_BEGIN(W)
LOOKUP_SERVICE_BEGIN(A)

#define LOOKUP_SERVICE_NEXT(form)                                                                   \
    INT WSAAPI WSALookupServiceNext##form(HANDLE lookup, DWORD flags, LPDWORD length,               \
                                          LPWSAQUERYSET##form results)                              \
    {                                                                                               \
        TRACED_CALL(impl_WSALookupServiceNext##form(lookup, flags, length, results),                \
                    "WSALookupServiceNext" #form                                                    \
                    "(lookup=0x%llx, flags=0x%lx, length=0x%llx, results=0x%llx)",                  \
                    TP(lookup), flags, TP(length), TP(results));                                    \
    }
LOOKUP_SERVICE_NEXT(W)
LOOKUP_SERVICE_NEXT(A)

#define SET_SERVICE(form)                                                                           \
    INT WSAAPI WSASetService##form(LPWSAQUERYSET##form info, WSAESETSERVICEOP op, DWORD flags)     \
    {                                                                                               \
        TRACED_CALL(impl_WSASetService##form(info, op, flags),                                      \
                    "WSASetService" #form "(info=0x%llx, op=%d, flags=0x%lx)", TP(info), (int)op,   \
                    flags);                                                                         \
    }
SET_SERVICE(W)
SET_SERVICE(A)

INT WSAAPI WSALookupServiceEnd(HANDLE lookup)
{
    TRACED_CALL(impl_WSALookupServiceEnd(lookup), "WSALookupServiceEnd(lookup=0x%llx)", TP(lookup));
}

INT WSPAPI WSCInstallNameSpace(LPWSTR identifier, LPWSTR path, DWORD space, DWORD version, LPGUID id)
{
    TRACED_CALL(impl_WSCInstallNameSpace(identifier, path, space, version, id),
                "WSCInstallNameSpace(identifier=%s, path=%s, space=%lu, version=%lu, id=%s)",
                TWSTR(identifier), TWSTR(path), space, version, TGUID(id));
}

INT WSPAPI WSCUnInstallNameSpace(LPGUID id)
{
    TRACED_CALL(impl_WSCUnInstallNameSpace(id), "WSCUnInstallNameSpace(id=%s)", TGUID(id));
}

INT WSPAPI WSCEnableNSProvider(LPGUID id, WINBOOL enable)
{
    TRACED_CALL(impl_WSCEnableNSProvider(id, enable), "WSCEnableNSProvider(id=%s, enable=%d)", TGUID(id),
                enable);
}
