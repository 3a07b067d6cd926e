/*
 * test_async_select.c - the window-message desktop extensions, observed
 * from outside through a hidden message-only window (HWND_MESSAGE: no
 * display needed under Wine): WSAAsyncSelect's messages as the peer (the
 * host's own Winsock, hostpeer.c) makes things happen, with the
 * application's socket as wParam and WSAMAKESELECTREPLY(event, error) as
 * lParam; Winsock's re-enabling rules; each selection starting afresh;
 * accepted sockets taking their listener's selection, more of them than
 * one wait can watch; nothing after closesocket (also while the close
 * lingers) or after switching to WSAEventSelect; and the WSAAsyncGetXByY
 * replies: the packed
 * structure readable in the caller's buffer, WSAENOBUFS with the size
 * needed, WSACancelAsyncRequest's three answers.
 *
 * Every wait is bounded; "no message" means none within QUIET_MS.
 */
#include "closeutil.h"

#include <stdio.h>
#include <string.h>

#define WM_SOCK    (WM_USER + 1)
#define WM_LOOKUP  (WM_USER + 2)
#define MSG_MS     5000
#define QUIET_MS   400

static HWND window;

static int setup_window(void **state)
{
    (void)state;
    window = CreateWindowExA(0, "Message", NULL, 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL);
    return window ? 0 : -1;
}

static int teardown_window(void **state)
{
    (void)state;
    DestroyWindow(window);
    return 0;
}

/* The next message `id` for our window within ms; FALSE if none came. */
static BOOL next_message(UINT id, DWORD ms, MSG *out)
{
    double end = tu_now_ms() + ms;
    for (;;) {
        if (PeekMessageA(out, window, id, id, PM_REMOVE))
            return TRUE;
        double left = end - tu_now_ms();
        if (left <= 0)
            return FALSE;
        MsgWaitForMultipleObjects(0, NULL, FALSE, (DWORD)left + 1, QS_POSTMESSAGE);
    }
}

/* The next socket message is (s, event, error). */
static void expect_event(SOCKET s, long event, int error)
{
    MSG m;
    if (!next_message(WM_SOCK, MSG_MS, &m))
        fail_msg("no message for event 0x%lx within %d ms", event, MSG_MS);
    if (m.wParam != (WPARAM)s || WSAGETSELECTEVENT(m.lParam) != event ||
        WSAGETSELECTERROR(m.lParam) != error)
        fail_msg("expected wParam 0x%llx event 0x%lx error %d, got wParam 0x%llx event 0x%x error %d",
                 (unsigned long long)s, event, error, (unsigned long long)m.wParam,
                 WSAGETSELECTEVENT(m.lParam), WSAGETSELECTERROR(m.lParam));
}

static void expect_quiet(const char *why)
{
    MSG m;
    if (next_message(WM_SOCK, QUIET_MS, &m))
        fail_msg("%s: unexpected message wParam 0x%llx event 0x%x error %d", why,
                 (unsigned long long)m.wParam, WSAGETSELECTEVENT(m.lParam),
                 WSAGETSELECTERROR(m.lParam));
}

static void drain_messages(void)
{
    MSG m;
    while (PeekMessageA(&m, window, 0, 0, PM_REMOVE))
        ;
}

/* ---- WSAAsyncSelect ---------------------------------------------------------------------------- */

