/*
 * loopprov_internal.h - what the parts of loopprov.dll share (loopprov.c
 * says what the provider is for):
 *
 *   loopprov.c          the protocol entry, InstallProvider, WSPStartup
 *                       (what a datagram loopback does not do answers
 *                       WSAEOPNOTSUPP: shared/testprov.h), the counters
 *   loopprov_socket.c   sockets by WPUQuerySocketHandleContext, requests
 *                       completed, socket/close/bind/connect/names
 *   loopprov_io.c       send, receive (blocking, non-blocking, overlapped),
 *                       WSPGetOverlappedResult
 *   loopprov_events.c   event select, async select, select, options, ioctls
 */
#ifndef LOOPPROV_INTERNAL_H
#define LOOPPROV_INTERNAL_H

#include "loopprov.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define PENDING_STATUS 0x103    /* STATUS_PENDING: Internal of a request still pending */
#define MAX_QUEUED     256
#define MAX_DGRAM      65507u

typedef int (WSPAPI *complete_fn)(SOCKET, LPWSAOVERLAPPED, DWORD, DWORD, LPINT);

struct dgram {
    struct dgram *next;
    u_long from;
    DWORD len;
    char data[];
};

struct request {
    struct request *next;
    SOCKET handle;
    WSABUF *bufs;               /* a copy: the caller's array may be gone after the call */
    DWORD nbufs;
    struct sockaddr *from;
    LPINT fromlen;
    LPWSAOVERLAPPED ov;
    LPWSAOVERLAPPED_COMPLETION_ROUTINE routine;
    LPWSATHREADID thread;       /* where the routine runs: &own_thread or ws2's */
    WSATHREADID own_thread;     /* opened with WPUOpenCurrentThread, kept while pending */
    BOOL have_own_thread;
    DWORD error, bytes;
};

struct lsock {
    struct lsock *next;
    LONG refs;
    SOCKET handle;
    u_long id, peer;
    BOOL closed, nonblocking;
    DWORD rcvtimeo;
    struct dgram *q_head, *q_tail;
    int q_count;
    struct request *r_head, *r_tail;
    WSAEVENT data_event;        /* WPUCreateEvent: set when a datagram arrives or on close */
    WSAEVENT select_event;
    LONG select_mask, recorded;
    HWND hwnd;
    UINT msg;
    LONG async_mask;
};

/* loopprov.c */
extern CRITICAL_SECTION loop_lock;
extern struct lsock *loop_sockets;
extern u_long loop_next_id;
extern WSPUPCALLTABLE loop_up;
extern complete_fn loop_complete;
extern DWORD loop_catalog_id;
extern GUID loop_provider_guid;
extern struct loopprov_stats loop_stats;

/* loopprov_socket.c */
struct lsock *get_socket(SOCKET s, int *err);
void put_socket(struct lsock *ls);
struct lsock *find_id(u_long id);
int read_address(const struct sockaddr *name, int namelen, u_long *id);
void record_read(struct lsock *ls);
void finish_request(struct request *r, DWORD error, DWORD bytes);
DWORD copy_out(const struct dgram *d, const WSABUF *bufs, DWORD n, DWORD *error);
void copy_from(const struct dgram *d, struct sockaddr *from, LPINT fromlen);
SOCKET WSPAPI lp_socket(int af, int type, int protocol, LPWSAPROTOCOL_INFOW info, GROUP g, DWORD flags, LPINT err);
int WSPAPI lp_closesocket(SOCKET s, LPINT err);
int WSPAPI lp_bind(SOCKET s, const struct sockaddr *name, int namelen, LPINT err);
int WSPAPI lp_connect(SOCKET s, const struct sockaddr *name, int namelen, LPWSABUF caller, LPWSABUF callee, LPQOS sqos, LPQOS gqos, LPINT err);
SOCKET WSPAPI lp_joinleaf(SOCKET s, const struct sockaddr *name, int namelen, LPWSABUF caller, LPWSABUF callee, LPQOS sqos, LPQOS gqos, DWORD flags, LPINT err);
int WSPAPI lp_getsockname(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT err);
int WSPAPI lp_getpeername(SOCKET s, struct sockaddr *name, LPINT namelen, LPINT err);

/* loopprov_io.c */
int WSPAPI lp_send(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD sent, DWORD flags, LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread, LPINT err);
int WSPAPI lp_sendto(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD sent, DWORD flags, const struct sockaddr *to, int tolen, LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread, LPINT err);
int WSPAPI lp_recv(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD received, LPDWORD flags, LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread, LPINT err);
int WSPAPI lp_recvfrom(SOCKET s, LPWSABUF bufs, DWORD n, LPDWORD received, LPDWORD flags, struct sockaddr *from, LPINT fromlen, LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread, LPINT err);
BOOL WSPAPI lp_getoverlappedresult(SOCKET s, LPWSAOVERLAPPED ov, LPDWORD transferred, BOOL wait, LPDWORD flags, LPINT err);

/* loopprov_events.c */
int WSPAPI lp_eventselect(SOCKET s, WSAEVENT event, __LONG32 events, LPINT err);
int WSPAPI lp_enumnetworkevents(SOCKET s, WSAEVENT event, LPWSANETWORKEVENTS out, LPINT err);
int WSPAPI lp_asyncselect(SOCKET s, HWND hwnd, unsigned int msg, __LONG32 events, LPINT err);
int WSPAPI lp_select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, const PTIMEVAL timeout, LPINT err);
int WSPAPI lp_getsockopt(SOCKET s, int level, int optname, char *optval, LPINT optlen, LPINT err);
int WSPAPI lp_setsockopt(SOCKET s, int level, int optname, const char *optval, int optlen, LPINT err);
int WSPAPI lp_ioctl(SOCKET s, DWORD code, LPVOID in, DWORD in_len, LPVOID out, DWORD out_len, LPDWORD returned, LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPWSATHREADID thread, LPINT err);

#endif
