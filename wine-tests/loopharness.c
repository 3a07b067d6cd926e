/*
 * loopharness.c - what the upcall suites (test_upcall, test_upcall_notify,
 * test_upcall_handles) share around loopprov.dll (loopharness.h).
 *
 * The group setup registers loopprov.dll (next to the test program, by
 * full path, Order 300) under HKLM\CEWS2_LSP_KEY before its WSAStartup, so
 * the process's catalog has the private family AF_LOOPPROV; the teardown
 * (and an exit handler, and an unhandled-exception filter) removes the
 * registration again, so later suites never see it.
 */
#include "loopharness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

WCHAR loopprov_path[MAX_PATH];
static HMODULE loopprov_module;
static LOOPPROV_STATS loopprov_stats;
int loop_started;

/* ---- registration ------------------------------------------------------------ */

static void remove_registration(void)
{
    RegDeleteKeyW(HKEY_LOCAL_MACHINE, LSP_KEY);
}

static LONG WINAPI crash_filter(EXCEPTION_POINTERS *e)
{
    (void)e;
    remove_registration();
    return EXCEPTION_CONTINUE_SEARCH;
}

static int add_registration(void)
{
    HKEY k;
    DWORD order = ORDER;
    LONG r = RegCreateKeyExW(HKEY_LOCAL_MACHINE, LSP_KEY, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &k, NULL);
    if (r)
        return (int)r;
    r = RegSetValueExW(k, L"Dll", 0, REG_SZ, (const BYTE *)loopprov_path,
                       (DWORD)((wcslen(loopprov_path) + 1) * sizeof(WCHAR)));
    if (!r)
        r = RegSetValueExW(k, L"Order", 0, REG_DWORD, (const BYTE *)&order, sizeof(order));
    RegCloseKey(k);
    return (int)r;
}

int loop_group_setup(void **state)
{
    (void)state;
    tu_exe_dir(loopprov_path, MAX_PATH);
    wcscat(loopprov_path, L"loopprov.dll");
    remove_registration();      /* left over from an interrupted run */
    atexit(remove_registration);
    SetUnhandledExceptionFilter(crash_filter);
    /* our own reference: the counters outlive the provider's WSPCleanup */
    loopprov_module = LoadLibraryW(loopprov_path);
    if (!loopprov_module) {
        fprintf(stderr, "cannot load %ls (error %lu)\n", loopprov_path, GetLastError());
        return -1;
    }
    loopprov_stats = (LOOPPROV_STATS)(void *)GetProcAddress(loopprov_module, "LoopprovStats");
    if (!loopprov_stats) {
        fprintf(stderr, "loopprov.dll has no LoopprovStats\n");
        return -1;
    }
    int r = add_registration();
    if (r) {
        fprintf(stderr, "cannot register loopprov.dll: %d\n", r);
        remove_registration();
        return -1;
    }
    r = tu_startup();
    if (r) {
        fprintf(stderr, "WSAStartup: %d\n", r);
        remove_registration();
        return -1;
    }
    loop_started = 1;
    return 0;
}

int loop_group_teardown(void **state)
{
    (void)state;
    int r = loop_started ? WSACleanup() : 0;
    loop_started = 0;
    remove_registration();
    return r == 0 ? 0 : -1;
}

/* ---- helpers ------------------------------------------------------------------ */

SOCKET loop_opened[LOOP_MAX_OPEN];
int loop_nopened;

SOCKET loop_socket(void)
{
    SOCKET s = WSASocketW(AF_LOOPPROV, SOCK_DGRAM, 0, NULL, 0, WSA_FLAG_OVERLAPPED);
    if (s == INVALID_SOCKET)
        fail_msg("socket(AF_LOOPPROV, SOCK_DGRAM, 0): %d", WSAGetLastError());
    if (loop_nopened < LOOP_MAX_OPEN)
        loop_opened[loop_nopened++] = s;
    return s;
}

void loop_forget(SOCKET s)
{
    for (int i = 0; i < loop_nopened; i++)
        if (loop_opened[i] == s)
            loop_opened[i] = loop_opened[--loop_nopened];
}

void close_loop(SOCKET s)
{
    loop_forget(s);
    assert_wsa_ok(closesocket(s));
}

int loop_test_teardown(void **state)
{
    (void)state;
    while (loop_nopened)
        closesocket(loop_opened[--loop_nopened]);
    SleepEx(0, TRUE);   /* let aborted completion routines run here, not in a later test */
    return 0;
}

u_long loop_id_of(SOCKET s)
{
    struct sockaddr_loop a;
    int len = sizeof(a);
    memset(&a, 0, sizeof(a));
    assert_wsa_ok(getsockname(s, (struct sockaddr *)&a, &len));
    assert_int_equal(len, sizeof(a));
    assert_int_equal(a.sloop_family, AF_LOOPPROV);
    assert_true(a.sloop_id != 0);
    return a.sloop_id;
}

int loop_addr(u_long id, struct sockaddr_loop *a)
{
    memset(a, 0, sizeof(*a));
    a->sloop_family = AF_LOOPPROV;
    a->sloop_id = id;
    return sizeof(*a);
}

struct loopprov_stats loop_stats_now(void)
{
    struct loopprov_stats st;
    loopprov_stats(&st);
    return st;
}

static DWORD WINAPI sender_thread(void *arg)
{
    struct loop_sender *s = arg;
    struct sockaddr_loop to;
    s->thread_id = GetCurrentThreadId();
    Sleep(s->delay_ms);
    s->result = sendto(s->from, s->data, s->len, 0, (struct sockaddr *)&to, loop_addr(s->to, &to));
    s->error = s->result == SOCKET_ERROR ? WSAGetLastError() : 0;
    return 0;
}

HANDLE loop_send_later(struct loop_sender *s, SOCKET from, SOCKET to, DWORD delay, const char *text)
{
    memset(s, 0, sizeof(*s));
    s->from = from;
    s->to = loop_id_of(to);
    s->delay_ms = delay;
    s->len = (int)strlen(text);
    memcpy(s->data, text, (size_t)s->len);
    HANDLE t = CreateThread(NULL, 0, sender_thread, s, 0, NULL);
    assert_non_null(t);
    return t;
}

/* Joins t without an alertable wait (no completion routine may run here). */
void loop_join(HANDLE t, struct loop_sender *s)
{
    assert_int_equal(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CloseHandle(t);
    if (s && s->result == SOCKET_ERROR)
        fail_msg("sendto from the sender thread: %d", s->error);
}

void loop_send_now(SOCKET from, SOCKET to, const char *text)
{
    struct sockaddr_loop a;
    int len = (int)strlen(text);
    assert_int_equal(sendto(from, text, len, 0, (struct sockaddr *)&a, loop_addr(loop_id_of(to), &a)), len);
}

/* Takes every packet the port has within wait_ms, then any later ones (200 ms). */
int loop_take_packets(HANDLE port, DWORD wait_ms, DWORD *bytes, ULONG_PTR *key,
                        LPOVERLAPPED *ov, BOOL *ok, DWORD *error, int max)
{
    int n = 0;
    while (n < max) {
        SetLastError(0);
        BOOL r = GetQueuedCompletionStatus(port, &bytes[n], &key[n], &ov[n], n ? 200 : wait_ms);
        if (!ov[n])
            break;
        ok[n] = r;
        error[n] = r ? 0 : GetLastError();
        n++;
    }
    return n;
}