static void accept_message_names_the_listener(void **state)
{
    (void)state;
    unsigned short port;
    SOCKET l = tu_listener(AF_INET, SOCK_STREAM, &port);
    assert_true(l != INVALID_SOCKET);
    drain_messages();
    assert_wsa_ok(WSAAsyncSelect(l, window, WM_SOCK, FD_ACCEPT));
    expect_quiet("nothing to accept yet");
    hostpeer_sock h1 = hostpeer_tcp_connect(AF_INET, port);
    assert_true(h1 != HOSTPEER_BAD);
    expect_event(l, FD_ACCEPT, 0);
    /* FD_ACCEPT is not posted again until accept is called */
    hostpeer_sock h2 = hostpeer_tcp_connect(AF_INET, port);
    assert_true(h2 != HOSTPEER_BAD);
    expect_quiet("second connection before accept");
    SOCKET a = accept(l, NULL, NULL);
    assert_true(a != INVALID_SOCKET);
    /* re-enabled by accept, and one connection is still waiting */
    expect_event(l, FD_ACCEPT, 0);
    SOCKET b = accept(l, NULL, NULL);
    assert_true(b != INVALID_SOCKET);
    expect_quiet("after the last accept");
    closesocket(a);
    closesocket(b);
    closesocket(l);
    hostpeer_close(h1);
    hostpeer_close(h2);
}

static void read_write_close_messages_and_reenabling(void **state)
{
    (void)state;
    SOCKET a;
    hostpeer_sock h;
    char buf[16];
    host_pair(&a, &h);
    drain_messages();
    assert_wsa_ok(WSAAsyncSelect(a, window, WM_SOCK, FD_READ | FD_WRITE | FD_CLOSE));
    expect_event(a, FD_WRITE, 0);          /* connected and writable */
    expect_quiet("nothing received yet");
    assert_int_equal(hostpeer_send(h, "abcd", 4), 0);
    expect_event(a, FD_READ, 0);
    assert_int_equal(hostpeer_send(h, "efgh", 4), 0);
    expect_quiet("more data before any recv: FD_READ is not re-posted");
    assert_int_equal(recv(a, buf, 2, 0), 2);
    expect_event(a, FD_READ, 0);           /* recv re-enables it, data remains */
    int got = 0;
    while (got < 6) {
        int n = recv(a, buf, sizeof(buf), 0);
        if (n == SOCKET_ERROR && WSAGetLastError() == WSAEWOULDBLOCK)
            break;
        assert_true(n > 0);
        got += n;
    }
    assert_int_equal(got, 6);
    /* the FD_READ the last recvs may have re-enabled has no data behind it */
    MSG m;
    while (next_message(WM_SOCK, QUIET_MS, &m))
        assert_int_equal(WSAGETSELECTEVENT(m.lParam), FD_READ);
    assert_int_equal(hostpeer_shutdown(h, SD_SEND), 0);
    expect_event(a, FD_CLOSE, 0);
    assert_int_equal(recv(a, buf, sizeof(buf), 0), 0);
    expect_quiet("FD_CLOSE comes once");
    closesocket(a);
    hostpeer_close(h);
}

static void connect_and_refused_messages(void **state)
{
    (void)state;
    hostpeer_tcp_opts o = { 0 };
    hostpeer_listener *hl = hostpeer_tcp_listen(&o);
    assert_non_null(hl);
    struct sockaddr_in to = tu_loopback4(hostpeer_listener_port(hl));
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    drain_messages();
    assert_wsa_ok(WSAAsyncSelect(s, window, WM_SOCK, FD_CONNECT | FD_WRITE));
    int r = connect(s, (struct sockaddr *)&to, sizeof(to));
    assert_true(r == 0 || WSAGetLastError() == WSAEWOULDBLOCK);
    expect_event(s, FD_CONNECT, 0);
    expect_event(s, FD_WRITE, 0);
    closesocket(s);
    hostpeer_result res;
    hostpeer_listener_wait(hl, 5000, &res);
    hostpeer_listener_free(hl);

    /* a port nobody listens on: FD_CONNECT carries the refusal */
    unsigned short port;
    SOCKET gone = tu_listener(AF_INET, SOCK_STREAM, &port);
    closesocket(gone);
    to = tu_loopback4(port);
    s = socket(AF_INET, SOCK_STREAM, 0);
    assert_wsa_ok(WSAAsyncSelect(s, window, WM_SOCK, FD_CONNECT));
    r = connect(s, (struct sockaddr *)&to, sizeof(to));
    assert_true(r == SOCKET_ERROR && WSAGetLastError() == WSAEWOULDBLOCK);
    expect_event(s, FD_CONNECT, WSAECONNREFUSED);
    closesocket(s);
}

