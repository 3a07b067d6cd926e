/*
 * airsock.c - the sockets the medium uses to reach the air, private to us.
 *
 * The medium talks TCP to the air's hub.  Through ws2.dll its socket would
 * be one of the application's: the application's last WSACleanup would
 * close it before our WSPCleanup could let the station finish sending
 * what closesocket left queued (IrDA's deferred close).  So the medium
 * gets its TCP sockets from the host base provider's SPI directly, loaded
 * here as any layered provider loads the provider below it: the handles
 * never enter ws2.dll's table, and no code above hostprov calls the
 * host's Winsock.
 *
 * The medium asks for a failed call's error with p_WSAGetLastError right
 * after the call, as it does of ws2.dll's WSAGetLastError; like that one,
 * ours is the thread's Win32 last error.  (It was a __thread variable:
 * mingw's emulated TLS, with a destructor run at every thread exit before
 * DllMain, for an int the thread's last error already holds.  No TLS slot
 * either: the host's ws2_32 under hostprov sets the same last error on
 * these threads anyway.)
 */
#include "irdaprov.h"
#include "../../provider/common/provider_loader.h"

static WSPPROC_TABLE host;
static WSAPROTOCOL_INFOW host_tcp;
static HMODULE host_module;

/* The host provider's TCP/IPv4 base entry, from the catalog. */
static BOOL find_host_tcp(void)
{
    static const GUID host_guid = CEWS2_HOST_PROVIDER_GUID;
    WSAPROTOCOL_INFOW *all;
    int err = 0, count = 0, i;
    BOOL found = FALSE;

    all = loader_catalog_read(&count, &err);
    if (!all)
        return FALSE;
    for (i = 0; i < count; i++)
        if (!memcmp(&all[i].ProviderId, &host_guid, sizeof(GUID)) &&
            all[i].iAddressFamily == AF_INET && all[i].iSocketType == SOCK_STREAM &&
            all[i].ProtocolChain.ChainLen == BASE_PROTOCOL) {
            host_tcp = all[i];
            found = TRUE;
            break;
        }
    free(all);
    return found;
}

static int fail(int err)
{
    SetLastError((DWORD)err);
    return SOCKET_ERROR;
}

static int WSAAPI air_startup(WORD version, LPWSADATA data)
{
    (void)version; (void)data;
    return 0;
}

static int WSAAPI air_cleanup(void)
{
    return 0;
}

static int WSAAPI air_last_error(void)
{
    return (int)GetLastError();
}

static SOCKET WSAAPI air_socket(int af, int type, int protocol)
{
    int err = 0;
    SOCKET s = host.lpWSPSocket(af, type, protocol, &host_tcp, 0, WSA_FLAG_OVERLAPPED, &err);
    if (s == INVALID_SOCKET)
        SetLastError((DWORD)err);
    return s;
}

static int WSAAPI air_connect(SOCKET s, const struct sockaddr *name, int len)
{
    int err = 0;
    return host.lpWSPConnect(s, name, len, NULL, NULL, NULL, NULL, &err) ? fail(err) : 0;
}

static int WSAAPI air_send(SOCKET s, const char *buf, int len, int flags)
{
    WSABUF b = { (ULONG)len, (char *)buf };
    DWORD sent = 0;
    int err = 0;
    if (host.lpWSPSend(s, &b, 1, &sent, (DWORD)flags, NULL, NULL, NULL, &err))
        return fail(err);
    return (int)sent;
}

static int WSAAPI air_recv(SOCKET s, char *buf, int len, int flags)
{
    WSABUF b = { (ULONG)len, buf };
    DWORD got = 0, f = (DWORD)flags;
    int err = 0;
    if (host.lpWSPRecv(s, &b, 1, &got, &f, NULL, NULL, NULL, &err))
        return fail(err);
    return (int)got;
}

static int WSAAPI air_close(SOCKET s)
{
    int err = 0;
    return host.lpWSPCloseSocket(s, &err) ? fail(err) : 0;
}

static int WSAAPI air_setsockopt(SOCKET s, int level, int name, const char *value, int len)
{
    int err = 0;
    return host.lpWSPSetSockOpt(s, level, name, value, len, &err) ? fail(err) : 0;
}

static int WSAAPI air_shutdown(SOCKET s, int how)
{
    int err = 0;
    return host.lpWSPShutdown(s, how, &err) ? fail(err) : 0;
}

static const struct irmed_wsock air_wsock = {
    air_startup, air_cleanup, air_last_error, air_socket, air_connect, air_send, air_recv,
    air_close, air_setsockopt, air_shutdown,
};

/* Started as celsp starts the provider below a chain (provider/common/provider_loader.c). */
const struct irmed_wsock *airsock_open(void)
{
    if (!find_host_tcp() ||
        loader_start(&host_tcp.ProviderId, &host_tcp, upcalls, &host_module, &host) != 0) {
        host_module = NULL;
        return NULL;
    }
    return &air_wsock;
}

void airsock_close(void)
{
    if (!host_module)
        return;
    loader_stop(host_module, &host);
    host_module = NULL;
}
