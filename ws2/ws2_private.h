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
struct catalog_entry *catalog_find_id(struct catalog *c, DWORD id);
int catalog_find_for_socket(struct catalog *c, int af, int type, int protocol,
                            struct catalog_entry **out);
int catalog_copy_infos(struct catalog *c, const INT *protocols, WSAPROTOCOL_INFOW *buffer,
                       DWORD *length, BOOL for_applications, int *count);
void catalog_problem(struct catalog *c, const WCHAR *who, int error, const WCHAR *fmt, ...);

/* --- guard.c ---------------------------------------------------------------- */
/* Calls fn(arg) and turns a crash inside it into a return of -1 with the
 * exception code in *code; returns 0 when fn returned normally. */
typedef INT_PTR (*guarded_fn)(void *arg);
int guard_call(guarded_fn fn, void *arg, INT_PTR *result, DWORD *code);

/* --- process.c -------------------------------------------------------------- */
void process_lock(void);
void process_unlock(void);
BOOL process_started(void);
/* The catalog of this process: built on first need, under the lock. */
struct catalog *process_catalog(void);
/* Where WSCInstallProvider installs during a catalog build on this thread. */
extern __thread struct catalog *catalog_being_built;

/* --- socket.c --------------------------------------------------------------- */
struct socket_record {
    LONG refs;
    SOCKET handle;
    struct catalog_entry *entry;        /* referenced */
    struct provider *provider;          /* referenced */
    struct socket_record *next_in_bucket;
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
BOOL upcall_is_provider_handle(SOCKET s);

/* --- diag.c ----------------------------------------------------------------- */
void diag(const WCHAR *fmt, ...);
void trace_call(const char *api, SOCKET s, const struct socket_record *r, int result, int error);

/* --- api helpers (api_common.c) --------------------------------------------- */
/* Common prologue: fails with WSANOTINITIALISED or WSAENOTSOCK. */
struct socket_record *api_enter(SOCKET s, int *err);
int api_fail(int err);   /* WSASetLastError(err); return SOCKET_ERROR */
/* Common epilogue: traces, drops the call's reference, sets the last error. */
int api_finish(const char *api, SOCKET s, struct socket_record *r, int result, int err);
/* The calling thread's WSATHREADID when a completion routine is given (api_io.c). */
LPWSATHREADID api_calling_thread(LPWSAOVERLAPPED_COMPLETION_ROUTINE routine);
void api_io_thread_exit(void);
/* Address buffers shorter than this are WSAEFAULT (iMinSockAddr). */
int api_min_address(const struct socket_record *r);
#define PROVIDER_CALL(r) ((r)->provider->procs)
BOOL api_readable(const void *p, size_t n);
BOOL api_writable(void *p, size_t n);

#endif
