/*
 * test_duplicate.c - WSADuplicateSocket across two processes, through the
 * layered provider: the duplicate keeps the CE contract (its linger
 * settings), and the connection ends with the last reference, not the
 * first close.
 *
 * The parent holds a connected pair; it sets a hard linger (SO_LINGER
 * {1, 0}) on its server end, starts this program again as a child
 * (argument "--child"), describes the server end for it and writes the
 * description to the child's standard input.  The child takes the socket
 * up, reports the linger it sees, and waits.  The parent closes its own
 * handle: a hard close, yet the peer must see nothing, because the child
 * still holds the socket.  Then the child sends a line and closes: now
 * the last reference goes, with the hard linger it inherited, so the peer
 * reads the line and then a reset.
 *
 * In-process duplicates (WSADuplicateSocket for this very process): while
 * another handle refers to the socket, closing one cancels nothing (as on
 * Windows; Wine's test_completion_port); the last handle's close aborts
 * what is pending, exactly once, with WSA_OPERATION_ABORTED on the port.
 */
#include "testutil.h"
#include <mswsock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the child ------------------------------------------------------------- */

static int read_exact(HANDLE h, void *buf, DWORD len)
{
    DWORD got = 0, n;
    while (got < len) {
        if (!ReadFile(h, (char *)buf + got, len - got, &n, NULL) || !n)
            return -1;
        got += n;
    }
    return 0;
}

static int child_main(void)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    WSAPROTOCOL_INFOW info;
    struct linger lg = { 7, 7 };
    int len = sizeof(lg);
    char go;
    SOCKET s;

    if (tu_startup() != 0)
        return 10;
    if (read_exact(in, &info, sizeof(info)))
        return 11;
    s = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0,
                   WSA_FLAG_OVERLAPPED);
    if (s == INVALID_SOCKET) {
        printf("child: WSASocket failed, error %d\n", WSAGetLastError());
        return 12;
    }
    if (getsockopt(s, SOL_SOCKET, SO_LINGER, (char *)&lg, &len))
        return 13;
    printf("child: linger %d %d\n", lg.l_onoff, lg.l_linger);
    fflush(stdout);
    /* the parent closes its handle meanwhile, then says go */
    if (read_exact(in, &go, 1))
        return 14;
    if (send(s, "from child", 10, 0) != 10) {
        printf("child: send failed, error %d\n", WSAGetLastError());
        return 15;
    }
    Sleep(200);   /* the line reaches the peer before the reset */
    if (closesocket(s))
        return 16;
    printf("child: closed\n");
    fflush(stdout);
    WSACleanup();
    return 0;
}

/* ---- the parent ------------------------------------------------------------ */

struct child {
    PROCESS_INFORMATION pi;
    HANDLE to_child, from_child;
};

static int child_start(struct child *c)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
    HANDLE in_read, out_write;
    STARTUPINFOW si;
    WCHAR exe[MAX_PATH], cmd[MAX_PATH + 16];

    if (!CreatePipe(&in_read, &c->to_child, &sa, 0) || !CreatePipe(&c->from_child, &out_write, &sa, 0))
        return -1;
    SetHandleInformation(c->to_child, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(c->from_child, HANDLE_FLAG_INHERIT, 0);
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = in_read;
    si.hStdOutput = out_write;
    si.hStdError = out_write;
    GetModuleFileNameW(NULL, exe, MAX_PATH);
    swprintf(cmd, MAX_PATH + 16, L"\"%ls\" --child", exe);
    if (!CreateProcessW(exe, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &c->pi))
        return -1;
    CloseHandle(in_read);
    CloseHandle(out_write);
    return 0;
}

/* One line from the child (without the newline), or "" at its end. */
static void child_line(struct child *c, char *line, size_t cap)
{
    size_t n = 0;
    DWORD got;
    char ch;
    while (n + 1 < cap && ReadFile(c->from_child, &ch, 1, &got, NULL) && got) {
        if (ch == '\n')
            break;
        if (ch != '\r')
            line[n++] = ch;
    }
    line[n] = 0;
}

