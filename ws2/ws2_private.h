/*
 * ws2_private.h - the objects inside ws2.dll and how they refer to each other.
 *
 *   process   startup count, the process lock, the catalog in use
 *   catalog   ordered list of catalog entries (WSAPROTOCOL_INFOW + DLL path)
 *   entry     one catalog entry; owns the provider started for it
 *   provider  a loaded provider DLL with its WSPPROC_TABLE (one per entry)
 *   socket    one application handle -> the entry whose provider owns it
 *
 * Every object follows the same lifecycle: allocate, initialise, reference,
 * dereference, delete (on the last dereference).
 */
#ifndef WS2_PRIVATE_H
#define WS2_PRIVATE_H

#define WINSOCK_API_LINKAGE
#include <cews2.h>
#include <windows.h>
#include <stdlib.h>
#include <string.h>
#include "../provider/common/handle_table.h"
#include "../provider/common/protocol_info_text.h"
#include "thread_slot.h"

/* --- provider.c ------------------------------------------------------------ */
struct provider {
    LONG refs;
    HMODULE module;
    WSPDATA data;
    WSPPROC_TABLE procs;
};
int provider_start(const WCHAR *dll, WSAPROTOCOL_INFOW *info, struct provider **out);
void provider_reference(struct provider *p);
void provider_dereference(struct provider *p);

/* --- catalog_entry.c ------------------------------------------------------- */
struct catalog_entry {
    LONG refs;
    struct catalog_entry *next;
    WSAPROTOCOL_INFOW info;
    WCHAR dll[MAX_PATH];
    struct provider *provider;  /* started on first use, under the process lock */
    int start_error;            /* sticky: a provider that failed to start stays failed */
};
struct catalog_entry *catalog_entry_allocate(const GUID *provider_id, const WCHAR *dll,
                                             const WSAPROTOCOL_INFOW *info, DWORD id);
void catalog_entry_reference(struct catalog_entry *e);
void catalog_entry_dereference(struct catalog_entry *e);
/* Returns the entry's started provider (referenced) or NULL with *err set. */
struct provider *catalog_entry_provider(struct catalog_entry *e, int *err);

/* --- catalog.c ------------------------------------------------------------- */
struct catalog {
    struct catalog_entry *first;
    DWORD next_id;
    int problems;                       /* registrations or loads that failed */
    CEWS2_VERIFY_REPORT report;         /* where problems go (verify); may be NULL */
    void *report_context;
};
struct catalog *catalog_allocate(void);
void catalog_delete(struct catalog *c);
/* Runs every registration's entry in Order, filling c. */
void catalog_load_registrations(struct catalog *c);
int catalog_install(struct catalog *c, const GUID *provider_id, const WCHAR *dll,
                    const WSAPROTOCOL_INFOW *infos, DWORD count);
int catalog_deinstall(struct catalog *c, const GUID *provider_id);
/* Changes whenever any catalog is made, changed or deleted (CeWs2CatalogVersion). */
LONG catalog_version(void);
struct catalog_entry *catalog_find_id(struct catalog *c, DWORD id);
int catalog_find_for_socket(struct catalog *c, int af, int type, int protocol,
                            struct catalog_entry **out);
int catalog_copy_infos(struct catalog *c, const INT *protocols, WSAPROTOCOL_INFOW *buffer,
                       DWORD *length, BOOL for_applications, int *count);
void catalog_problem(struct catalog *c, const WCHAR *who, int error, const WCHAR *fmt, ...);

/* --- guard.c ---------------------------------------------------------------- */
/* Calls fn(arg), which calls into module, and turns a fault that escapes it
 * into a return of -1 with the exception code in *code (module and the DLL
 * the fault was in are then listed as crashed); returns 0 when fn returned. */
typedef INT_PTR (*guarded_fn)(void *arg);
int guard_call(guarded_fn fn, void *arg, HMODULE module, INT_PTR *result, DWORD *code);
/* Whether module crashed under guard_call in this process: it is never called again. */
BOOL guard_module_crashed(HMODULE module);

