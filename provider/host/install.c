/*
 * install.c - InstallProvider, the CE registration entry: describes our
 * four base protocols and installs them into the running process's catalog
 * through ws2.dll's WSCInstallProvider.
 */
#include "hostprov.h"

#include <string.h>

/* One base protocol we offer, before it becomes a WSAPROTOCOL_INFOW. */
struct base_protocol {
    int family;
    int type;
    int protocol;
    const WCHAR *name;
};

static const struct base_protocol base_protocols[] = {
    { AF_INET,  SOCK_STREAM, IPPROTO_TCP, L"Host TCP/IPv4 (ce-winsock)" },
    { AF_INET,  SOCK_DGRAM,  IPPROTO_UDP, L"Host UDP/IPv4 (ce-winsock)" },
    { AF_INET6, SOCK_STREAM, IPPROTO_TCP, L"Host TCP/IPv6 (ce-winsock)" },
    { AF_INET6, SOCK_DGRAM,  IPPROTO_UDP, L"Host UDP/IPv6 (ce-winsock)" },
};

#define BASE_PROTOCOL_COUNT (sizeof(base_protocols) / sizeof(base_protocols[0]))

/* The largest UDP payload: 65535 minus the IPv4 and UDP headers. */
#define UDP_MAX_MESSAGE 65507

/* Both kinds carry XP1_IFS_HANDLES: the SOCKET values we hand out are the
 * host's own kernel handles. */
#define STREAM_SERVICE_FLAGS (XP1_IFS_HANDLES | XP1_GUARANTEED_DELIVERY | \
                              XP1_GUARANTEED_ORDER | XP1_GRACEFUL_CLOSE |  \
                              XP1_EXPEDITED_DATA)
#define DATAGRAM_SERVICE_FLAGS (XP1_IFS_HANDLES | XP1_CONNECTIONLESS |     \
                                XP1_MESSAGE_ORIENTED |                     \
                                XP1_SUPPORT_BROADCAST |                    \
                                XP1_SUPPORT_MULTIPOINT)

static void describe(const struct base_protocol *base, WSAPROTOCOL_INFOW *info)
{
    static const GUID provider_id = CEWS2_HOST_PROVIDER_GUID;
    BOOL stream = base->type == SOCK_STREAM;

    memset(info, 0, sizeof(*info));
    info->dwServiceFlags1 = stream ? STREAM_SERVICE_FLAGS : DATAGRAM_SERVICE_FLAGS;
    /* socket(af, type, 0) means TCP or UDP, as on desktop Windows. */
    info->dwProviderFlags = PFL_MATCHES_PROTOCOL_ZERO;
    info->ProviderId = provider_id;
    info->dwCatalogEntryId = 0;             /* ws2.dll assigns it */
    info->ProtocolChain.ChainLen = BASE_PROTOCOL;
    info->iVersion = 2;
    info->iAddressFamily = base->family;
    info->iMaxSockAddr = base->family == AF_INET ? sizeof(struct sockaddr_in)
                                                 : sizeof(struct sockaddr_in6);
    info->iMinSockAddr = info->iMaxSockAddr;
    info->iSocketType = base->type;
    info->iProtocol = base->protocol;
    info->iProtocolMaxOffset = 0;
    info->iNetworkByteOrder = BIGENDIAN;
    info->iSecurityScheme = SECURITY_PROTOCOL_NONE;
    info->dwMessageSize = stream ? 0 : UDP_MAX_MESSAGE;
    info->dwProviderReserved = 0;
    wcsncpy(info->szProtocol, base->name, WSAPROTOCOL_LEN);
}

typedef int (WSPAPI *install_provider_fn)(LPGUID provider_id,
                                          const WCHAR *dll_path,
                                          const LPWSAPROTOCOL_INFOW infos,
                                          DWORD count, LPINT error);

/*
 * WHY: CE builds each process's catalog by calling every registered
 * provider's entry at the first WSAStartup; this is ours.  ws2.dll is
 * found by name in the process instead of through an import library, so
 * that this DLL depends on nothing but the host's ws2_32 and kernel32.
 */
INT WINAPI InstallProvider(LPCWSTR dll_path)
{
    WSAPROTOCOL_INFOW infos[BASE_PROTOCOL_COUNT];
    GUID provider_id = CEWS2_HOST_PROVIDER_GUID;
    install_provider_fn install;
    HMODULE ws2;
    int error = NO_ERROR;
    size_t i;

    ws2 = GetModuleHandleW(L"ws2.dll");
    if (!ws2)
        return WSASYSCALLFAILURE;
    install = (install_provider_fn)(void (*)(void))
        GetProcAddress(ws2, "WSCInstallProvider");
    if (!install)
        return WSASYSCALLFAILURE;
    if (!dll_path)
        dll_path = CEWS2_HOST_PROVIDER_DLL;

    for (i = 0; i < BASE_PROTOCOL_COUNT; i++)
        describe(&base_protocols[i], &infos[i]);

    if (install(&provider_id, dll_path, infos, BASE_PROTOCOL_COUNT, &error) != 0)
        return error ? error : WSASYSCALLFAILURE;
    return NO_ERROR;
}
