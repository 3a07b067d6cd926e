/*
 * shared_socket.c - the handles of one process that refer to one
 * underlying socket: the original and its in-process duplicates
 * (WSADuplicateSocket for this process, then WSASocket(FROM_PROTOCOL_INFO)).
 *
 * Why closesocket needs them: the kernel (and Wine's server) cancels by
 * socket object, not by handle, so the CancelIoEx that aborts what is
 * pending on a closing handle would abort what is pending through its
 * duplicates too.  Windows cancels nothing while another handle refers to
 * the socket: the pending operations end with the last handle's close
 * (Wine's test_completion_port checks it with an AcceptEx pending on the
 * duplicate).  So a close while other handles of this process remain
 * cancels nothing; the last one cancels everything any of them issued.
 * Duplicates in other processes need nothing of the kind: a process
 * cancels only its own operations.
 *
 * Lifecycle: allocated with the first in-process duplicate's description,
 * one reference per context and per description not yet imported (a
 * description never imported leaves its group behind: a few bytes), freed
 * with the last reference.
 */
#include "celsp.h"

struct shared_socket *shared_socket_for(struct lsp_socket *so)
{
    struct shared_socket *sh = so->shared, *fresh;

    if (!sh) {
        fresh = calloc(1, sizeof(*fresh));
        if (!fresh)
            return NULL;
        fresh->refs = 1;                    /* so's own */
        fresh->open = 1;                    /* so's handle */
        fresh->io_issued = so->io_issued;   /* what it issued before it had a group */
        sh = InterlockedCompareExchangePointer((void *volatile *)&so->shared, fresh, NULL);
        if (sh)
            free(fresh);                    /* another duplicate made it first */
        else
            sh = fresh;
    }
    InterlockedIncrement(&sh->refs);        /* the description's */
    return sh;
}

void shared_socket_join(struct lsp_socket *so, struct shared_socket *sh)
{
    InterlockedIncrement(&sh->open);
    so->shared = sh;
    if (so->io_issued)
        InterlockedExchange(&sh->io_issued, 1);
}

BOOL shared_socket_leave(struct lsp_socket *so)
{
    struct shared_socket *sh = so->shared;
    return sh && InterlockedDecrement(&sh->open) > 0;
}

BOOL shared_socket_io_issued(const struct lsp_socket *so)
{
    struct shared_socket *sh = so->shared;
    return so->io_issued || (sh && sh->io_issued);
}

void shared_socket_release(struct shared_socket *sh)
{
    if (sh && InterlockedDecrement(&sh->refs) == 0)
        free(sh);
}