static void duplicate_keeps_linger_and_last_reference(void **state)
{
    SOCKET peer, server;
    struct linger hard = { 1, 0 };
    WSAPROTOCOL_INFOW info;
    struct child c;
    char line[128], buf[32];
    DWORD written, code = 99;
    int n;
    (void)state;

    assert_int_equal(tu_tcp_pair(AF_INET, &peer, &server), 0);
    assert_int_equal(setsockopt(server, SOL_SOCKET, SO_LINGER, (char *)&hard, sizeof(hard)), 0);
    assert_int_equal(child_start(&c), 0);
    assert_int_equal(WSADuplicateSocketW(server, c.pi.dwProcessId, &info), 0);
    assert_true(WriteFile(c.to_child, &info, sizeof(info), &written, NULL));
    child_line(&c, line, sizeof(line));
    tu_log("%s", line);
    assert_string_equal(line, "child: linger 1 0");

    /* our hard close is not the last reference: the peer sees nothing */
    assert_int_equal(closesocket(server), 0);
    tu_set_timeouts(peer, 500);
    WSASetLastError(0);
    assert_int_equal(recv(peer, buf, sizeof(buf), 0), SOCKET_ERROR);
    assert_int_equal(WSAGetLastError(), WSAETIMEDOUT);

    /* the child's close is: the line, then the reset its linger asks for */
    assert_true(WriteFile(c.to_child, "g", 1, &written, NULL));
    tu_set_timeouts(peer, 5000);
    n = tu_recv_all(peer, buf, 10);
    assert_int_equal(n, 0);
    assert_memory_equal(buf, "from child", 10);
    WSASetLastError(0);
    n = recv(peer, buf, sizeof(buf), 0);
    if (n != SOCKET_ERROR || WSAGetLastError() != WSAECONNRESET)
        fail_msg("after the child's hard close the peer got %d, error %d (want a reset)", n,
                 WSAGetLastError());
    child_line(&c, line, sizeof(line));
    assert_string_equal(line, "child: closed");
    WaitForSingleObject(c.pi.hProcess, 10000);
    GetExitCodeProcess(c.pi.hProcess, &code);
    assert_int_equal(code, 0);
    CloseHandle(c.pi.hProcess);
    CloseHandle(c.pi.hThread);
    CloseHandle(c.to_child);
    CloseHandle(c.from_child);
    closesocket(peer);
}

/* A description is for the process it names: another cannot take it up. */
static void duplicate_is_for_its_process(void **state)
{
    SOCKET peer, server;
    WSAPROTOCOL_INFOW info;
    struct child c;
    DWORD written;
    (void)state;

    assert_int_equal(tu_tcp_pair(AF_INET, &peer, &server), 0);
    assert_int_equal(child_start(&c), 0);
    assert_int_equal(WSADuplicateSocketW(server, c.pi.dwProcessId, &info), 0);
    /* made for the child, used here: refused, and nothing breaks */
    assert_wsa_fail(WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info,
                               0, 0), INVALID_SOCKET, WSAEINVAL);
    assert_int_equal(send(server, "ok", 2, 0), 2);
    char buf[2];
    assert_int_equal(tu_recv_all(peer, buf, 2), 0);
    /* let the child go without a description */
    WriteFile(c.to_child, &info, 1, &written, NULL);
    CloseHandle(c.to_child);
    WaitForSingleObject(c.pi.hProcess, 10000);
    CloseHandle(c.pi.hProcess);
    CloseHandle(c.pi.hThread);
    CloseHandle(c.from_child);
    closesocket(server);
    closesocket(peer);
}

/* ---- in-process duplicates ------------------------------------------------------------------ */

enum { NOTHING_MS = 300, PACKET_MS = 5000 };
static const ULONG_PTR dup_key = 125;