static void write_reenabled_after_wouldblock(void **state)
{
    (void)state;
    SOCKET a;
    hostpeer_sock h;
    host_pair(&a, &h);
    drain_messages();
    assert_wsa_ok(WSAAsyncSelect(a, window, WM_SOCK, FD_WRITE));
    expect_event(a, FD_WRITE, 0);
    assert_int_equal(send(a, "x", 1, 0), 1);
    expect_quiet("a send that succeeded does not re-post FD_WRITE");
    unsigned long long queued = fill_send_window(a) + 1;     /* ends in WSAEWOULDBLOCK */
    expect_quiet("the window is full");
    static char sink[65536];
    unsigned long long read = 0;
    MSG m;
    BOOL got = FALSE;
    while (read < queued && !got) {
        int n = hostpeer_recv(h, sink, sizeof(sink), 2000);
        if (n <= 0)
            break;
        read += (unsigned long long)n;
        got = PeekMessageA(&m, window, WM_SOCK, WM_SOCK, PM_REMOVE);
    }
    if (!got)
        got = next_message(WM_SOCK, MSG_MS, &m);
    if (!got)
        fail_msg("no FD_WRITE once the peer read %llu of %llu bytes", read, queued);
    assert_int_equal(m.wParam, (WPARAM)a);
    assert_int_equal(WSAGETSELECTEVENT(m.lParam), FD_WRITE);
    closesocket(a);
    hostpeer_close(h);
}

static void no_message_after_closesocket(void **state)
{
    (void)state;
    SOCKET a;
    hostpeer_sock h;
    host_pair(&a, &h);
    drain_messages();
    assert_wsa_ok(WSAAsyncSelect(a, window, WM_SOCK, FD_READ | FD_CLOSE));
    /* live: a byte gives FD_READ */
    assert_int_equal(hostpeer_send(h, "k", 1), 0);
    expect_event(a, FD_READ, 0);
    char c;
    assert_int_equal(recv(a, &c, 1, 0), 1);
    expect_quiet("after reading the byte");
    assert_int_equal(closesocket(a), 0);
    hostpeer_send(h, "more", 4);
    hostpeer_close(h);
    expect_quiet("closesocket was called: no FD_READ, no FD_CLOSE");
}

/*
 * The window in which a message could still come after closesocket: a
 * close that lingers in the background (SO_LINGER {1,3} with the note
 * option, SO_CEWS_LINGER_NOTE, and data the peer has not taken), during
 * which the socket below is still open.  The peer sends and shuts down
 * then; neither FD_READ nor FD_CLOSE may be posted.
 */
static void nothing_while_a_close_lingers(void **state)
{
    (void)state;
    SOCKET a;
    hostpeer_sock h;
    BOOL note = TRUE;
    host_pair(&a, &h);
    drain_messages();
    assert_wsa_ok(WSAAsyncSelect(a, window, WM_SOCK, FD_READ | FD_CLOSE));
    fill_send_window(a);
    struct linger lg = { 1, 3 };
    assert_wsa_ok(setsockopt(a, SOL_SOCKET, SO_LINGER, (const char *)&lg, sizeof(lg)));
    assert_wsa_ok(setsockopt(a, SOL_SOCKET, SO_CEWS_LINGER_NOTE, (const char *)&note, sizeof(note)));
    double t0 = tu_now_ms();
    assert_int_equal(closesocket(a), 0);
    assert_true(tu_now_ms() - t0 < PROMPT_MS);
    Sleep(200);
    hostpeer_send(h, "late", 4);
    hostpeer_shutdown(h, SD_SEND);
    MSG m;
    if (next_message(WM_SOCK, 1500, &m))
        fail_msg("a message for the closed socket while its close lingered: event 0x%x",
                 WSAGETSELECTEVENT(m.lParam));
    hostpeer_close(h);
}

