/*
 * async_relay.h - WSPAsyncSelect for a provider that has WSPEventSelect:
 * the socket is event-selected on an event of the relay's own, and a
 * watcher thread turns each network event the provider records into a
 * window message posted with the WPU upcall WPUPostMessage, wParam the
 * socket handle the application holds, lParam WSAMAKESELECTREPLY(event,
 * error).
 *
 * Because the provider's own event recording already follows Winsock's
 * re-enabling rules (FD_READ again after a recv, FD_WRITE after a send
 * that failed WSAEWOULDBLOCK, FD_ACCEPT after an accept, FD_CLOSE once),
 * the messages follow them too.  Selecting events with the relay replaces
 * an event selection of the application (the provider's own event select
 * is re-done on the relay's event), and the provider's WSPEventSelect
 * calls async_relay_forget first: the two cancel each other, as Winsock
 * documents.  After async_relay_forget returns, the relay posts nothing
 * more for the socket.
 *
 * One place where messages and events differ (Wine's own tests show it):
 * each WSAAsyncSelect starts afresh.  What the provider recorded before
 * it (an FD_CONNECT of a connect that finished earlier) is dropped, and
 * what is true at that moment (a connection waiting, data, room to send,
 * the peer gone) is posted again, as FD_ACCEPT, FD_READ, FD_WRITE,
 * FD_CLOSE, even when it was posted before.
 */
#ifndef CEWS_ASYNC_RELAY_H
#define CEWS_ASYNC_RELAY_H

#include <winsock2.h>
#include <ws2spi.h>

/* How the relay reaches the provider it works for. */
struct async_relay_ops {
    /* the provider's event select itself (one that does not call
     * async_relay_forget, or it would undo the relay's own selection) */
    int (WSPAPI *event_select)(SOCKET s, WSAEVENT event, __LONG32 events, LPINT err);
    int (WSPAPI *enum_network_events)(SOCKET s, WSAEVENT event, LPWSANETWORKEVENTS events,
                                      LPINT err);
    /* what is true of the socket now, asked when an application selects:
     * select with a zero timeout, SO_TYPE and SO_ACCEPTCONN, FIONREAD,
     * the peer's name */
    int (WSPAPI *select)(int nfds, fd_set *readable, fd_set *writable, fd_set *exceptional,
                         const PTIMEVAL timeout, LPINT err);
    int (WSPAPI *get_sock_opt)(SOCKET s, int level, int name, char *value, LPINT length,
                               LPINT err);
    int (WSPAPI *ioctl)(SOCKET s, DWORD code, LPVOID in, DWORD in_size, LPVOID out,
                        DWORD out_size, LPDWORD returned, LPWSAOVERLAPPED ov,
                        LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread,
                        LPINT err);
    int (WSPAPI *get_peer_name)(SOCKET s, struct sockaddr *name, LPINT length, LPINT err);
    /* ws2.dll's WPUPostMessage, from the provider's upcall table */
    LPWPUPOSTMESSAGE post_message;
};

/* WSPAsyncSelect's body: events 0 cancels (the socket stays non-blocking).
 * The window and message are not judged here (ws2.dll did). */
int async_relay_select(const struct async_relay_ops *ops, SOCKET s, HWND window,
                       unsigned int message, __LONG32 events, LPINT err);
/* Stops the messages for s, if any (closesocket, WSAEventSelect). */
void async_relay_forget(SOCKET s);
/* What the provider recorded for s so far, posted now, in the calling
 * thread: called after the calls that re-enable events (recv, send), so
 * that their messages are in the queue when the call returns, as on
 * Windows, not a thread switch later. */
void async_relay_poke(SOCKET s);
/* An accepted socket takes its listener's selection, as in Winsock. */
void async_relay_inherit(const struct async_relay_ops *ops, SOCKET listener, SOCKET accepted);
/* The provider's last WSPCleanup: every selection dropped and the watcher
 * threads joined, so none runs when the DLL is unloaded. */
void async_relay_stop(void);

#endif