/* --- process.c -------------------------------------------------------------- */
void process_lock(void);
void process_unlock(void);
BOOL process_started(void);
/* The catalog of this process: built on first need, under the lock. */
struct catalog *process_catalog(void);
/* The catalog if one is built, else NULL (never builds one). */
struct catalog *process_catalog_if_built(void);
/* Ends every started namespace provider with NSPCleanup (nscatalog.c). */
void ns_catalog_cleanup(void);
/* Where WSCInstallProvider installs during a catalog build on this thread
 * (NULL outside one; a thread_slot value, so upcalls during a build find it). */
struct catalog *process_catalog_being_built(void);
/* Makes c the thread's catalog being built, *outer getting the one before;
 * FALSE, nothing changed, when no TLS index could be had for it. */
BOOL process_build_enter(struct catalog *c, struct catalog **outer);
/* Gives the thread back the catalog being built before process_build_enter. */
void process_build_leave(struct catalog *outer);

/* --- socket.c --------------------------------------------------------------- */
struct socket_record {
    struct handle_entry link;           /* the handle, the table's links and the references */
    struct catalog_entry *entry;        /* referenced */
    struct provider *provider;          /* referenced */
};
/* Records handle as owned by entry's provider (a new record replaces a stale one). */
int socket_table_insert(SOCKET handle, struct catalog_entry *entry, struct provider *provider);
/* Finds and references the record of handle; NULL when it is not ours. */
struct socket_record *socket_table_lookup(SOCKET handle);
/* Removes exactly this record, if it is still the one in the table. */
void socket_table_remove(struct socket_record *r);
void socket_record_dereference(struct socket_record *r);
/* Takes every record out of the table (for the last WSACleanup). */
struct socket_record *socket_table_drain(void);
struct socket_record *socket_record_next_drained(struct socket_record *r);

/* --- upcall.c --------------------------------------------------------------- */
extern const WSPUPCALLTABLE upcall_table;

/* --- diag.c: diagnostics and the call trace --------------------------------- */
void diag(const WCHAR *fmt, ...);

/*
 * The trace switch (diag.c says what it logs and the line format).  The hot
 * path when it is off is TRACE_ON(): one load of trace_enabled and a branch
 * predicted not taken.  trace_enabled starts nonzero ("not read yet"), so the
 * first call of the process takes the slow path once: trace_begin() reads the
 * switch (environment, then registry) and leaves trace_enabled 0 or 1 for good.
 * Building with -DCEWS2_TRACE_BUILD=0 compiles every trace call out (the
 * bench's untraced baseline).
 */
#ifndef CEWS2_TRACE_BUILD
#define CEWS2_TRACE_BUILD 1
#endif
#if CEWS2_TRACE_BUILD
extern int trace_enabled;
#define TRACE_ON() __builtin_expect(trace_enabled != 0, 0)
#else
#define TRACE_ON() 0
#endif
/* Start of a traced call: the QueryPerformanceCounter value, or 0 when off. */
LONGLONG trace_begin(void);
#define TRACE_START(t) LONGLONG t = TRACE_ON() ? trace_begin() : 0
/* One line for a call that started at t0 (fmt gives "name(args) = result");
 * via: the catalog entry that served it (NULL: none); err: its Winsock error
 * (0: none).  Preserves the thread's last error. */
void trace_line(LONGLONG t0, const char *kind, const struct catalog_entry *via,
                const WCHAR *dll, int err, const char *fmt, ...)
    __attribute__((format(gnu_printf, 6, 7)));
#define TRACE_API(t, via, err, ...) \
    do { if (__builtin_expect((t) != 0, 0)) \
        trace_line((t), "API", (via), NULL, (err), __VA_ARGS__); } while (0)
/* WSPStartup, as provider.c calls it (result: its return; code: the crash's, or 0). */
void trace_startup(LONGLONG t0, const WCHAR *dll, const WSAPROTOCOL_INFOW *info, int result,
                   DWORD code);
/* Argument text, into the buffer given (the macros give a block-scope one);
 * nothing the application passed is read without checking it first. */