static void event_select_and_cancel_stop_messages(void **state)
{
    (void)state;
    SOCKET a;
    hostpeer_sock h;
    char buf[8];
    host_pair(&a, &h);
    drain_messages();
    assert_wsa_ok(WSAAsyncSelect(a, window, WM_SOCK, FD_READ));
    WSAEVENT ev = WSACreateEvent();
    assert_wsa_ok(WSAEventSelect(a, ev, FD_READ));
    assert_int_equal(hostpeer_send(h, "1", 1), 0);
    assert_int_equal(WaitForSingleObject(ev, MSG_MS), WAIT_OBJECT_0);
    expect_quiet("switched to WSAEventSelect");
    WSANETWORKEVENTS ne;
    assert_wsa_ok(WSAEnumNetworkEvents(a, ev, &ne));
    assert_true(ne.lNetworkEvents & FD_READ);
    assert_int_equal(recv(a, buf, sizeof(buf), 0), 1);

    /* and back: the event is no longer signalled, the window hears it */
    assert_wsa_ok(WSAAsyncSelect(a, window, WM_SOCK, FD_READ));
    assert_int_equal(hostpeer_send(h, "2", 1), 0);
    expect_event(a, FD_READ, 0);
    assert_int_equal(WaitForSingleObject(ev, 0), WAIT_TIMEOUT);
    assert_int_equal(recv(a, buf, sizeof(buf), 0), 1);
    drain_messages();

    /* events 0 cancels; the socket stays non-blocking */
    assert_wsa_ok(WSAAsyncSelect(a, window, 0, 0));
    assert_int_equal(recv(a, buf, sizeof(buf), 0), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEWOULDBLOCK);
    assert_int_equal(hostpeer_send(h, "3", 1), 0);
    expect_quiet("cancelled with events 0");
    WSACloseEvent(ev);
    closesocket(a);
    hostpeer_close(h);
}

/* Each WSAAsyncSelect starts afresh: a connect that finished before it
 * gives no FD_CONNECT, what holds (room to send, data) is posted again. */
static void each_select_starts_afresh(void **state)
{
    (void)state;
    hostpeer_tcp_opts o = { 0 };
    o.send_bytes = 3;
    hostpeer_listener *hl = hostpeer_tcp_listen(&o);
    assert_non_null(hl);
    struct sockaddr_in to = tu_loopback4(hostpeer_listener_port(hl));
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    assert_wsa_ok(connect(s, (struct sockaddr *)&to, sizeof(to)));
    Sleep(200);                 /* the peer's 3 bytes are in */
    drain_messages();
    assert_wsa_ok(WSAAsyncSelect(s, window, WM_SOCK, FD_CONNECT | FD_READ | FD_WRITE));
    expect_event(s, FD_READ, 0);
    expect_event(s, FD_WRITE, 0);
    expect_quiet("the connect finished before the selection");
    /* again: both hold still, both come again */
    assert_wsa_ok(WSAAsyncSelect(s, window, WM_SOCK, FD_CONNECT | FD_READ | FD_WRITE));
    expect_event(s, FD_READ, 0);
    expect_event(s, FD_WRITE, 0);
    expect_quiet("after the second selection");
    closesocket(s);
    hostpeer_result res;
    hostpeer_listener_wait(hl, 5000, &res);
    hostpeer_listener_free(hl);

    /* a connection waiting to be accepted: FD_ACCEPT at each selection */
    unsigned short port;
    SOCKET l = tu_listener(AF_INET, SOCK_STREAM, &port);
    assert_wsa_ok(WSAAsyncSelect(l, window, WM_SOCK, FD_ACCEPT));
    hostpeer_sock h = hostpeer_tcp_connect(AF_INET, port);
    assert_true(h != HOSTPEER_BAD);
    expect_event(l, FD_ACCEPT, 0);
    expect_quiet("not accepted yet");
    assert_wsa_ok(WSAAsyncSelect(l, window, WM_SOCK, FD_ACCEPT));
    expect_event(l, FD_ACCEPT, 0);
    /* and after a cancel in between */
    assert_wsa_ok(WSAAsyncSelect(l, window, 0, 0));
    assert_wsa_ok(WSAAsyncSelect(l, window, WM_SOCK, FD_ACCEPT));
    expect_event(l, FD_ACCEPT, 0);
    closesocket(l);
    hostpeer_close(h);
}

