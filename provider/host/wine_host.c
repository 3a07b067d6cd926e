/*
 * wine_host.c - the two things Wine's Winsock cannot do for us, done one
 * level lower, on the Linux socket under the Wine handle.
 *
 * 1. An abortive close.  Wine's wineserver shuts a socket down (FIN) before
 *    closing it, whatever SO_LINGER says, so closesocket with a zero linger
 *    never resets the connection.  A TCP "disconnect" (connect with
 *    AF_UNSPEC) on the Linux socket resets it at once, as Windows' abortive
 *    close does.
 * 2. The send backlog.  No Windows ioctl reports the bytes still queued in
 *    the kernel; Linux's SIOCOUTQ does (unsent plus unacknowledged).  It
 *    keeps counting them after the peer reset the connection, when they
 *    can never leave; TCP_INFO's state (TCP_CLOSE) tells that case apart.
 *
 * wine_server_handle_to_fd (a Wine extension exported by ntdll) gives a
 * duplicate of the socket's Linux file descriptor; the Linux system calls
 * are made directly, as a PE module has no C library for the host.  On
 * anything but Wine on Linux both functions say "not available" and the
 * caller falls back to the host's own behaviour.  CEWS2_HOST_NO_WINE_MECHANISM=1
 * in the environment turns the mechanism off under Wine too, so that the
 * path a host without it takes can be run and tested here; the provider
 * says which case holds (SIO_CEWS_LINGER_MECHANISM, wine_host_active).
 *
 * The system calls are written for x86_64 and i386, the architectures Wine
 * runs Windows programs of on Linux here.  Built for any other (ARM64
 * Windows, say) the mechanism is compiled out: both functions always say
 * "not available", so the provider reports it has no Wine mechanism
 * (SIO_CEWS_SEND_BACKLOG fails with WSAEOPNOTSUPP, a zero linger closes as
 * the host closes) instead of the build failing.
 */
#include "hostprov.h"

/* Wine's ntdll exports wine_get_version; Windows' does not. */
BOOL wine_host_is_wine(void)
{
    return GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "wine_get_version") != NULL;
}

#if defined(__x86_64__) || defined(__i386__)

typedef unsigned int (*handle_to_fd_fn)(HANDLE handle, unsigned int access, int *fd,
                                        unsigned int *options);
typedef void (*host_version_fn)(const char **sysname, const char **release);

static handle_to_fd_fn handle_to_fd;
static INIT_ONCE probe_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK probe_wine_linux(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    host_version_fn host_version;
    const char *sysname = NULL, *release = NULL;
    WCHAR off[8];
    (void)once; (void)param; (void)ctx;

    if (GetEnvironmentVariableW(L"CEWS2_HOST_NO_WINE_MECHANISM", off, ARRAYSIZE(off)) &&
        off[0] == L'1')
        return TRUE;
    host_version = (host_version_fn)(void *)GetProcAddress(ntdll, "wine_get_host_version");
    if (!host_version)
        return TRUE;
    host_version(&sysname, &release);
    if (sysname && !strcmp(sysname, "Linux"))
        handle_to_fd = (handle_to_fd_fn)(void *)GetProcAddress(ntdll, "wine_server_handle_to_fd");
    return TRUE;
}

#if defined(__x86_64__)
enum { NR_IOCTL = 16, NR_CONNECT = 42, NR_CLOSE = 3, NR_GETSOCKOPT = 55 };
static long linux_call3(long nr, long a, long b, long c)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return ret;
}
static long linux_getsockopt(int fd, int level, int name, void *val, int *len)
{
    long ret;
    register long r10 __asm__("r10") = (long)(INT_PTR)val;
    register long r8 __asm__("r8") = (long)(INT_PTR)len;
    __asm__ volatile("syscall" : "=a"(ret)
                     : "a"((long)NR_GETSOCKOPT), "D"((long)fd), "S"((long)level), "d"((long)name),
                       "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    return ret;
}
#elif defined(__i386__)
enum { NR_IOCTL = 54, NR_CONNECT = 362, NR_CLOSE = 6, NR_SOCKETCALL = 102, SYS_GETSOCKOPT = 15 };
static long linux_call3(long nr, long a, long b, long c)
{
    long ret;
    __asm__ volatile("xchg %%ebx, %%edi; int $0x80; xchg %%ebx, %%edi"
                     : "=a"(ret) : "a"(nr), "D"(a), "c"(b), "d"(c) : "memory");
    return ret;
}
static long linux_getsockopt(int fd, int level, int name, void *val, int *len)
{
    /* i386 reaches the socket calls through socketcall(call, args) */
    long args[5] = { fd, level, name, (long)(INT_PTR)val, (long)(INT_PTR)len };
    return linux_call3(NR_SOCKETCALL, SYS_GETSOCKOPT, (long)(INT_PTR)args, 0);
}
#endif

enum { LINUX_SIOCOUTQ = 0x5411, LINUX_EINVAL = 22,
       LINUX_SOL_TCP = 6, LINUX_TCP_INFO = 11, LINUX_TCP_CLOSE = 7 };

/* The Linux descriptor under a socket handle (a duplicate: close it), or -1. */
static int linux_fd_of(SOCKET s)
{
    int fd = -1;
    InitOnceExecuteOnce(&probe_once, probe_wine_linux, NULL, NULL);
    if (!handle_to_fd || handle_to_fd((HANDLE)s, 0, &fd, NULL) != 0)
        return -1;
    return fd;
}

BOOL wine_host_active(void)
{
    InitOnceExecuteOnce(&probe_once, probe_wine_linux, NULL, NULL);
    return handle_to_fd != NULL;
}

BOOL wine_host_abort(SOCKET s)
{
    struct { unsigned short family; char zero[14]; } unspec = { 0, { 0 } };
    int fd = linux_fd_of(s);
    long ret;

    if (fd < 0)
        return FALSE;
    /* AF_UNSPEC connect on an established TCP socket sends RST and drops unsent data */
    ret = linux_call3(NR_CONNECT, fd, (long)(INT_PTR)&unspec, sizeof(unspec));
    linux_call3(NR_CLOSE, fd, 0, 0);
    return ret == 0;
}

BOOL wine_host_send_backlog(SOCKET s, DWORD *bytes)
{
    int queued = 0, fd = linux_fd_of(s);
    long ret;

    if (fd < 0)
        return FALSE;
    ret = linux_call3(NR_IOCTL, fd, LINUX_SIOCOUTQ, (long)(INT_PTR)&queued);
    if (ret == 0 && queued > 0) {
        /* tcp_info starts with the state byte; a reset connection is closed */
        unsigned char info[8] = { 0 };
        int len = sizeof(info);
        if (linux_getsockopt(fd, LINUX_SOL_TCP, LINUX_TCP_INFO, info, &len) == 0 && len >= 1 &&
            info[0] == LINUX_TCP_CLOSE)
            queued = 0;             /* the connection is gone: nothing will ever leave */
    }
    linux_call3(NR_CLOSE, fd, 0, 0);
    /* a listening socket (EINVAL) has no connection and nothing queued */
    if (ret == -LINUX_EINVAL)
        queued = 0, ret = 0;
    if (ret != 0 || queued < 0)
        return FALSE;
    *bytes = (DWORD)queued;
    return TRUE;
}

#else /* no Linux system calls written for this architecture */

BOOL wine_host_active(void)
{
    return FALSE;
}

BOOL wine_host_abort(SOCKET s)
{
    (void)s;
    return FALSE;
}

BOOL wine_host_send_backlog(SOCKET s, DWORD *bytes)
{
    (void)s;
    (void)bytes;
    return FALSE;
}

#endif