/* A duplicate of s made for this process, as Wine's test_completion_port makes it. */
static SOCKET local_duplicate(SOCKET s)
{
    WSAPROTOCOL_INFOW info;
    SOCKET dup;
    if (WSADuplicateSocketW(s, GetCurrentProcessId(), &info))
        fail_msg("WSADuplicateSocket for this process: %d", WSAGetLastError());
    dup = WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0,
                     WSA_FLAG_OVERLAPPED);
    if (dup == INVALID_SOCKET)
        fail_msg("WSASocket(FROM_PROTOCOL_INFO): %d", WSAGetLastError());
    assert_true(dup != s);
    return dup;
}

/* No packet on port for NOTHING_MS. */
static void assert_no_packet(HANDLE port, const char *when)
{
    DWORD bytes = 0xdead; ULONG_PTR key = 0xdead; LPOVERLAPPED ov = NULL;
    SetLastError(0);
    BOOL ok = GetQueuedCompletionStatus(port, &bytes, &key, &ov, NOTHING_MS);
    if (ok || ov)
        fail_msg("%s: a packet (ok %d, error %lu, key %lu, bytes %lu, overlapped %p)", when, ok,
                 GetLastError(), (unsigned long)key, (unsigned long)bytes, (void *)ov);
    assert_int_equal(GetLastError(), WAIT_TIMEOUT);
}

/* The one packet for ov: WSA_OPERATION_ABORTED, no bytes, our key; then no other. */
static void assert_aborted_once(HANDLE port, WSAOVERLAPPED *want, const char *what)
{
    DWORD bytes = 0xdead; ULONG_PTR key = 0; LPOVERLAPPED ov = NULL;
    SetLastError(0);
    BOOL ok = GetQueuedCompletionStatus(port, &bytes, &key, &ov, PACKET_MS);
    DWORD e = GetLastError();
    if (ov != (LPOVERLAPPED)want || ok || e != ERROR_OPERATION_ABORTED)
        fail_msg("%s: packet ok %d error %lu overlapped %p (want %p, error %d)", what, ok,
                 (unsigned long)e, (void *)ov, (void *)want, (int)ERROR_OPERATION_ABORTED);
    assert_int_equal(bytes, 0);
    assert_true(key == dup_key);
    assert_true((DWORD)want->Internal == 0xC0000120u);     /* STATUS_CANCELLED */
    assert_no_packet(port, "after the abort");
}

/* AcceptEx pending on the duplicate: closing the original leaves it pending
 * (a client it then accepts proves it); the duplicate's close aborts the next. */
static void local_duplicate_acceptex(void **state)
{
    GUID id = WSAID_ACCEPTEX;
    LPFN_ACCEPTEX accept_ex = NULL;
    static char buf[2 * (sizeof(struct sockaddr_in) + 16)];
    static WSAOVERLAPPED ov;
    unsigned short port_no;
    u_long on = 1;
    DWORD n = 0;
    (void)state;

    SOCKET src = tu_listener(AF_INET, SOCK_STREAM, &port_no);
    assert_true(src != INVALID_SOCKET);
    /* what nearly every server does first; no reason to cancel anything */
    assert_wsa_ok(ioctlsocket(src, FIONBIO, &on));
    HANDLE port = CreateIoCompletionPort((HANDLE)src, NULL, dup_key, 0);
    assert_non_null(port);
    assert_wsa_ok(WSAIoctl(src, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof(id), &accept_ex,
                           sizeof(accept_ex), &n, NULL, NULL));
    SOCKET dup = local_duplicate(src);

    SOCKET accepted = WSASocketW(AF_INET, SOCK_STREAM, 0, NULL, 0, WSA_FLAG_OVERLAPPED);
    assert_true(accepted != INVALID_SOCKET);
    memset(&ov, 0, sizeof(ov));
    assert_false(accept_ex(dup, accepted, buf, 0, sizeof(struct sockaddr_in) + 16,
                           sizeof(struct sockaddr_in) + 16, &n, &ov));
    assert_int_equal(WSAGetLastError(), ERROR_IO_PENDING);

    assert_int_equal(closesocket(src), 0);
    assert_no_packet(port, "closesocket(src) with AcceptEx pending on the duplicate");
    /* still pending: a client is accepted through it */
    SOCKET client = tu_connect(AF_INET, port_no);
    assert_true(client != INVALID_SOCKET);
    {
        DWORD bytes = 0xdead; ULONG_PTR key = 0; LPOVERLAPPED got = NULL;
        BOOL ok = GetQueuedCompletionStatus(port, &bytes, &key, &got, PACKET_MS);
        if (!ok || got != (LPOVERLAPPED)&ov)
            fail_msg("the AcceptEx did not accept after closesocket(src): ok %d error %lu "
                     "overlapped %p", ok, GetLastError(), (void *)got);
        assert_true(key == dup_key);
    }
    closesocket(client);
    closesocket(accepted);

    /* another AcceptEx on the duplicate: its close is the last, and aborts it */
    accepted = WSASocketW(AF_INET, SOCK_STREAM, 0, NULL, 0, WSA_FLAG_OVERLAPPED);
    assert_true(accepted != INVALID_SOCKET);
    memset(&ov, 0, sizeof(ov));
    assert_false(accept_ex(dup, accepted, buf, 0, sizeof(struct sockaddr_in) + 16,
                           sizeof(struct sockaddr_in) + 16, &n, &ov));
    assert_int_equal(WSAGetLastError(), ERROR_IO_PENDING);
    assert_int_equal(closesocket(dup), 0);
    assert_aborted_once(port, &ov, "AcceptEx at closesocket(dup)");
    closesocket(accepted);
    CloseHandle(port);
}

