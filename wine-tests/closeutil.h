/*
 * closeutil.h - what the closesocket suites (test_cancel,
 * test_cancel_overlapped, test_close_fdclose, test_close_races) share: their
 * time limits, a group setup that starts the host peer, a connected pair
 * with a host-side peer, filling the send window, and contract point 1
 * (every use of a closed handle fails with WSAENOTSOCK).
 */
#ifndef CLOSEUTIL_H
#define CLOSEUTIL_H

#include "testutil.h"
#include "hostpeer.h"

#ifndef STATUS_CANCELLED
#define STATUS_CANCELLED ((DWORD)0xC0000120L)
#endif

#define PROMPT_MS     1000.0     /* "promptly": the call must be back within this of the close */
#define BLOCK_SETTLE  500        /* time given to a blocking call to get stuck in the provider */
#define THREAD_WAIT   10000      /* how long we wait for an interrupted call at most */
#define IO_TIMEOUT    30000

/* hostpeer_init, then tu_group_startup: the group setup of each suite. */
int close_group_setup(void **state);

/* Our accepted socket *a, connected to a host-side client *h (which reads
 * only when the test makes it). */
void host_pair(SOCKET *a, hostpeer_sock *h);
/* Non-blocking sends until the host kernel takes no more (the peer does not
 * read); leaves the socket non-blocking.  Returns the bytes queued. */
unsigned long long fill_send_window(SOCKET s);
/* Every use of s fails with WSAENOTSOCK (contract point 1). */
void assert_handle_dead(SOCKET s);

#endif
