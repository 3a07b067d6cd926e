/*
 * celsp.h - private header of celsp.dll, the CE 5.0 layered service provider.
 *
 * celsp sits in a protocol chain above a base provider and gives every
 * socket the closesocket contract of Windows CE 5.0: the linger table,
 * cancellation of pending blocking and overlapped calls, and reference
 * semantics.  It uses nothing but the SPI to reach the provider below
 * (the "lower" provider), so it works over any IFS base provider.
 *
 * Handles pass through (IFS): the SOCKET the application holds is the lower
 * provider's handle, announced to ws2.dll as ours with WPUModifyIFSHandle.
 * Overlapped operations therefore complete by the lower provider straight
 * to the application's event, completion routine or completion port;
 * celsp cancels them with CancelIoEx, which completes each exactly once
 * with WSA_OPERATION_ABORTED through whichever of the three it used.
 */
#ifndef CELSP_H
#define CELSP_H

#include <cews2.h>
#include <windows.h>
#include <stdlib.h>
#include <string.h>
#include "linger_policy.h"
#include "../common/handle_table.h"

/* ---- lower.c: the providers below us, one per next catalog entry ------- */
struct lower {
    struct lower *next;
    DWORD catalog_id;               /* the next entry in the chain */
    WSAPROTOCOL_INFOW info;         /* what we pass it as lpProtocolInfo */
    HMODULE module;
    WSPPROC_TABLE procs;
    /* its extension functions that issue I/O, as it gave them (extension.c) */
    void *volatile extensions[7];
};
/* Finds (starting it on first use) the provider below chain entry info;
 * the catalog is read once per chain and catalog version (lower.c). */
struct lower *lower_for_chain(const WSAPROTOCOL_INFOW *info, int *err);
void lower_cleanup_all(void);

/* ---- startup.c --------------------------------------------------------- */
extern WSPUPCALLTABLE upcalls;
/* Settings read once per process (registry, environment). */
BOOL settings_linger_note_default(void);
int WSPAPI WSPCleanup(LPINT err);
/* The chain entry (one we were started for) with this catalog id. */
BOOL chain_info(DWORD catalog_id, WSAPROTOCOL_INFOW *info);

/* ---- socket_context.c: our state for each socket ------------------------ */
struct lsp_socket {
    struct handle_entry link;       /* the handle, the table's links and the references */
    struct lower *lower;
    DWORD catalog_id;               /* our chain entry (for accepted sockets) */
    int type;                       /* SOCK_STREAM, SOCK_DGRAM, ... */
    SRWLOCK lock;                   /* guards the option fields below */
    struct linger linger;           /* as the application set it */
    /* flags, 0 or 1, one byte each: every idle socket carries them, and
     * four BOOLs put the record over a heap size class (make bench item 8) */
    BOOLEAN linger_note;            /* SO_CEWS_LINGER_NOTE */
    BOOLEAN nonblocking;            /* FIONBIO, or made so by WSAEventSelect/WSAAsyncSelect */
    BOOLEAN event_selected;
    BOOLEAN async_selected;
    volatile LONG closing;          /* set once, by the closesocket that wins */
    volatile LONG io_issued;        /* a call that can pend has reached the lower provider */
    /* the other handles of this process on the same socket (shared_socket.c) */
    struct shared_socket *volatile shared;
};
struct lsp_socket *socket_context_create(SOCKET handle, struct lower *lower, DWORD catalog_id,
                                         int type, const struct lsp_socket *parent);
/* References the context of s; NULL with *err = WSAENOTSOCK if s is not
 * ours or is being closed. */
struct lsp_socket *socket_context_lookup(SOCKET s, int *err);
void socket_context_reference(struct lsp_socket *so);
void socket_context_dereference(struct lsp_socket *so);
/* Marks so closing and takes it out of the table; FALSE if another
 * closesocket got there first. */
BOOL socket_context_begin_close(struct lsp_socket *so);
LONG socket_context_refs(const struct lsp_socket *so);
/* Every context still open (referenced), for WSPCleanup. */
struct lsp_socket **socket_context_snapshot(size_t *count);

/* ---- shared_socket.c: handles of one process on one underlying socket ---- */
/* What the handles of this process that refer to one underlying socket
 * (the original and its in-process duplicates) share: how many are open,
 * and whether any of them issued I/O that can pend. */
struct shared_socket {
    volatile LONG refs;             /* contexts and descriptions holding it */
    volatile LONG open;             /* handles not yet closed */
    volatile LONG io_issued;
};
/* so's group, made on first use (its first in-process duplicate), with a
 * reference for the caller (the description that will carry it); NULL
 * without memory. */
struct shared_socket *shared_socket_for(struct lsp_socket *so);
/* so (a fresh duplicate) joins sh, taking over the caller's reference. */
void shared_socket_join(struct lsp_socket *so, struct shared_socket *sh);
/* so's handle closes: whether another handle of this process still refers
 * to the socket.  Once per context. */