const char *trace_addr(char *b, size_t n, const void *sa, int len);    /* "127.0.0.1:80" */
const char *trace_addr_p(char *b, size_t n, const void *sa, const int *len);
const char *trace_int_p(char *b, size_t n, const void *p, size_t size); /* *p, or the pointer */
const char *trace_str(char *b, size_t n, const char *s);               /* "text", NULL, 0x.. */
const char *trace_wstr(char *b, size_t n, const WCHAR *s);
const char *trace_bufs(char *b, size_t n, const WSABUF *bufs, DWORD count); /* total length */
const char *trace_fdset(char *b, size_t n, const fd_set *set);          /* 0x..[count] */
const char *trace_guid(char *b, size_t n, const GUID *g);
#define TB_ (char[96]){0}, 96
#define TADDR(sa, len)   trace_addr(TB_, (sa), (len))
#define TADDRP(sa, lenp) trace_addr_p(TB_, (sa), (lenp))
#define TINT(p)          trace_int_p(TB_, (p), sizeof(*(p)))
#define TSTR(s)          trace_str(TB_, (s))
#define TWSTR(s)         trace_wstr(TB_, (s))
#define TBUFS(b, n)      trace_bufs(TB_, (b), (n))
#define TFDS(set)        trace_fdset(TB_, (set))
#define TGUID(g)         trace_guid(TB_, (g))
#define TP(p)            ((unsigned long long)(ULONG_PTR)(p))   /* with 0x%llx */
#define TS(s)            ((unsigned long long)(s))              /* with 0x%llx */

/* A provider's procedures as ws2.dll calls them: the provider's own table,
 * or, while tracing, a table of thunks that log each call (SPI lines). */
const WSPPROC_TABLE *trace_spi_table(struct provider *p, const struct catalog_entry *e);
static inline const WSPPROC_TABLE *provider_procs(struct provider *p,
                                                  const struct catalog_entry *e)
{
    if (TRACE_ON())
        return trace_spi_table(p, e);
    return &p->procs;
}

/*
 * Inside ws2.dll, WSASetLastError is the untraced setter: only the
 * application's own calls of the export (api_common.c) make trace lines.
 */
#define WSASetLastError(e) SetLastError((DWORD)(e))

/* The bodies of exports defined outside api_*.c; api_exports.c holds the
 * exports themselves, each tracing one line around its body. */
int impl_WSAStartup(WORD version, LPWSADATA data);                       /* process.c */
int impl_WSACleanup(void);
u_long impl_htonl(u_long v);                                             /* byteorder.c */
u_long impl_ntohl(u_long v);
u_short impl_htons(u_short v);
u_short impl_ntohs(u_short v);
int impl_WSAHtonl(SOCKET s, u_long v, u_long *out);
int impl_WSAHtons(SOCKET s, u_short v, u_short *out);
int impl_WSANtohl(SOCKET s, u_long v, u_long *out);
int impl_WSANtohs(SOCKET s, u_short v, u_short *out);
unsigned long impl_inet_addr(const char *text);
char *impl_inet_ntoa(struct in_addr address);
struct protoent *impl_getprotobyname(const char *name);                  /* netdb.c */
struct protoent *impl_getprotobynumber(int number);
struct servent *impl_getservbyname(const char *name, const char *proto);
struct servent *impl_getservbyport(int port, const char *proto);
struct hostent *impl_gethostbyname(const char *name);                    /* hostnames.c */
struct hostent *impl_gethostbyaddr(const char *addr, int len, int type);
int impl_gethostname(char *name, int len);
int impl_GetHostNameW(WCHAR *name, int len);
int impl_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                     struct addrinfo **result);
void impl_freeaddrinfo(struct addrinfo *list);
int impl_getnameinfo(const struct sockaddr *sa, socklen_t salen, char *node, DWORD nodelen,
                     char *service, DWORD servicelen, int flags);
int impl_GetAddrInfoW(PCWSTR node, PCWSTR service, const ADDRINFOW *hints, PADDRINFOW *result);
void impl_FreeAddrInfoW(PADDRINFOW list);
/* GetAddrInfoExW's completion routine (mingw-w64's header has it as PVOID) */
typedef void (CALLBACK *addrinfo_ex_routine)(DWORD error, DWORD bytes, LPWSAOVERLAPPED overlapped);
int impl_GetAddrInfoExW(PCWSTR name, PCWSTR service, DWORD space, LPGUID provider,
                        const ADDRINFOEXW *hints, PADDRINFOEXW *result, struct timeval *timeout,
                        LPOVERLAPPED overlapped, addrinfo_ex_routine routine, LPHANDLE handle);
