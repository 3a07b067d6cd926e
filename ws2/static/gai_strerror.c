/*
 * gai_strerror.c - the text of a getaddrinfo error.  Windows' version asks
 * FormatMessage for the system's message; so does this one, into a buffer
 * of its own (as on Windows, the text is overwritten by the next call).
 */
#include <winsock2.h>
#include <ws2tcpip.h>

static char text_a[GAI_STRERROR_BUFFER_SIZE + 1];
static WCHAR text_w[GAI_STRERROR_BUFFER_SIZE + 1];

/* "error N" for a code the system has no text for (no C library, no user32:
 * an MSVC-style program may link kernel32 alone). */
static void fallback(int code, WCHAR *w, char *a)
{
    char digits[12];
    int n = 0, i = 0, neg = code < 0;
    unsigned v = neg ? 0u - (unsigned)code : (unsigned)code;
    do digits[n++] = (char)('0' + v % 10); while ((v /= 10));
    static const char prefix[] = "error ";
    for (; prefix[i]; i++) {
        if (a) a[i] = prefix[i];
        if (w) w[i] = (WCHAR)prefix[i];
    }
    if (neg) {
        if (a) a[i] = '-';
        if (w) w[i] = '-';
        i++;
    }
    while (n--) {
        if (a) a[i] = digits[n];
        if (w) w[i] = (WCHAR)digits[n];
        i++;
    }
    if (a) a[i] = 0;
    if (w) w[i] = 0;
}

char *gai_strerrorA(int code)
{
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS |
                             FORMAT_MESSAGE_MAX_WIDTH_MASK, NULL, (DWORD)code,
                             MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), text_a,
                             GAI_STRERROR_BUFFER_SIZE, NULL);
    if (!n)
        fallback(code, NULL, text_a);
    return text_a;
}

WCHAR *gai_strerrorW(int code)
{
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS |
                             FORMAT_MESSAGE_MAX_WIDTH_MASK, NULL, (DWORD)code,
                             MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), text_w,
                             GAI_STRERROR_BUFFER_SIZE, NULL);
    if (!n)
        fallback(code, text_w, NULL);
    return text_w;
}
