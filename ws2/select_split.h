/*
 * select_split.h - one select over sockets of several providers.
 *
 * A provider's WSPSelect waits only on its own sockets, but applications put
 * whatever they have in one select: TCP with UDP, IPv4 with IPv6, IrDA with
 * TCP.  ws2.dll (sockets of several provider DLLs) and celsp.dll (sockets
 * over several providers below it) both split the sets by owner and, when
 * there is more than one, poll each owner in turn.  The sets may hold any
 * number of sockets (applications may define FD_SETSIZE above 64); fd_count
 * is what counts.
 *
 * Built into both DLLs (no shared state).
 */
#ifndef SELECT_SPLIT_H
#define SELECT_SPLIT_H

#include <winsock2.h>

/* An fd_set of any size: fd_count then that many SOCKETs. */
#define SELECT_SET_BYTES(n) (sizeof(u_int) + (size_t)(n) * sizeof(SOCKET) + sizeof(SOCKET))

struct select_split_ops {
    /* The owner of s (a non-NULL key; sockets with equal keys go to one
     * provider together) and something the owner's select needs (*hint,
     * kept from the group's first socket).  NULL with *err set: s is not
     * one of ours. */
    void *(*owner_of)(void *ctx, SOCKET s, void **hint, int *err);
    /* The owner's select over its own sockets (sets NULL where empty). */
    int (*select)(void *ctx, void *hint, fd_set *sets[3], const struct timeval *timeout,
                  int *err);
};

/*
 * Runs a select over sets[3] (the application's, cleared in place to the
 * ready sockets as select does); returns the number ready, 0 on timeout, or
 * SOCKET_ERROR with *err.  When every socket has one owner, that owner's
 * select gets the application's sets and timeout unchanged.
 */
int select_split(const struct select_split_ops *ops, void *ctx, fd_set *sets[3],
                 const struct timeval *timeout, int *err);

#endif
