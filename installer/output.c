/*
 * output.c - text output for ws2inst.
 *
 * wprintf through Wine's msvcrt loses non-ASCII text (and sometimes all of
 * it) when stdout is redirected, so everything is formatted here and written
 * with Win32 calls: UTF-16 to a console, UTF-8 to files and pipes.
 */
#include "installer.h"

#include <stdarg.h>
#include <stdio.h>
#include <wchar.h>

/* Formats with mingw's own C99 printf, whose %ls/%d/%u meanings do not
 * depend on which msvcrt Wine or Windows provides.  Returns a heap string. */
static wchar_t *format_text(const wchar_t *format, va_list arguments)
{
    va_list copy;
    wchar_t *text;
    int length;

    va_copy(copy, arguments);
    length = __mingw_vsnwprintf(NULL, 0, format, copy);
    va_end(copy);
    if (length < 0)
        return NULL;
    text = HeapAlloc(GetProcessHeap(), 0, (length + 1) * sizeof(wchar_t));
    if (text)
        __mingw_vsnwprintf(text, length + 1, format, arguments);
    return text;
}

static void write_text(DWORD which, const wchar_t *text)
{
    HANDLE handle = GetStdHandle(which);
    DWORD mode, written;
    int length = (int)wcslen(text), bytes;
    char *utf8;

    if (handle == NULL || handle == INVALID_HANDLE_VALUE || length == 0)
        return;
    if (GetConsoleMode(handle, &mode)) {
        WriteConsoleW(handle, text, length, &written, NULL);
        return;
    }
    bytes = WideCharToMultiByte(CP_UTF8, 0, text, length, NULL, 0, NULL, NULL);
    utf8 = HeapAlloc(GetProcessHeap(), 0, bytes ? bytes : 1);
    if (!utf8)
        return;
    WideCharToMultiByte(CP_UTF8, 0, text, length, utf8, bytes, NULL, NULL);
    WriteFile(handle, utf8, bytes, &written, NULL);
    HeapFree(GetProcessHeap(), 0, utf8);
}

static void print_to(DWORD which, const wchar_t *format, va_list arguments)
{
    wchar_t *text = format_text(format, arguments);

    if (text) {
        write_text(which, text);
        HeapFree(GetProcessHeap(), 0, text);
    }
}

void print_out(const wchar_t *format, ...)
{
    va_list arguments;

    va_start(arguments, format);
    print_to(STD_OUTPUT_HANDLE, format, arguments);
    va_end(arguments);
}

void print_err(const wchar_t *format, ...)
{
    va_list arguments;

    va_start(arguments, format);
    print_to(STD_ERROR_HANDLE, format, arguments);
    va_end(arguments);
}

/* Winsock errors by name: system message tables (Wine's especially) do not
 * always have text for them, and the name is what people search for. */
static const wchar_t *winsock_error_name(DWORD code)
{
    static const struct { DWORD code; const wchar_t *name; } names[] = {
        { WSAEINTR, L"WSAEINTR" },               { WSAEBADF, L"WSAEBADF" },
        { WSAEACCES, L"WSAEACCES" },             { WSAEFAULT, L"WSAEFAULT" },
        { WSAEINVAL, L"WSAEINVAL" },             { WSAEMFILE, L"WSAEMFILE" },
        { WSAEWOULDBLOCK, L"WSAEWOULDBLOCK" },   { WSAEINPROGRESS, L"WSAEINPROGRESS" },
        { WSAENOTSOCK, L"WSAENOTSOCK" },         { WSAEPROTOTYPE, L"WSAEPROTOTYPE" },
        { WSAENOPROTOOPT, L"WSAENOPROTOOPT" },   { WSAEPROTONOSUPPORT, L"WSAEPROTONOSUPPORT" },
        { WSAESOCKTNOSUPPORT, L"WSAESOCKTNOSUPPORT" }, { WSAEOPNOTSUPP, L"WSAEOPNOTSUPP" },
        { WSAEAFNOSUPPORT, L"WSAEAFNOSUPPORT" }, { WSAENETDOWN, L"WSAENETDOWN" },
        { WSAENOBUFS, L"WSAENOBUFS" },           { WSASYSNOTREADY, L"WSASYSNOTREADY" },
        { WSAVERNOTSUPPORTED, L"WSAVERNOTSUPPORTED" }, { WSANOTINITIALISED, L"WSANOTINITIALISED" },
        { WSAEPROVIDERFAILEDINIT, L"WSAEPROVIDERFAILEDINIT" },
        { WSAEINVALIDPROVIDER, L"WSAEINVALIDPROVIDER" },
        { WSAEINVALIDPROCTABLE, L"WSAEINVALIDPROCTABLE" },
        { WSASERVICE_NOT_FOUND, L"WSASERVICE_NOT_FOUND" },
        { WSAEREFUSED, L"WSAEREFUSED" },
    };

    for (size_t i = 0; i < ARRAYSIZE(names); i++)
        if (names[i].code == code)
            return names[i].name;
    return NULL;
}

const wchar_t *error_text(DWORD code)
{
    static wchar_t text[512];
    wchar_t message[400];
    const wchar_t *name = winsock_error_name(code);
    DWORD length = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                                  NULL, code, 0, message, ARRAYSIZE(message), NULL);

    /* Message tables end their text with ".\r\n"; this goes mid-sentence. */
    while (length && (message[length - 1] == L'\n' || message[length - 1] == L'\r'
                      || message[length - 1] == L'.' || message[length - 1] == L' '))
        length--;
    message[length] = 0;
    if (name && length)
        __mingw_snwprintf(text, ARRAYSIZE(text), L"error %lu (%ls: %ls)", code, name, message);
    else if (name)
        __mingw_snwprintf(text, ARRAYSIZE(text), L"error %lu (%ls)", code, name);
    else if (length)
        __mingw_snwprintf(text, ARRAYSIZE(text), L"error %lu (%ls)", code, message);
    else
        __mingw_snwprintf(text, ARRAYSIZE(text), L"error %lu", code);
    text[ARRAYSIZE(text) - 1] = 0;
    return text;
}
