/*
 * cews2.h - the ce-winsock SDK header.
 *
 * Include this instead of (or after) <winsock2.h>: it pulls in the system
 * headers and adds what a Windows CE 5.0 Winsock application or service
 * provider needs that mingw-w64's headers lack, plus the few extensions
 * ce-winsock itself exports.  Every value that differs from the desktop SDK
 * carries a note saying so.
 */
#ifndef CEWS2_H
#define CEWS2_H

#include <winsock2.h>
#include <ws2tcpip.h>
#include <ws2spi.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Where ce-winsock keeps its registry data.  CE 5.0 keeps it directly under
 * HKEY_LOCAL_MACHINE\Comm; desktop Windows allows no new key directly under
 * HKEY_LOCAL_MACHINE, so ce-winsock keeps CE's layout (Comm\WS2\LSP\<name>,
 * Comm\WS2, Comm\IrDA, ...) below two roots, the same under Wine and Windows:
 *
 *   machine-wide  HKEY_LOCAL_MACHINE\Software\ce-winsock        CEWS2_REGISTRY_ROOT
 *   per user      HKEY_CURRENT_USER\Software\ce-winsock\<arch>  CEWS2_USER_REGISTRY_ROOT
 *
 * Both are per architecture, because the Dll of a registration is: a 32-bit
 * process reads HKEY_LOCAL_MACHINE in its own registry view (on 64-bit
 * Windows that is HKEY_LOCAL_MACHINE\Software\WOW6432Node\ce-winsock, where
 * the 32-bit ws2inst.exe writes), and since HKEY_CURRENT_USER\Software has
 * one view for both, the per-user root names the architecture (<arch> is
 * CEWS2_REGISTRY_ARCH: x64, x86 or arm64).
 *
 * Lookup order: a per-user registration is used instead of the machine's
 * registration of the same name (names compare case-insensitively); the
 * others of both roots are used together, in Order.  A setting (a value
 * such as Comm\WS2 "Trace" or Comm\IrDA "Medium") is the per-user value
 * if the per-user root has it, else the machine's; an environment variable
 * that exists for a setting wins over both.
 *
 * Older ce-winsock builds kept the layout directly under HKEY_LOCAL_MACHINE
 * (the old root; only Wine lets a program create a key there).  ws2.dll no
 * longer reads it: it reports it as a problem (CEWS2_DIAG, ws2inst verify),
 * and "ws2inst migrate", or any machine-wide ws2inst change, moves it below
 * CEWS2_REGISTRY_ROOT.
 */
#define CEWS2_REGISTRY_ROOT       L"Software\\ce-winsock"
#if defined(__aarch64__) || defined(_M_ARM64)
#define CEWS2_REGISTRY_ARCH       L"arm64"
#elif defined(__x86_64__) || defined(_M_X64) || defined(_M_AMD64)
#define CEWS2_REGISTRY_ARCH       L"x64"
#else
#define CEWS2_REGISTRY_ARCH       L"x86"
#endif
#define CEWS2_USER_REGISTRY_ROOT  CEWS2_REGISTRY_ROOT L"\\" CEWS2_REGISTRY_ARCH

/* CE 5.0's layout, below either root. */
#define CEWS2_WS2_SUBKEY          L"Comm\\WS2"          /* Trace; LSP below it */
#define CEWS2_LSP_SUBKEY          L"Comm\\WS2\\LSP"     /* the registrations */
#define CEWS2_CELSP_SUBKEY        L"Comm\\WS2\\CeLsp"   /* the CE layered provider's settings */
#define CEWS2_IRDA_SUBKEY         L"Comm\\IrDA"         /* the AF_IRDA provider's settings */