BOOL shared_socket_leave(struct lsp_socket *so);
/* Whether any handle of so's socket in this process issued I/O that can pend. */
BOOL shared_socket_io_issued(const struct lsp_socket *so);
void shared_socket_release(struct shared_socket *sh);

/* ---- extension.c: AcceptEx, ConnectEx, ... as celsp hands them out -------- */
/* After the provider below answered SIO_GET_EXTENSION_FUNCTION_POINTER:
 * an I/O-issuing function in out is replaced by celsp's own. */
void extension_wrap(struct lsp_socket *so, const void *in, DWORD in_len, void *out,
                    DWORD out_len);

/* ---- linger.c: SO_LINGER / SO_DONTLINGER / SO_CEWS_LINGER_NOTE ----------- */
int linger_set(struct lsp_socket *so, int optname, const char *value, int length);
int linger_get(struct lsp_socket *so, int optname, char *value, int *length);

/* ---- diagnostic.c ---------------------------------------------------------- */
/* Says, once per process, that rows 3 and 4 of the linger table are judged
 * by writability because the provider below reports no send backlog. */
void diagnostic_linger_approximate(void);

/* ---- linger_native.c: rows 3-4 over a provider whose close lingers ------- */
/* The provider below's SIO_CEWS_LINGER_MECHANISM; NONE if it fails it. */
DWORD native_linger_mechanism(struct lsp_socket *so);
/* Row 4, before anything changed: the provider below closes gracefully
 * (nothing queued) or fails WSAEWOULDBLOCK with the socket as it was. */
int native_close_nonblocking(struct lsp_socket *so, unsigned interval, LPINT err);
/* Row 3 (and the note's background wait): the provider below's blocking
 * lingering close. */
int native_close_lingering(struct lsp_socket *so, unsigned interval, LPINT err);

/* ---- close.c --------------------------------------------------------------- */
int WSPAPI lsp_close_socket(SOCKET s, LPINT err);
/* Waits for background closes still running (WSPCleanup). */
void close_wait_background(void);

/* ---- the WSP functions (calls.c, select.c, options.c, duplicate.c) ------- */
void calls_fill_table(WSPPROC_TABLE *t);
/* A fresh lower socket taken as ours, with parent's settings if given. */
SOCKET lsp_adopt(SOCKET lower_socket, struct lower *lower, DWORD catalog_id, int type,
                 const struct lsp_socket *parent, LPINT err);
int WSPAPI lsp_duplicate_socket(SOCKET s, DWORD pid, LPWSAPROTOCOL_INFOW info, LPINT err);
/* Whether info is a description lsp_duplicate_socket made. */
BOOL duplicate_is_ours(const WSAPROTOCOL_INFOW *info);
SOCKET duplicate_import(struct lower *lower, const WSAPROTOCOL_INFOW *info, GROUP group,
                        DWORD flags, LPINT err);
int WSPAPI lsp_select(int nfds, fd_set *r, fd_set *w, fd_set *e, const PTIMEVAL timeout,
                      LPINT err);
int WSPAPI lsp_set_sock_opt(SOCKET s, int level, int optname, const char *value, int length,
                            LPINT err);
int WSPAPI lsp_get_sock_opt(SOCKET s, int level, int optname, char *value, int *length,
                            LPINT err);
int WSPAPI lsp_ioctl(SOCKET s, DWORD code, LPVOID in, DWORD in_len, LPVOID out, DWORD out_len,
                     LPDWORD returned, LPWSAOVERLAPPED ov,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                     LPINT err);

/* Before a call that can leave an operation pending after it returned (an
 * overlapped one): closesocket must cancel then.  A call that only blocks
 * needs no mark: while inside it holds a reference to the context, and
 * closesocket cancels whenever it finds a call inside (close.c). */
static inline void note_io(struct lsp_socket *so)
{
    struct shared_socket *sh = so->shared;
    if (!so->io_issued)
        InterlockedExchange(&so->io_issued, 1);
    if (sh && !sh->io_issued)
        InterlockedExchange(&sh->io_issued, 1);
}

/*
 * One outcome per call.  A call that failed because closesocket cancelled it
 * reports WSAEINTR (CE contract 3), whatever the provider below said; but
 * SOCKET_ERROR with WSA_IO_PENDING is not a failure: the operation was
 * started and will complete exactly once (with WSA_OPERATION_ABORTED, by
 * its event, routine or port), so it is passed up untouched.  Rewriting it
 * would tell the application the call failed while its OVERLAPPED is still
 * owned by the system.  Any other failure of an overlapped call means it
 * never started and nothing will complete, so WSAEINTR is a safe answer.
 */
static inline int interrupted_if_closing(struct lsp_socket *so, int result, LPINT err)
{
    if (result == SOCKET_ERROR && *err != WSA_IO_PENDING && so->closing)
        *err = WSAEINTR;
    return result;
}

#endif
