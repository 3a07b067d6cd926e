/*
 * hostprov.h - private header of hostprov.dll, the host base service
 * provider: TCP and UDP over IPv4 and IPv6, implemented over the host's own
 * ws2_32.dll, and the NS_DNS namespace provider over the host's resolver.
 * This DLL is the only code in ce-winsock that calls the host's Winsock;
 * everything above it reaches it through the SPI (ws2spi.h): sockets
 * through WSPStartup's table, name resolution through NSPStartup's.
 *
 * Handles are IFS handles: the SOCKET an application holds is the host's
 * socket handle itself, announced to ws2.dll with WPUModifyIFSHandle, so
 * that kernel32's CreateIoCompletionPort, event and completion-routine
 * completions all work on it unchanged.  Every WSP function therefore hands
 * its SOCKET straight to the host.
 */
#ifndef HOSTPROV_H
#define HOSTPROV_H

#include <cews2.h>
#include "../common/async_relay.h"

/* ---- startup.c: provider-wide state ------------------------------------ */

/* The upcall table ws2.dll gave the first WSPStartup of this session. */
extern WSPUPCALLTABLE host_upcalls;

/* ---- install.c ----------------------------------------------------------- */

INT WINAPI InstallProvider(LPCWSTR dll_path);

/* ---- catalog.c: the catalog entries WSPStartup was called for ------------ */

/* Remembers a copy of a catalog entry ws2.dll (or a layered provider)
 * started us for; a full table just stops remembering. */
void catalog_remember(const WSAPROTOCOL_INFOW *entry);
/* Copies the remembered entry with this catalog entry id into *entry. */
BOOL catalog_find(DWORD catalog_id, WSAPROTOCOL_INFOW *entry);
/* The catalog entry id of the first remembered entry for this triple. */
BOOL catalog_match(int family, int type, int protocol, DWORD *catalog_id);
void catalog_forget_all(void);
/* How we describe a socket of catalog entry catalog_id to the application:
 * the remembered entry, or failing that the host's description of the
 * socket (host_info) with our provider's identity. */
void catalog_describe(DWORD catalog_id, const WSAPROTOCOL_INFOW *host_info,
                      WSAPROTOCOL_INFOW *entry);

/* ---- socket_map.c: host socket -> catalog entry id ---------------------- */

BOOL socket_map_set(SOCKET s, DWORD catalog_id, BOOL overlapped);
/* s's catalog entry id and, when overlapped is not NULL, whether it was
 * created overlapped; FALSE for a socket we have no record of. */
BOOL socket_map_get(SOCKET s, DWORD *catalog_id, BOOL *overlapped);
/* Whether s was created overlapped (TRUE for a socket we have no record of). */
BOOL socket_map_overlapped(SOCKET s);
BOOL socket_map_take(SOCKET s, DWORD *catalog_id, BOOL *abortive, BOOL *overlapped);
void socket_map_set_abortive(SOCKET s, BOOL abortive);
void socket_map_clear(void);

/* ---- socket.c ----------------------------------------------------------- */

/* How a fresh host socket was opened, as far as the caller knows: from
 * WSASocket's WSA_FLAG_OVERLAPPED, from the listener an accepted socket
 * takes it from (Windows and Wine alike), or not known (a duplicate, a
 * leaf): then the kernel file is asked, one server call. */
enum host_mode { HOST_MODE_ASK, HOST_MODE_OVERLAPPED, HOST_MODE_SYNCHRONOUS };

/* Announces a fresh host socket to ws2.dll as an IFS handle owned by
 * catalog entry catalog_id.  On failure the host socket is closed, *error
 * is set and INVALID_SOCKET returned. */
SOCKET adopt_host_socket(SOCKET host_socket, DWORD catalog_id, enum host_mode mode, LPINT error);
/* The catalog entry id a socket of ours was created for; on failure sets
 * *error (WSAENOTSOCK, or the host's complaint about s). */
BOOL catalog_id_of_socket(SOCKET s, DWORD *catalog_id, LPINT error);
/* Closes a host socket on a failure path, leaving the caller's last error
 * as it was. */
void close_host_socket(SOCKET host_socket);

/* ---- namespace.c, namespace_answer.c: the NS_DNS namespace provider ------- */

/* One lookup's answer: a single result set, built at NSPLookupServiceBegin. */
struct ns_answer {
    WCHAR *name;                    /* instance name (heap) or NULL */
    WCHAR *comment;                 /* lpszComment (heap) or NULL */
    CSADDR_INFO *addrs;             /* heap; their sockaddrs in storage */
    SOCKADDR_STORAGE *storage;
    DWORD addr_count;
    void *blob;                     /* heap or NULL */
    DWORD blob_size;
};

/* Each answers one kind of query (cews2.h lists them) by calling the
 * host's resolver: 0, or the host's error (WSAHOST_NOT_FOUND, ...). */