/*
 * Provider registrations, as CE 5.0 keeps them (below either root):
 *
 *   Comm\WS2\LSP\<name>
 *       Dll    REG_SZ     the provider DLL (a full path, or a name LoadLibrary finds)
 *       Order  REG_DWORD  ascending run order; absent means 0xFFFFFFFF (last)
 *       Entry  REG_SZ     the DLL's registration export; absent means
 *                         CEWS2_DEFAULT_ENTRY
 *
 * At each process's first WSAStartup, ws2.dll calls every registration's
 * entry in Order (ties broken by name).  The entry installs the provider's
 * catalog entries with WSCInstallProvider, which on CE (and here) fills the
 * running process's catalog rather than a persisted one.  A registration
 * whose DLL is missing, lacks the entry, fails or crashes is skipped with a
 * diagnostic; the others still load.  Use ws2inst.exe to change them: it
 * replaces the set atomically.
 */
#define CEWS2_LSP_KEY        CEWS2_REGISTRY_ROOT L"\\" CEWS2_LSP_SUBKEY        /* under HKLM */
#define CEWS2_USER_LSP_KEY   CEWS2_USER_REGISTRY_ROOT L"\\" CEWS2_LSP_SUBKEY   /* under HKCU */
#define CEWS2_DEFAULT_ENTRY  "InstallProvider"
#define CEWS2_DEFAULT_ORDER  0xFFFFFFFFu

/* The registration entry: dll_path is the registration's Dll value, to be
 * passed to WSCInstallProvider.  Returns 0 or a Winsock error code. */
typedef INT (WINAPI *CEWS2_REGISTER_ENTRY)(LPCWSTR dll_path);

/* The providers ce-winsock ships, with their provider GUIDs. */
#define CEWS2_HOST_PROVIDER_DLL  L"hostprov.dll"
#define CEWS2_CE_LSP_DLL         L"celsp.dll"
/* The CE layered provider's layered entry: {6C1E5A10-4B1D-4C36-9E4A-2E0C5E7A0002} */
#define CEWS2_CE_LSP_LAYER_GUID \
    { 0x6c1e5a10, 0x4b1d, 0x4c36, { 0x9e, 0x4a, 0x2e, 0x0c, 0x5e, 0x7a, 0x00, 0x02 } }
/* The CE layered provider's protocol chains: {6C1E5A10-4B1D-4C36-9E4A-2E0C5E7A0003} */
#define CEWS2_CE_LSP_CHAIN_GUID \
    { 0x6c1e5a10, 0x4b1d, 0x4c36, { 0x9e, 0x4a, 0x2e, 0x0c, 0x5e, 0x7a, 0x00, 0x03 } }

/*
 * SO_CEWS_LINGER_NOTE (SOL_SOCKET, BOOL; CE layered provider).  The CE 5.0
 * closesocket page contradicts itself about a non-blocking socket with a
 * non-zero linger: its table says closesocket fails with WSAEWOULDBLOCK
 * while data is queued (the handle stays valid, nothing is started), and a
 * note says it returns 0 at once, invalidates the handle and keeps sending
 * until the interval ends.  Off (the default) gives the table; on gives the
 * note, finished in the background (reset if the interval ends first).
 * The process-wide default is the setting Comm\WS2\CeLsp "LingerNote"
 * (DWORD; per user, else machine-wide, see CEWS2_REGISTRY_ROOT) or the
 * environment variable CEWS2_LINGER_NOTE=1, which wins.
 */
#define SO_CEWS_LINGER_NOTE  0x7C45
/* {6C1E5A10-4B1D-4C36-9E4A-2E0C5E7A0001} */
#define CEWS2_HOST_PROVIDER_GUID \
    { 0x6c1e5a10, 0x4b1d, 0x4c36, { 0x9e, 0x4a, 0x2e, 0x0c, 0x5e, 0x7a, 0x00, 0x01 } }

/*
 * SIO_CEWS_SEND_BACKLOG (WSAIoctl, stream sockets): the number of bytes the
 * application has sent on the connection that the peer has not yet
 * acknowledged (unsent plus in flight), as a DWORD.  The CE layered
 * provider asks the provider below it for this figure to decide whether a
 * lingering closesocket still has queued data; ce-winsock's host base
 * provider answers it from the host kernel.  A base provider that does not
 * know fails it with WSAEOPNOTSUPP or WSAEINVAL, and the layered provider
 * then judges by writability alone (see SIO_CEWS_LINGER_MECHANISM).
 */