int impl_GetAddrInfoExOverlappedResult(LPOVERLAPPED overlapped);
int impl_GetAddrInfoExCancel(LPHANDLE handle);
void impl_FreeAddrInfoExW(PADDRINFOEXW list);
int impl_GetNameInfoW(const SOCKADDR *sa, socklen_t salen, PWCHAR node, DWORD nodelen,
                      PWCHAR service, DWORD servicelen, INT flags);
int impl_WPUCompleteOverlappedRequest(SOCKET s, LPWSAOVERLAPPED ov, DWORD error, DWORD bytes,
                                      LPINT err);                        /* upcall.c */
INT impl_CeWs2VerifyCatalog(CEWS2_VERIFY_REPORT report, void *context);  /* verify.c */
/* Untraced forms of exports ws2.dll itself calls (api_select.c, api_protocols.c). */
int api_fd_is_set(SOCKET s, fd_set *set);
/* select's body (api_select.c), for WSAPoll too. */
int api_select_core(fd_set *sets[3], const struct timeval *timeout, struct socket_record **first,
                    int *err);
int api_duplicate_check(DWORD process_id, void *info, size_t size);   /* api_socket.c */
int api_get_provider_path(LPGUID provider_id, WCHAR *path, LPINT path_len, LPINT errno_out);

/* Bodies the ANSI forms share with the Unicode ones (api_ansi.c). */
SOCKET api_socket_create(LONGLONG t, const char *api, int af, int type, int protocol,
                         LPWSAPROTOCOL_INFOW info, GROUP group, DWORD flags);   /* api_socket.c */
int api_enum_protocols(LPINT protocols, LPWSAPROTOCOL_INFOW buffer, LPDWORD length);
INT api_address_to_string(LPSOCKADDR address, DWORD length, LPWSAPROTOCOL_INFOW info,
                          LPWSTR text, LPDWORD text_length);                  /* api_protocols.c */
INT api_string_to_address(LPWSTR text, INT af, LPWSAPROTOCOL_INFOW info,
                          LPSOCKADDR address, LPINT length);
/* WSAPROTOCOL_INFOW <-> A: provider/common/protocol_info_text.h. */

/* --- api helpers (api_common.c) --------------------------------------------- */
/* Common prologue: fails with WSANOTINITIALISED or WSAENOTSOCK. */
struct socket_record *api_enter(SOCKET s, int *err);
int api_fail(int err);   /* WSASetLastError(err); return SOCKET_ERROR */
/* Common epilogue: drops the call's reference, sets the last error.  (The
 * export writes its own trace line, with its arguments, before this.) */
int api_finish(const char *api, SOCKET s, struct socket_record *r, int result, int err);
/* The calling thread's WSATHREADID when a completion routine is given (api_io.c). */
LPWSATHREADID api_calling_thread(LPWSAOVERLAPPED_COMPLETION_ROUTINE routine);
/* The calling thread's SO_OPENTYPE (0: socket() makes overlapped sockets). */
int api_thread_open_type(void);
/* Address buffers shorter than this are WSAEFAULT (iMinSockAddr). */
int api_min_address(const struct socket_record *r);
/* The socket's provider's procedures (traced when the switch is on). */
#define PROVIDER_CALL(r) (*provider_procs((r)->provider, (r)->entry))
BOOL api_readable(const void *p, size_t n);
BOOL api_writable(void *p, size_t n);
/* Text in the ANSI code page as a Unicode copy (HeapFree it).  NULL stays
 * NULL, and so does everything once *err is set; unreadable text sets
 * WSAEFAULT, text the code page cannot convert `unconvertible` (the
 * caller's call says which error that is), no memory WSA_NOT_ENOUGH_MEMORY. */
WCHAR *api_widen(const char *text, int unconvertible, int *err);

#endif