int ns_answer_hostname(struct ns_answer *answer);
int ns_answer_host(const WCHAR *name, struct ns_answer *answer);
int ns_answer_addrinfo(const WCHAR *name, const struct cews2_addrinfo_query *query,
                       struct ns_answer *answer);
int ns_answer_nameinfo(const SOCKADDR *address, int length, const struct cews2_nameinfo_query *query,
                       struct ns_answer *answer);
void ns_answer_free(struct ns_answer *answer);
/* A copy of a wide string on the heap (NULL for NULL or no memory). */
WCHAR *ns_strdup(const WCHAR *s);

/* ---- wine_host.c: below Wine's Winsock ------------------------------------ */

/* Whether the two functions below work here (Wine on Linux, not switched
 * off by CEWS2_HOST_NO_WINE_MECHANISM=1). */
BOOL wine_host_active(void);
/* Whether this process runs under Wine at all (mechanism or not). */
BOOL wine_host_is_wine(void);
/* Resets the connection (RST, unsent data dropped); FALSE if not possible here. */
BOOL wine_host_abort(SOCKET s);
/* Bytes the kernel still holds for the connection: unsent plus sent but not
 * yet acknowledged (Linux SIOCOUTQ); FALSE if not known here. */
BOOL wine_host_send_backlog(SOCKET s, DWORD *bytes);

/* ---- duplicate.c -------------------------------------------------------- */

/* TRUE if info came out of our WSPDuplicateSocket. */
BOOL is_duplicate_info(const WSAPROTOCOL_INFOW *info);
/* Recreates, in this process, the host socket a WSPDuplicateSocket packed
 * into info. */
SOCKET import_duplicate(const WSAPROTOCOL_INFOW *info, GROUP g, DWORD flags,
                        LPINT error);

/* ---- calling the host ----------------------------------------------------
 *
 * The host reports errors through the thread's last-error value, which is
 * also the application's (Wine's WSASetLastError is SetLastError).  A
 * provider reports errors only through *lpErrno, so every host call is
 * bracketed: the caller's last error is saved and cleared before, and
 * restored after, whatever happened.  On success *error is set to
 * NO_ERROR so no stale code is left behind; on failure it gets the host's
 * code, or WSASYSCALLFAILURE if the host failed without saying why.
 */
static inline DWORD host_call_begin(void)
{
    DWORD caller_error = GetLastError();
    WSASetLastError(0);
    return caller_error;
}

static inline void host_call_succeeded(DWORD caller_error, LPINT error)
{
    *error = NO_ERROR;
    SetLastError(caller_error);
}

static inline void host_call_failed(DWORD caller_error, LPINT error)
{
    int host_error = WSAGetLastError();
    *error = host_error ? host_error : WSASYSCALLFAILURE;
    SetLastError(caller_error);
}

/* The common shape: an int-returning host call that fails with
 * SOCKET_ERROR. */
static inline int host_call_end(DWORD caller_error, int result, LPINT error)
{
    if (result == SOCKET_ERROR)
        host_call_failed(caller_error, error);
    else
        host_call_succeeded(caller_error, error);
    return result;
}

/* ---- the SPI entry points (the WSPPROC_TABLE members) ------------------- */

int WSPAPI WSPStartup(WORD version, LPWSPDATA data, LPWSAPROTOCOL_INFOW entry,
                      WSPUPCALLTABLE upcalls, LPWSPPROC_TABLE procs);
int WSPAPI WSPCleanup(LPINT error);
int WSPAPI WSPCancelBlockingCall(LPINT error);

/* socket.c */
SOCKET WSPAPI WSPSocket(int family, int type, int protocol,
                        LPWSAPROTOCOL_INFOW entry, GROUP g, DWORD flags,
                        LPINT error);
SOCKET WSPAPI WSPAccept(SOCKET s, struct sockaddr *address, LPINT address_length,
                        LPCONDITIONPROC condition, DWORD_PTR condition_context,
                        LPINT error);
SOCKET WSPAPI WSPJoinLeaf(SOCKET s, const struct sockaddr *name, int name_length,
                          LPWSABUF caller_data, LPWSABUF callee_data,
                          LPQOS socket_qos, LPQOS group_qos, DWORD flags,
                          LPINT error);
int WSPAPI WSPCloseSocket(SOCKET s, LPINT error);

/* duplicate.c */
int WSPAPI WSPDuplicateSocket(SOCKET s, DWORD process_id,
                              LPWSAPROTOCOL_INFOW info, LPINT error);

/* connection.c */
int WSPAPI WSPBind(SOCKET s, const struct sockaddr *name, int name_length,
                   LPINT error);
int WSPAPI WSPConnect(SOCKET s, const struct sockaddr *name, int name_length,
                      LPWSABUF caller_data, LPWSABUF callee_data,
                      LPQOS socket_qos, LPQOS group_qos, LPINT error);