#define SIO_CEWS_SEND_BACKLOG  _WSAIOR(IOC_VENDOR, 0x4345)

/*
 * SIO_CEWS_LINGER_MECHANISM (WSAIoctl, stream sockets, no input): how the
 * provider carries out the parts of a lingering close that only the
 * provider below the CE layered provider can, as a DWORD:
 *
 *   CEWS_LINGER_MECHANISM_NONE     it cannot tell the send backlog and may
 *                                  not reset on a zero linger: the CE
 *                                  layered provider then approximates rows
 *                                  3 and 4 of the linger table ("connected
 *                                  and not writable means data queued") and
 *                                  says so once per process (CEWS2_DIAG)
 *   CEWS_LINGER_MECHANISM_BACKLOG  it answers SIO_CEWS_SEND_BACKLOG and
 *                                  resets the connection when closed with
 *                                  a zero linger: the CE layered provider
 *                                  waits itself, and the table holds exactly
 *   CEWS_LINGER_MECHANISM_NATIVE   its own closesocket carries out rows 3
 *                                  and 4 with the SO_LINGER set on it, as
 *                                  Windows' does (a blocking close waits
 *                                  for the queue to drain, or resets when
 *                                  the interval ends; a non-blocking one
 *                                  fails WSAEWOULDBLOCK and keeps the
 *                                  socket while data is queued): the CE
 *                                  layered provider hands those rows to it
 *                                  and keeps the rest of the contract
 *
 * ce-winsock's host base provider answers BACKLOG under Wine on Linux
 * (where it reaches the Linux socket under the Wine handle), NATIVE on
 * Windows (the host's closesocket lingers itself), and NONE under Wine
 * elsewhere or when the environment variable
 * CEWS2_HOST_NO_WINE_MECHANISM=1 turns the Wine mechanism off.  A provider
 * that fails this ioctl (WSAEOPNOTSUPP, WSAEINVAL) counts as NONE.  The CE
 * layered provider passes it to the provider below; "ws2inst verify"
 * prints each base provider's answer.
 */
#define SIO_CEWS_LINGER_MECHANISM       _WSAIOR(IOC_VENDOR, 0x4347)
#define CEWS_LINGER_MECHANISM_NONE      0
#define CEWS_LINGER_MECHANISM_BACKLOG   1
#define CEWS_LINGER_MECHANISM_NATIVE    2

/*
 * SIO_CEWS_CANCEL (WSAIoctl, no buffers): cancel every call pending on the
 * socket as closesocket would, without closing it: blocking calls in other
 * threads fail with WSAEINTR, overlapped operations complete with
 * WSA_OPERATION_ABORTED.  The CE layered provider uses it over base
 * providers whose handles are not kernel file handles (not
 * XP1_IFS_HANDLES), where CancelIoEx cannot reach their operations;
 * ce-winsock's AF_IRDA provider implements it.
 */
#define SIO_CEWS_CANCEL        _WSAIO(IOC_VENDOR, 0x4346)

/*
 * SIO_CEWS_POLL_STATE (WSAIoctl, stream sockets): the base provider's own
 * poll flags for the socket (POLLERR, POLLHUP, POLLRDNORM, POLLWRNORM, as
 * WSAPoll defines them), as a ULONG, without waiting.  ws2.dll's WSAPoll
 * asks it of a socket whose peer is gone, to tell a reset (POLLERR |
 * POLLHUP, as Windows reports it for as long as the socket lives) from a
 * FIN: once the reset has been reported to one recv, nothing else a
 * provider answers (SO_ERROR is 0) tells the two apart.  ce-winsock's host
 * base provider answers it from the host's poll; a provider that does not
 * know fails it (WSAEOPNOTSUPP, WSAEINVAL), and WSAPoll then reports
 * POLLHUP alone.
 */
#define SIO_CEWS_POLL_STATE    _WSAIOR(IOC_VENDOR, 0x4348)