/* How many messages of event for s come within ms (other events are
 * counted in *others). */
static int count_events(SOCKET s, long event, DWORD ms, int *others)
{
    MSG m;
    int n = 0;
    double end = tu_now_ms() + ms;
    for (;;) {
        double left = end - tu_now_ms();
        if (left <= 0 || !next_message(WM_SOCK, (DWORD)left, &m))
            return n;
        if (m.wParam == (WPARAM)s && WSAGETSELECTEVENT(m.lParam) == event)
            n++;
        else
            (*others)++;
    }
}

/*
 * A selection made while the event is arriving posts it once: the
 * relay's look at the socket (each selection starts afresh) and the
 * provider's own record of the same data or connection are one event, not
 * two.  The peer acts just before the selection, round after round, so
 * that the two race; before the relay kept what it had posted, one round
 * in a few got a second FD_READ or FD_ACCEPT.
 */
#define RACE_ROUNDS 25
static void selection_racing_an_arrival_posts_once(void **state)
{
    (void)state;
    int reads[RACE_ROUNDS], accepts[RACE_ROUNDS], others = 0, bad = 0;
    char buf[64];
    unsigned short port;
    SOCKET l = tu_listener(AF_INET, SOCK_STREAM, &port);
    assert_true(l != INVALID_SOCKET);

    for (int round = 0; round < RACE_ROUNDS; round++) {
        SOCKET a;
        hostpeer_sock h;
        host_pair(&a, &h);
        drain_messages();
        assert_int_equal(hostpeer_send(h, "x", 1), 0);
        if (round & 1)
            Sleep(round % 5);       /* the arrival before, at or after the selection */
        assert_wsa_ok(WSAAsyncSelect(a, window, WM_SOCK, FD_READ));
        reads[round] = count_events(a, FD_READ, 250, &others);
        assert_int_equal(recv(a, buf, sizeof(buf), 0), 1);
        closesocket(a);
        hostpeer_close(h);

        hostpeer_sock c = hostpeer_tcp_connect(AF_INET, port);
        assert_true(c != HOSTPEER_BAD);
        if (round & 1)
            Sleep(round % 5);
        assert_wsa_ok(WSAAsyncSelect(l, window, WM_SOCK, FD_ACCEPT));
        accepts[round] = count_events(l, FD_ACCEPT, 250, &others);
        SOCKET b = accept(l, NULL, NULL);
        assert_true(b != INVALID_SOCKET);
        /* the accepted socket inherits the selection: stop it before close */
        assert_wsa_ok(WSAAsyncSelect(l, window, 0, 0));
        closesocket(b);
        hostpeer_close(c);
        if (reads[round] != 1 || accepts[round] != 1)
            bad++;
    }
    print_message("%d rounds: FD_READ counts", RACE_ROUNDS);
    for (int i = 0; i < RACE_ROUNDS; i++)
        print_message(" %d", reads[i]);
    print_message("; FD_ACCEPT counts");
    for (int i = 0; i < RACE_ROUNDS; i++)
        print_message(" %d", accepts[i]);
    print_message("; other messages %d\n", others);
    closesocket(l);
    assert_int_equal(bad, 0);
}

/* An accepted socket takes its listener's selection; more sockets than
 * one wait can watch (64 handles) all get their messages. */