int WSPAPI WSPListen(SOCKET s, int backlog, LPINT error);
int WSPAPI WSPShutdown(SOCKET s, int how, LPINT error);
int WSPAPI WSPRecvDisconnect(SOCKET s, LPWSABUF disconnect_data, LPINT error);
int WSPAPI WSPSendDisconnect(SOCKET s, LPWSABUF disconnect_data, LPINT error);

/* poll_state.c: SIO_CEWS_POLL_STATE (cews2.h); out holds a ULONG */
int poll_state(SOCKET s, LPVOID out, LPDWORD bytes_returned, LPWSAOVERLAPPED overlapped,
               LPINT error);

/* io.c */
/* For a socket created without WSA_FLAG_OVERLAPPED: clears *overlapped and
 * *completion (the SPI says they are ignored) and points a NULL *count at
 * spare_count; FALSE, changing nothing, for an overlapped socket. */
BOOL ignore_overlapped(SOCKET s, LPWSAOVERLAPPED *overlapped,
                       LPWSAOVERLAPPED_COMPLETION_ROUTINE *completion, LPDWORD *count,
                       LPDWORD spare_count);
int WSPAPI WSPSend(SOCKET s, LPWSABUF buffers, DWORD buffer_count,
                   LPDWORD bytes_sent, DWORD flags, LPWSAOVERLAPPED overlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE completion,
                   LPWSATHREADID thread, LPINT error);
int WSPAPI WSPSendTo(SOCKET s, LPWSABUF buffers, DWORD buffer_count,
                     LPDWORD bytes_sent, DWORD flags, const struct sockaddr *to,
                     int to_length, LPWSAOVERLAPPED overlapped,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE completion,
                     LPWSATHREADID thread, LPINT error);
int WSPAPI WSPRecv(SOCKET s, LPWSABUF buffers, DWORD buffer_count,
                   LPDWORD bytes_received, LPDWORD flags,
                   LPWSAOVERLAPPED overlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE completion,
                   LPWSATHREADID thread, LPINT error);
int WSPAPI WSPRecvFrom(SOCKET s, LPWSABUF buffers, DWORD buffer_count,
                       LPDWORD bytes_received, LPDWORD flags,
                       struct sockaddr *from, LPINT from_length,
                       LPWSAOVERLAPPED overlapped,
                       LPWSAOVERLAPPED_COMPLETION_ROUTINE completion,
                       LPWSATHREADID thread, LPINT error);
WINBOOL WSPAPI WSPGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED overlapped,
                                      LPDWORD bytes_transferred, WINBOOL wait,
                                      LPDWORD flags, LPINT error);

/* control.c */
int WSPAPI WSPSetSockOpt(SOCKET s, int level, int name, const char *value,
                         int length, LPINT error);
int WSPAPI WSPGetSockOpt(SOCKET s, int level, int name, char *value,
                         LPINT length, LPINT error);
int WSPAPI WSPIoctl(SOCKET s, DWORD code, LPVOID in, DWORD in_size,
                    LPVOID out, DWORD out_size, LPDWORD bytes_returned,
                    LPWSAOVERLAPPED overlapped,
                    LPWSAOVERLAPPED_COMPLETION_ROUTINE completion,
                    LPWSATHREADID thread, LPINT error);
int WSPAPI WSPGetPeerName(SOCKET s, struct sockaddr *name, LPINT name_length,
                          LPINT error);
int WSPAPI WSPGetSockName(SOCKET s, struct sockaddr *name, LPINT name_length,
                          LPINT error);
WINBOOL WSPAPI WSPGetQOSByName(SOCKET s, LPWSABUF qos_name, LPQOS qos,
                               LPINT error);

/* notify.c */
int WSPAPI WSPSelect(int nfds, fd_set *readable, fd_set *writable,
                     fd_set *exceptional, const PTIMEVAL timeout, LPINT error);
int WSPAPI WSPEventSelect(SOCKET s, WSAEVENT event, __LONG32 events,
                          LPINT error);
int WSPAPI WSPEnumNetworkEvents(SOCKET s, WSAEVENT event,
                                LPWSANETWORKEVENTS events, LPINT error);
int WSPAPI WSPAsyncSelect(SOCKET s, HWND window, unsigned int message,
                          __LONG32 events, LPINT error);
/* The relay's way to the host (provider/common/async_relay.h). */
const struct async_relay_ops *host_relay_ops(void);

/* address.c */
INT WSPAPI WSPAddressToString(LPSOCKADDR address, DWORD address_length,
                              LPWSAPROTOCOL_INFOW entry, LPWSTR text,
                              LPDWORD text_length, LPINT error);
INT WSPAPI WSPStringToAddress(LPWSTR text, INT family,
                              LPWSAPROTOCOL_INFOW entry, LPSOCKADDR address,
                              LPINT address_length, LPINT error);

#endif /* HOSTPROV_H */