/*
 * Diagnostics: ws2.dll writes one line per skipped registration or failed
 * provider load to standard error when CEWS2_DIAG=1 is set in the
 * environment (and always through OutputDebugString).  The CE layered
 * provider writes the same way, once per process, the line
 * "celsp: linger rows 3-4 approximate: the provider below reports no send
 * backlog" at the first lingering close that needs the backlog of a
 * provider answering CEWS_LINGER_MECHANISM_NONE.
 */

/* One problem found by CeWs2VerifyCatalog.  registration is the LSP key
 * name (or the provider's catalog entry name for chain problems); error is a
 * Winsock error code (0 for an "ok" line); message is one line of text. */
typedef void (WINAPI *CEWS2_VERIFY_REPORT)(void *context, LPCWSTR registration,
                                           INT error, LPCWSTR message);

/* ws2.dll extension (no WSAStartup needed): build a throw-away catalog from
 * the registrations, exactly as the first WSAStartup would, without touching
 * the process's own catalog; run every registration's entry; load and start
 * the provider of every catalog entry; check every protocol chain refers to
 * entries that exist.  report is called once per registration that is fine
 * (error 0) and once per problem.  Returns the number of problems. */
INT WINAPI CeWs2VerifyCatalog(CEWS2_VERIFY_REPORT report, void *context);

/* ws2.dll extension (no WSAStartup needed, never fails): a number that
 * changes whenever the catalog WSCEnumProtocols reports may have changed
 * (a provider installed or removed, the catalog built again after the last
 * WSACleanup).  A provider that keeps what it resolved from the catalog
 * (celsp: the provider below each chain) reads it again only when this
 * number is not the one it read before reading the catalog. */
LONG WINAPI CeWs2CatalogVersion(void);

/* ---- SDK (issue 4): CE 5.0 definitions mingw-w64 lacks ---------------------
 * IRLMP_LAZY_DISCOVERY, IRDA_MAX_SERVICE_NAME, IRDA_MAX_DEVICE_NAME,
 * WSAEDUPLICATE_NAME, with <af_irda.h>; notes on CE vs desktop values there. */
#include "cews2_ce.h"
/* ---- end SDK section ------------------------------------------------------ */

/* ---- namespace providers (issue 13): the Winsock 2 name-resolution catalog ---
 * Name resolution goes through a catalog of namespace providers, as on CE
 * 5.0 and Windows: gethostbyname, gethostbyaddr, gethostname, getaddrinfo,
 * getnameinfo and their W/Ex forms become WSALookupServiceBegin/Next/End
 * queries on the NS_DNS providers, which are DLLs exporting NSPStartup.
 * The host base provider (hostprov.dll) is the default one: it is the only
 * module that calls the host's resolver.
 *
 * Registrations, one key each, in the roots above (per-user first, a key of
 * the same name there replaces the machine's):
 *   <root>\Comm\WS2\NameSpace\<name>
 *       Dll        REG_SZ     the provider DLL
 *       ProviderId REG_SZ     its GUID, "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}"
 *       NameSpace  REG_DWORD  NS_DNS, ...
 *       Version    REG_DWORD  (absent = 1)
 *       Enabled    REG_DWORD  0 = disabled (absent = enabled)
 *       Order      REG_DWORD  asked in ascending Order, then name (absent = 100)
 * The key name is the provider's identifier (WSANAMESPACE_INFO's
 * lpszIdentifier).  WSCInstallNameSpace, WSCUnInstallNameSpace and
 * WSCEnableNSProvider write the machine root; ws2inst reset installs the
 * default (hostprov, "HostDns"), ws2inst list and verify show them.
 *
 * CE 5.0's ws2.dll exports WSAEnumNameSpaceProvidersW, WSALookupServiceBeginW,
 * WSALookupServiceNextW, WSALookupServiceEnd, WSASetServiceW,
 * WSCInstallNameSpace and WSCUnInstallNameSpace; WSAEnumNameSpaceProvidersA,
 * WSALookupServiceBeginA, WSALookupServiceNextA, WSASetServiceA and
 * WSCEnableNSProvider are desktop extensions.  WSASetService goes to each
 * selected provider's NSPSetService (optional: a provider without one
 * counts as WSAEOPNOTSUPP) with no service class information (NULL).
 *
 * What ws2.dll asks (the queries a provider may answer):
 *   SVCID_HOSTNAME, name ""                  gethostname: the name
 *   SVCID_INET_HOSTADDRBYNAME, name or NULL  gethostbyname (NULL: this host);
 *       gethostbyaddr asks the reverse name ("4.3.2.1.in-addr.arpa",
 *       "<32 nibbles>.ip6.arpa").  Answer: the addresses (RemoteAddr of
 *       each CSADDR_INFO), the name, and, if it can, a HOSTENT blob with
 *       offsets from the blob's start in place of pointers (as Windows).
 *   SVCID_INET_HOSTADDRBYNAME with lpBlob = struct cews2_addrinfo_query
 *       getaddrinfo & co.  A provider that knows the blob answers the whole
 *       list (one CSADDR_INFO per entry, port included, iSocketType and
 *       iProtocol set, the canonical name as the instance name) and puts a
 *       struct cews2_addrinfo_answer in its lpBlob; a provider that does
 *       not gets the hints applied by ws2.dll to the addresses it returns.
 *   CEWS2_SVCID_NAMEINFO, lpcsaBuffer[0].RemoteAddr = the address,
 *       lpBlob = struct cews2_nameinfo_query: getnameinfo & co.  Answer:
 *       the node as instance name, the service as lpszComment.
 */