static void accepted_sockets_inherit_and_many_are_watched(void **state)
{
    (void)state;
    enum { N = 70 };
    unsigned short port;
    SOCKET l = tu_listener(AF_INET, SOCK_STREAM, &port);
    static SOCKET accepted[N];
    static hostpeer_sock peers[N];
    static int seen[N];
    assert_true(l != INVALID_SOCKET);
    drain_messages();
    assert_wsa_ok(WSAAsyncSelect(l, window, WM_SOCK, FD_ACCEPT | FD_READ));
    for (int i = 0; i < N; i++) {
        peers[i] = hostpeer_tcp_connect(AF_INET, port);
        assert_true(peers[i] != HOSTPEER_BAD);
        double end = tu_now_ms() + MSG_MS;
        do
            accepted[i] = accept(l, NULL, NULL);
        while (accepted[i] == INVALID_SOCKET && WSAGetLastError() == WSAEWOULDBLOCK &&
               tu_now_ms() < end && (Sleep(5), 1));
        assert_true(accepted[i] != INVALID_SOCKET);
    }
    drain_messages();
    for (int i = 0; i < N; i++)
        assert_int_equal(hostpeer_send(peers[i], "r", 1), 0);
    int got = 0;
    MSG m;
    while (got < N && next_message(WM_SOCK, MSG_MS, &m)) {
        if (WSAGETSELECTEVENT(m.lParam) != FD_READ)
            continue;
        for (int i = 0; i < N; i++)
            if (m.wParam == (WPARAM)accepted[i] && !seen[i]) {
                seen[i] = 1;
                got++;
            }
    }
    if (got < N)
        fail_msg("FD_READ for %d of %d accepted sockets (selected through their listener)", got, N);
    for (int i = 0; i < N; i++) {
        closesocket(accepted[i]);
        hostpeer_close(peers[i]);
    }
    closesocket(l);
    drain_messages();
}

