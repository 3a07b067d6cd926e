/*
 * badinput_async.c - the bad-input rows of the window-message desktop
 * extensions (badinput_async.h), each one call with one thing wrong.  The
 * look-ups judge at once only what they must read or write then; none of
 * these rows starts a request, so no reply is left behind.
 */
#include "badinput_fixture.h"
#include "badinput_async.h"

static HWND message_window(void)
{
    static HWND window;
    if (!window)
        window = CreateWindowExA(0, "Message", NULL, 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL);
    return window;
}

#define BAD_PTR ((char *)(UINT_PTR)8)
#define H(x) ((long long)(UINT_PTR)(x))

long long b_asyncselect_window(void) { return WSAAsyncSelect(fx.tcp, (HWND)(UINT_PTR)0x7777, WM_USER, FD_READ); }
long long b_asyncselect_events(void) { return WSAAsyncSelect(fx.tcp, message_window(), WM_USER, 0x40000000); }
long long b_asyncservbyname_null(void) { static char b[MAXGETHOSTSTRUCT]; return H(WSAAsyncGetServByName(message_window(), WM_USER, NULL, "tcp", b, sizeof(b))); }
long long b_asyncservbyname_buffer(void) { return H(WSAAsyncGetServByName(message_window(), WM_USER, "http", "tcp", BAD_PTR, 64)); }
long long b_asyncservbyport_proto(void) { static char b[MAXGETHOSTSTRUCT]; return H(WSAAsyncGetServByPort(message_window(), WM_USER, 80, BAD_PTR, b, sizeof(b))); }
long long b_asyncprotobyname_null(void) { static char b[MAXGETHOSTSTRUCT]; return H(WSAAsyncGetProtoByName(message_window(), WM_USER, NULL, b, sizeof(b))); }
long long b_asyncprotobynumber_buflen(void) { static char b[MAXGETHOSTSTRUCT]; return H(WSAAsyncGetProtoByNumber(message_window(), WM_USER, 6, b, -1)); }
long long b_asynchostbyname_null(void) { static char b[MAXGETHOSTSTRUCT]; return H(WSAAsyncGetHostByName(message_window(), WM_USER, NULL, b, sizeof(b))); }
long long b_asynchostbyaddr_null(void) { static char b[MAXGETHOSTSTRUCT]; return H(WSAAsyncGetHostByAddr(message_window(), WM_USER, NULL, 4, AF_INET, b, sizeof(b))); }
long long b_asynchostbyaddr_len(void) { static char b[MAXGETHOSTSTRUCT]; char a[4] = { 127, 0, 0, 1 }; return H(WSAAsyncGetHostByAddr(message_window(), WM_USER, a, 0, AF_INET, b, sizeof(b))); }
long long b_cancelasync_unknown(void) { return WSACancelAsyncRequest((HANDLE)(UINT_PTR)0x7ffffff0); }