#define CEWS2_NAMESPACE_SUBKEY  L"Comm\\WS2\\NameSpace"

/* hostprov.dll's NS_DNS provider {8f2c6d1e-3b7a-4c55-9e1d-0a6b2c4e5f01} */
#define CEWS2_HOST_NSP_ID { 0x8f2c6d1e, 0x3b7a, 0x4c55, { 0x9e, 0x1d, 0x0a, 0x6b, 0x2c, 0x4e, 0x5f, 0x01 } }
/* the getnameinfo query class {8f2c6d1e-3b7a-4c55-9e1d-0a6b2c4e5f02} */
#define CEWS2_SVCID_NAMEINFO { 0x8f2c6d1e, 0x3b7a, 0x4c55, { 0x9e, 0x1d, 0x0a, 0x6b, 0x2c, 0x4e, 0x5f, 0x02 } }

#define CEWS2_ADDRINFO_QUERY_MAGIC  0x51494143u   /* "CAIQ" */
#define CEWS2_ADDRINFO_ANSWER_MAGIC 0x41494143u   /* "CAIA" */
#define CEWS2_NAMEINFO_QUERY_MAGIC  0x51494e43u   /* "CNIQ" */

struct cews2_addrinfo_query {
    DWORD magic;            /* CEWS2_ADDRINFO_QUERY_MAGIC */
    int flags, family, socktype, protocol;   /* the caller's hints (0 without) */
    int has_hints;          /* the caller passed hints */
    int has_service;        /* service below is the caller's (else NULL) */
    WCHAR service[256];
};

struct cews2_addrinfo_answer {
    DWORD magic;            /* CEWS2_ADDRINFO_ANSWER_MAGIC */
    DWORD count;            /* = dwNumberOfCsAddrs */
    int flags[1];           /* ai_flags of each entry, count of them */
};

struct cews2_nameinfo_query {
    DWORD magic;            /* CEWS2_NAMEINFO_QUERY_MAGIC */
    int flags;              /* NI_* */
    int want_node, want_service;    /* the caller passed that buffer */
    DWORD node_length;      /* the caller's buffers, in characters */
    DWORD service_length;
};
/* ---- end namespace providers ---------------------------------------------- */