static void selected_socket_is_nonblocking(void **state)
{
    (void)state;
    SOCKET a;
    hostpeer_sock h;
    char buf[4];
    host_pair(&a, &h);
    assert_wsa_ok(WSAAsyncSelect(a, window, WM_SOCK, FD_READ));
    double t0 = tu_now_ms();
    assert_int_equal(recv(a, buf, sizeof(buf), 0), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEWOULDBLOCK);
    assert_true(tu_now_ms() - t0 < 1000);
    u_long off = 0;
    assert_int_equal(ioctlsocket(a, FIONBIO, &off), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    closesocket(a);
    hostpeer_close(h);
    drain_messages();
}

static void bad_arguments(void **state)
{
    (void)state;
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(WSAAsyncSelect((SOCKET)0x1234, window, WM_SOCK, FD_READ), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAENOTSOCK);
    assert_int_equal(WSAAsyncSelect(s, (HWND)(UINT_PTR)0x7777, WM_SOCK, FD_READ), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    assert_int_equal(WSAAsyncSelect(s, window, WM_SOCK, 0x40000000), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    closesocket(s);
    assert_int_equal(WSAAsyncSelect(s, window, WM_SOCK, FD_READ), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAENOTSOCK);
}

/* ---- WSAAsyncGetXByY ------------------------------------------------------------------------------ */

/* The reply to handle h: its lParam. */
static LPARAM lookup_reply(HANDLE h)
{
    MSG m;
    for (;;) {
        if (!next_message(WM_LOOKUP, MSG_MS, &m))
            fail_msg("no reply for handle %p within %d ms", h, MSG_MS);
        if (m.wParam == (WPARAM)h)
            return m.lParam;
    }
}

static BOOL inside(const void *p, const char *buf, size_t len)
{
    return (const char *)p >= buf && (const char *)p < buf + len;
}

static void servbyname_reply_is_packed_in_the_buffer(void **state)
{
    (void)state;
    static char buf[MAXGETHOSTSTRUCT];
    memset(buf, 0xcc, sizeof(buf));
    HANDLE h = WSAAsyncGetServByName(window, WM_LOOKUP, "http", "tcp", buf, sizeof(buf));
    assert_non_null(h);
    LPARAM r = lookup_reply(h);
    assert_int_equal(WSAGETASYNCERROR(r), 0);
    size_t len = WSAGETASYNCBUFLEN(r);
    struct servent *e = (struct servent *)buf;
    assert_true(len > sizeof(*e) && len <= sizeof(buf));
    assert_true(inside(e->s_name, buf, len) && inside(e->s_proto, buf, len));
    assert_true(inside(e->s_aliases, buf, len));
    assert_string_equal(e->s_name, "http");
    assert_string_equal(e->s_proto, "tcp");
    assert_int_equal(ntohs(e->s_port), 80);
    /* the same answer the synchronous call gives, alias for alias */
    struct servent *sync = getservbyname("http", "tcp");
    assert_non_null(sync);
    int i = 0;
    for (; sync->s_aliases[i]; i++) {
        assert_true(inside(e->s_aliases[i], buf, len));
        assert_string_equal(e->s_aliases[i], sync->s_aliases[i]);
    }
    assert_null(e->s_aliases[i]);
    /* nothing written past the length the reply gave */
    for (size_t k = len; k < sizeof(buf); k++)
        if ((unsigned char)buf[k] != 0xcc)
            fail_msg("byte %u past the reply's length %u was written", (unsigned)k, (unsigned)len);

    /* by port, and the databases' other look-ups */
    h = WSAAsyncGetServByPort(window, WM_LOOKUP, htons(80), "tcp", buf, sizeof(buf));
    assert_non_null(h);
    r = lookup_reply(h);
    assert_int_equal(WSAGETASYNCERROR(r), 0);
    assert_string_equal(e->s_name, "http");
    h = WSAAsyncGetProtoByName(window, WM_LOOKUP, "udp", buf, sizeof(buf));
    r = lookup_reply(h);
    assert_int_equal(WSAGETASYNCERROR(r), 0);
    assert_int_equal(((struct protoent *)buf)->p_proto, IPPROTO_UDP);
    h = WSAAsyncGetProtoByNumber(window, WM_LOOKUP, IPPROTO_TCP, buf, sizeof(buf));
    r = lookup_reply(h);
    assert_int_equal(WSAGETASYNCERROR(r), 0);
    assert_true(_stricmp(((struct protoent *)buf)->p_name, "tcp") == 0);
}

static void hostbyname_and_hostbyaddr_replies(void **state)
{
    (void)state;
    static char buf[MAXGETHOSTSTRUCT];
    HANDLE h = WSAAsyncGetHostByName(window, WM_LOOKUP, "127.0.0.1", buf, sizeof(buf));
    assert_non_null(h);
    LPARAM r = lookup_reply(h);
    assert_int_equal(WSAGETASYNCERROR(r), 0);
    size_t len = WSAGETASYNCBUFLEN(r);
    struct hostent *e = (struct hostent *)buf;
    assert_int_equal(e->h_addrtype, AF_INET);
    assert_int_equal(e->h_length, 4);
    assert_true(inside(e->h_addr_list, buf, len) && inside(e->h_addr_list[0], buf, len));
    assert_memory_equal(e->h_addr_list[0], "\x7f\0\0\x01", 4);
    char addr[4] = { 127, 0, 0, 1 };
    h = WSAAsyncGetHostByAddr(window, WM_LOOKUP, addr, 4, AF_INET, buf, sizeof(buf));
    assert_non_null(h);
    r = lookup_reply(h);
    /* a name for 127.0.0.1 needs a hosts file or resolver; what matters is
     * the answer's shape when there is one, and a reply either way */
    if (WSAGETASYNCERROR(r) == 0) {
        assert_true(inside(e->h_name, buf, WSAGETASYNCBUFLEN(r)));
        assert_memory_equal(e->h_addr_list[0], addr, 4);
    }
}

static void short_buffer_gets_wsaenobufs_and_the_size(void **state)
{
    (void)state;
    static char big[MAXGETHOSTSTRUCT];
    char small[16];
    HANDLE h = WSAAsyncGetServByName(window, WM_LOOKUP, "http", "tcp", big, sizeof(big));
    size_t need = WSAGETASYNCBUFLEN(lookup_reply(h));
    assert_true(need > sizeof(small));
    memset(small, 0xcc, sizeof(small));
    h = WSAAsyncGetServByName(window, WM_LOOKUP, "http", "tcp", small, sizeof(small));
    assert_non_null(h);
    LPARAM r = lookup_reply(h);
    assert_int_equal(WSAGETASYNCERROR(r), WSAENOBUFS);
    assert_int_equal(WSAGETASYNCBUFLEN(r), need);
    for (size_t k = 0; k < sizeof(small); k++)
        assert_int_equal((unsigned char)small[k], 0xcc);
    /* no buffer at all: the same, as Wine's own test passes it */
    h = WSAAsyncGetServByName(window, WM_LOOKUP, "http", NULL, NULL, 0);
    assert_non_null(h);
    r = lookup_reply(h);
    assert_int_equal(WSAGETASYNCERROR(r), WSAENOBUFS);
    assert_true(WSAGETASYNCBUFLEN(r) > 0);
    /* no such service: WSANO_DATA, length 0 */
    h = WSAAsyncGetServByName(window, WM_LOOKUP, "no-such-service", NULL, big, sizeof(big));
    r = lookup_reply(h);
    assert_int_equal(WSAGETASYNCERROR(r), WSANO_DATA);
    assert_int_equal(WSAGETASYNCBUFLEN(r), 0);
}

static void cancel_answers(void **state)
{
    (void)state;
    static char buf[MAXGETHOSTSTRUCT];
    HANDLE h = WSAAsyncGetServByName(window, WM_LOOKUP, "http", "tcp", buf, sizeof(buf));
    lookup_reply(h);
    assert_int_equal(WSACancelAsyncRequest(h), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEALREADY);
    assert_int_equal(WSACancelAsyncRequest((HANDLE)(UINT_PTR)0x7ffffff0), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAEINVAL);
    /* cancelled in flight: then no reply ever; too late: then the reply */
    int cancelled = 0;
    for (int i = 0; i < 20; i++) {
        h = WSAAsyncGetServByName(window, WM_LOOKUP, "http", "tcp", buf, sizeof(buf));
        int r = WSACancelAsyncRequest(h);
        MSG m;
        BOOL replied = FALSE;
        while (next_message(WM_LOOKUP, r == 0 ? QUIET_MS : MSG_MS, &m))
            if (m.wParam == (WPARAM)h) {
                replied = TRUE;
                break;
            }
        if (r == 0) {
            cancelled++;
            if (replied)
                fail_msg("request %p was cancelled (0) and still replied", h);
        } else {
            assert_int_equal(WSAGetLastError(), WSAEALREADY);
            assert_true(replied);
        }
    }
    tu_log("%d of 20 requests cancelled in flight", cancelled);
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accept_message_names_the_listener),
        cmocka_unit_test(read_write_close_messages_and_reenabling),
        cmocka_unit_test(connect_and_refused_messages),
        cmocka_unit_test(write_reenabled_after_wouldblock),
        cmocka_unit_test(no_message_after_closesocket),
        cmocka_unit_test(nothing_while_a_close_lingers),
        cmocka_unit_test(event_select_and_cancel_stop_messages),
        cmocka_unit_test(each_select_starts_afresh),
        cmocka_unit_test(selection_racing_an_arrival_posts_once),
        cmocka_unit_test(accepted_sockets_inherit_and_many_are_watched),
        cmocka_unit_test(selected_socket_is_nonblocking),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(servbyname_reply_is_packed_in_the_buffer),
        cmocka_unit_test(hostbyname_and_hostbyaddr_replies),
        cmocka_unit_test(short_buffer_gets_wsaenobufs_and_the_size),
        cmocka_unit_test(cancel_answers),
    };
    int rc = setup_window(NULL);
    if (rc) {
        printf("no message-only window: %lu\n", GetLastError());
        return 1;
    }
    rc = cmocka_run_group_tests_name("async_select", tests, close_group_setup, tu_group_cleanup);
    teardown_window(NULL);
    return rc;
}