/* WSARecv pending on the duplicate: closing the original leaves it pending
 * (the peer's data completes it); the duplicate's close aborts the next. */
static void local_duplicate_wsarecv(void **state)
{
    static char rbuf[32];
    static WSAOVERLAPPED ov;
    WSABUF wb = { sizeof(rbuf), rbuf };
    DWORD n = 0, flags = 0;
    SOCKET peer, src;
    (void)state;

    assert_int_equal(tu_tcp_pair(AF_INET, &peer, &src), 0);
    HANDLE port = CreateIoCompletionPort((HANDLE)src, NULL, dup_key, 0);
    assert_non_null(port);
    SOCKET dup = local_duplicate(src);
    memset(&ov, 0, sizeof(ov));
    assert_wsa_fail(WSARecv(dup, &wb, 1, &n, &flags, &ov, NULL), SOCKET_ERROR, WSA_IO_PENDING);

    assert_int_equal(closesocket(src), 0);
    assert_no_packet(port, "closesocket(src) with WSARecv pending on the duplicate");
    assert_int_equal(send(peer, "hello", 5, 0), 5);
    {
        DWORD bytes = 0; ULONG_PTR key = 0; LPOVERLAPPED got = NULL;
        BOOL ok = GetQueuedCompletionStatus(port, &bytes, &key, &got, PACKET_MS);
        if (!ok || got != (LPOVERLAPPED)&ov)
            fail_msg("the WSARecv did not receive after closesocket(src): ok %d error %lu "
                     "overlapped %p", ok, GetLastError(), (void *)got);
        assert_int_equal(bytes, 5);
        assert_memory_equal(rbuf, "hello", 5);
    }

    memset(&ov, 0, sizeof(ov));
    assert_wsa_fail(WSARecv(dup, &wb, 1, &n, &flags, &ov, NULL), SOCKET_ERROR, WSA_IO_PENDING);
    assert_int_equal(closesocket(dup), 0);
    assert_aborted_once(port, &ov, "WSARecv at closesocket(dup)");
    closesocket(peer);
    CloseHandle(port);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--child"))
        return child_main();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(duplicate_keeps_linger_and_last_reference),
        cmocka_unit_test(duplicate_is_for_its_process),
        cmocka_unit_test(local_duplicate_acceptex),
        cmocka_unit_test(local_duplicate_wsarecv),
    };
    tu_main_init(argc, argv);
    return cmocka_run_group_tests(tests, tu_group_startup, tu_group_cleanup);
}