/* ---- desktop extensions ---------------------------------------------------
 * CE 5.0's ws2.dll is the documented core: Unicode-only, no Vista-era calls.
 * Desktop builds of the same code also call the exports below, so ws2.dll
 * has them too, marked here and in docs/compatibility.md as desktop
 * extensions.  Each goes through the same catalog and providers as the
 * core (nothing reaches the host's Winsock directly); they are declared by
 * winsock2.h / ws2tcpip.h as on Windows.
 *
 *   WSASocketA, WSAAddressToStringA, WSAStringToAddressA, WSAEnumProtocolsA,
 *   WSADuplicateSocketA, WSADuplicateSocketW, WSAConnectByNameA,
 *   WSAConnectByNameW, WSASendDisconnect, WSARecvDisconnect, WSAPoll,
 *   inet_pton, inet_ntop, InetPtonW, InetNtopW, GetHostNameW,
 *   getprotobyname, getprotobynumber, getservbyname, getservbyport
 *   (these four read DataBasePath's protocol and services files, or
 *   %SystemRoot%\system32\drivers\etc\..., with a built-in table of the
 *   well-known entries when a file cannot be read; one result per thread),
 *   GetAddrInfoExW, GetAddrInfoExOverlappedResult, GetAddrInfoExCancel,
 *   FreeAddrInfoExW (the resolver GetAddrInfoW uses, overlapped form
 *   included: event, completion routine, cancel handle; the two that
 *   mingw-w64's ws2tcpip.h lacks are declared below),
 *   WSAEnumNameSpaceProvidersA, WSALookupServiceBeginA,
 *   WSALookupServiceNextA, WSASetServiceA, WSCEnableNSProvider (the namespace catalog's
 *   ANSI forms and switch; see "namespace providers" above)
 *
 * and, in the import libraries (libws2.a, ws2.lib) as in mingw-w64's
 * libws2_32.a: in6addr_any, in6addr_loopback, gai_strerrorA/W, the
 * <wspiapi.h> targets WspiapiGetAddrInfo/GetNameInfo/FreeAddrInfo (calling
 * ws2.dll's getaddrinfo & co.), and mswsock.h's AcceptEx,
 * GetAcceptExSockaddrs and TransmitFile (asking the socket's provider for
 * them with SIO_GET_EXTENSION_FUNCTION_POINTER).  Link -lws2 without
 * -lmswsock, or before it, so that these are the ones used.
 */
#define CEWS2_DESKTOP_EXTENSIONS 1

/* ---- desktop extensions answering with window messages ----------------------
 * Not in CE 5.0 either; declared by winsock2.h as on Windows.
 *
 *   WSAAsyncSelect: the socket's provider's WSPAsyncSelect (through celsp,
 *   which stops the messages at closesocket: none follows it); hostprov
 *   and irdaprov post them with WPUPostMessage, wParam the application's
 *   socket, lParam WSAMAKESELECTREPLY(event, error), re-enabled as on
 *   Windows; WSAAsyncSelect and WSAEventSelect cancel each other.  A window
 *   that does not exist or events outside FD_ALL_EVENTS: WSAEINVAL.
 *   WSAAsyncGetServByName, WSAAsyncGetServByPort, WSAAsyncGetProtoByName,
 *   WSAAsyncGetProtoByNumber, WSAAsyncGetHostByName, WSAAsyncGetHostByAddr:
 *   ws2.dll's own getXbyY on a thread, the answer packed into the caller's
 *   buffer (MAXGETHOSTSTRUCT is enough for most), then the message with
 *   wParam the returned handle and lParam WSAMAKEASYNCREPLY(length, error):
 *   WSAENOBUFS with the length needed when the buffer is short.
 *   WSACancelAsyncRequest: 0, WSAEALREADY (finished), WSAEINVAL (unknown).
 */
#define CEWS2_DESKTOP_ASYNC_EXTENSIONS 1

/* Windows 8's overlapped look-up companions, not in mingw-w64's ws2tcpip.h. */
int WSAAPI GetAddrInfoExOverlappedResult(LPOVERLAPPED lpOverlapped);
int WSAAPI GetAddrInfoExCancel(LPHANDLE lpHandle);

#ifdef __cplusplus
}
#endif

#endif /* CEWS2_H */
