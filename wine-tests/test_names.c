/*
 * test_names.c - text and names in ws2.dll: addresses as text (inet_pton,
 * InetPtonW, inet_addr), what they leave in the caller's buffer when the
 * text is not an address, and the errors they set; and the protocol and
 * services databases (getprotoby*, getservby*), read from files the test
 * writes and points DataBasePath at.
 */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- text addresses ------------------------------------------------------- */

static void inet_pton_ntop(void **state)
{
    static const struct { const char *in, *out; } v6[] = {
        { "::", "::" }, { "::1", "::1" }, { "fe80::1:2", "fe80::1:2" },
        { "2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1" }, { "1:0:2:0:3:0:4:0", "1:0:2:0:3:0:4:0" },
        { "::ffff:1.2.3.4", "::ffff:1.2.3.4" }, { "1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0" },
    };
    static const char *bad[] = { "1.2.3", "1.2.3.256", "1.2.3.4.", "::1::", ":1", "12345::",
                                 "1:2:3:4:5:6:7:8:9", "", "g::" };
    unsigned char a[16];
    char text[INET6_ADDRSTRLEN];
    size_t i;
    (void)state;

    assert_int_equal(inet_pton(AF_INET, "192.168.0.255", a), 1);
    assert_memory_equal(a, "\xc0\xa8\x00\xff", 4);
    assert_string_equal(inet_ntop(AF_INET, a, text, sizeof(text)), "192.168.0.255");
    for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
        assert_int_equal(inet_pton(AF_INET6, v6[i].in, a), 1);
        assert_string_equal(inet_ntop(AF_INET6, a, text, sizeof(text)), v6[i].out);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int r = inet_pton(strchr(bad[i], ':') || !*bad[i] ? AF_INET6 : AF_INET, bad[i], a);
        if (r != 0)
            fail_msg("inet_pton accepted \"%s\"", bad[i]);
    }
    assert_wsa_fail(inet_pton(AF_IRDA, "x", a), -1, WSAEAFNOSUPPORT);
    assert_wsa_fail(inet_pton(AF_INET, NULL, a), -1, WSAEFAULT);
    assert_null(inet_ntop(AF_INET6, a, text, 3));
    WCHAR wtext[INET6_ADDRSTRLEN];
    assert_int_equal(InetPtonW(AF_INET6, L"2001:db8::7", a), 1);
    assert_non_null(InetNtopW(AF_INET6, a, wtext, INET6_ADDRSTRLEN));
    assert_true(!wcscmp(wtext, L"2001:db8::7"));
}

/* inet_pton stores each part as soon as it has read it (Windows does, and
 * programs see the bytes): a text with something after a whole address
 * leaves the whole address, a broken one the parts before the break. */
static void inet_pton_leaves_what_it_read(void **state)
{
    static const struct {
        const char *text;
        int stored;                 /* leading bytes expected written */
        const char *bytes;          /* those bytes (the rest stay 0xab) */
    } v4[] = {
        { "10.0.0.1:8080", 4, "\x0a\x00\x00\x01" },  /* a port after it */
        { "10.0.0.1 ", 4, "\x0a\x00\x00\x01" },      /* a blank after it */
        { "192.0.2.0z", 4, "\xc0\x00\x02\x00" },
        { "10.0.0.1.5", 0, "" },                     /* a fifth part: nothing */
        { "10.0.0.01", 0, "" },                      /* octal is refused */
        { "10.0.0.0x1", 0, "" },                     /* so is hex */
        { "10.0.0", 0, "" },
        { "10.0.0.256", 0, "" },
    };
    static const struct {
        const char *text;
        int stored;
        const char *bytes;
    } v6[] = {
        /* complete before the junk: the gap is closed, all 16 bytes */
        { "fe80::1%3", 16, "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\x01" },
        { "::ffff:10.1.2.3 ", 16, "\0\0\0\0\0\0\0\0\0\0\xff\xff\x0a\x01\x02\x03" },
        { "1:2:3:4:5:6:7:8:9", 16, "\0\x01\0\x02\0\x03\0\x04\0\x05\0\x06\0\x07\0\x08" },
        /* a second "::": what stood before it, gap closed */
        { "1::2::3", 16, "\0\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\x02" },
        /* a "0x" number is taken as the last group, its low 16 bits */
        { "::0x41234", 16, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x12\x34" },
        /* broken: the groups before the break, nothing moved */
        { "1:2:3:4", 6, "\0\x01\0\x02\0\x03" },
        { "2001:db8::12345", 4, "\x20\x01\x0d\xb8" },
        { "1::9.8.7", 4, "\0\x01\x09\x08" },        /* a short IPv4 tail */
        { "::12345", 2, "\0\0" },                  /* the leading "::" stores a 0 group */
        { "::1.2.3.300", 3, "\x01\x02\x03" },     /* ... which a dotted tail overwrites */
        { "abcd:efgh::", 2, "\xab\xcd" },
        { ":1::", 0, "" },
    };
    unsigned char a[16], want[16];
    WCHAR wide[64];
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
        memset(a, 0xab, sizeof(a));
        memset(want, 0xab, sizeof(want));
        memcpy(want, v4[i].bytes, (size_t)v4[i].stored);
        WSASetLastError(12345);
        if (inet_pton(AF_INET, v4[i].text, a) != 0)
            fail_msg("inet_pton(AF_INET, \"%s\") is not 0", v4[i].text);
        assert_int_equal(WSAGetLastError(), 12345);   /* 0 sets no error */
        if (memcmp(a, want, sizeof(a)))
            fail_msg("inet_pton(AF_INET, \"%s\") left %02x %02x %02x %02x %02x", v4[i].text,
                     a[0], a[1], a[2], a[3], a[4]);
    }
    for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
        int k;
        memset(want, 0xab, sizeof(want));
        memcpy(want, v6[i].bytes, (size_t)v6[i].stored);
        for (k = 0; k < 2; k++) {
            memset(a, 0xab, sizeof(a));
            WSASetLastError(12345);
            if (k == 0) {
                assert_int_equal(inet_pton(AF_INET6, v6[i].text, a), 0);
                assert_int_equal(WSAGetLastError(), 12345);
            } else {
                /* the Unicode form reads the same and also says why */
                MultiByteToWideChar(CP_ACP, 0, v6[i].text, -1, wide, 64);
                assert_int_equal(InetPtonW(AF_INET6, wide, a), 0);
                assert_int_equal(WSAGetLastError(), WSAEINVAL);
            }
            if (memcmp(a, want, sizeof(a))) {
                char got[40];
                int j;
                for (j = 0; j < 16; j++)
                    snprintf(got + 2 * j, 3, "%02x", a[j]);
                fail_msg("%s(AF_INET6, \"%s\") left %s", k ? "InetPtonW" : "inet_pton",
                         v6[i].text, got);
            }
        }
    }
}

/* inet_addr ends an address at a blank and ignores what follows, takes
 * octal, hex and the short forms, and sets an error only for NULL. */
static void inet_addr_reads_as_windows(void **state)
{
    static const struct { const char *text; unsigned long host; } cases[] = {
        { "10.1.2.3 trailing words", 0x0a010203 },
        { "10.1.2.3\n", 0x0a010203 },
        { "10.1.2.3\r\n", 0x0a010203 },
        { "10.1.2.3\v", 0x0a010203 },
        { "10 .1.2.3", 0x0000000a },            /* "10" (one 32-bit part), then a blank */
        { "10.1.2 .3", 0x0a010002 },            /* "10.1.2": 2 in 16 bits */
        { " ", 0 },                              /* Windows: the blank alone is 0.0.0.0 */
        { "0x7f.1", 0x7f000001 },
        { "012.0.0.1", 0x0a000001 },
        { "  ", INADDR_NONE },
        { " 10.1.2.3", INADDR_NONE },
        { "10.1.2.3x", INADDR_NONE },
        { "10.1.2.3.", INADDR_NONE },
        { "10.1. 2.3", INADDR_NONE },
        { "4294967296", INADDR_NONE },          /* held at 2^32-1, not wrapped to 0 */
        { "0x100000000", INADDR_NONE },
        { "10.4294967297", INADDR_NONE },
        { "08.1.1.1", INADDR_NONE },
        { "", INADDR_NONE },
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        unsigned long want = cases[i].host == INADDR_NONE ? INADDR_NONE : htonl(cases[i].host);
        unsigned long got;
        WSASetLastError(12345);
        got = inet_addr(cases[i].text);
        if (got != want)
            fail_msg("inet_addr(\"%s\") = %08lx, expected %08lx", cases[i].text, got, want);
        assert_int_equal(WSAGetLastError(), 12345);
    }
    WSASetLastError(12345);
    assert_true(inet_addr(NULL) == INADDR_NONE);
    assert_int_equal(WSAGetLastError(), WSAEFAULT);
}

/* ---- protocol and services databases -------------------------------------- */

#define TCPIP_PARAMETERS "SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters"

/* DataBasePath as it was, to be put back. */
static char saved_path[MAX_PATH];
static DWORD saved_size, saved_type;
static int saved_present;

static void set_database_path(const char *dir)
{
    HKEY key;
    assert_int_equal(RegCreateKeyExA(HKEY_LOCAL_MACHINE, TCPIP_PARAMETERS, 0, NULL, 0,
                                     KEY_SET_VALUE, NULL, &key, NULL), 0);
    assert_int_equal(RegSetValueExA(key, "DataBasePath", 0, REG_EXPAND_SZ, (const BYTE *)dir,
                                    (DWORD)strlen(dir) + 1), 0);
    RegCloseKey(key);
}

static void save_database_path(void)
{
    HKEY key;
    saved_present = 0;
    saved_size = sizeof(saved_path);
    if (!RegOpenKeyExA(HKEY_LOCAL_MACHINE, TCPIP_PARAMETERS, 0, KEY_QUERY_VALUE, &key)) {
        saved_present = !RegQueryValueExA(key, "DataBasePath", NULL, &saved_type,
                                          (BYTE *)saved_path, &saved_size);
        RegCloseKey(key);
    }
}

/* Also the test's teardown, so that a failed assertion leaves the prefix as it was. */
static int restore_database_path(void **state)
{
    HKEY key;
    (void)state;
    if (RegOpenKeyExA(HKEY_LOCAL_MACHINE, TCPIP_PARAMETERS, 0, KEY_SET_VALUE, &key))
        return 0;
    if (saved_present)
        RegSetValueExA(key, "DataBasePath", 0, saved_type, (const BYTE *)saved_path, saved_size);
    else
        RegDeleteValueA(key, "DataBasePath");
    RegCloseKey(key);
    return 0;
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[MAX_PATH];
    FILE *f;
    snprintf(path, sizeof(path), "%s\\%s", dir, name);
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static DWORD WINAPI other_thread_lookup(void *arg)
{
    struct servent *s = getservbyname("cews-test", "udp");
    *(struct servent **)arg = s;
    return s && ntohs(s->s_port) == 4243 ? 0 : 1;
}

/* The answers come from DataBasePath's files, in the files' order, names
 * and protocols matched without case; one result per thread. */
static void services_and_protocols_from_the_files(void **state)
{
    char dir[MAX_PATH];
    struct servent *s, *again, *theirs = NULL;
    struct protoent *p;
    HANDLE thread;
    DWORD code = 1;
    (void)state;

    GetTempPathA(sizeof(dir), dir);
    snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "cews-netdb-%lu", GetCurrentProcessId());
    CreateDirectoryA(dir, NULL);
    write_file(dir, "services",
               "# a test database\r\n"
               "cews-test   4242/tcp   cewsalias other   # comment\r\n"
               "cews-test   4243/udp\r\n"
               "broken      notaport/tcp\r\n"
               "\r\n"
               "cews-late   4242/tcp\r\n");
    write_file(dir, "protocol", "cewsproto 200 CEWSPROTO # ours\nsecond 201\n");
    save_database_path();
    set_database_path(dir);

    s = getservbyname("cews-test", "tcp");
    assert_non_null(s);
    assert_string_equal(s->s_name, "cews-test");
    assert_string_equal(s->s_proto, "tcp");
    assert_int_equal(ntohs(s->s_port), 4242);
    assert_string_equal(s->s_aliases[0], "cewsalias");
    assert_string_equal(s->s_aliases[1], "other");
    assert_null(s->s_aliases[2]);
    again = getservbyname("CEWSALIAS", NULL);          /* an alias, any protocol */
    assert_ptr_equal(again, s);                         /* the thread's one servent */
    assert_int_equal(ntohs(again->s_port), 4242);
    s = getservbyname("cews-test", "UDP");
    assert_non_null(s);
    assert_int_equal(ntohs(s->s_port), 4243);
    s = getservbyport(htons(4242), "tcp");             /* the first line with the port */
    assert_non_null(s);
    assert_string_equal(s->s_name, "cews-test");
    s = getservbyport(htons(4243), NULL);
    assert_non_null(s);
    assert_string_equal(s->s_proto, "udp");

    /* another thread's answer does not overwrite this thread's */
    thread = CreateThread(NULL, 0, other_thread_lookup, &theirs, 0, NULL);
    WaitForSingleObject(thread, 10000);
    GetExitCodeThread(thread, &code);
    CloseHandle(thread);
    assert_int_equal(code, 0);
    assert_ptr_not_equal(theirs, s);
    s = getservbyname("cews-test", "tcp");
    assert_int_equal(ntohs(s->s_port), 4242);

    /* the file replaces the built-in table: telnet is not in it */
    assert_wsa_fail(getservbyname("telnet", "tcp"), NULL, WSANO_DATA);
    assert_wsa_fail(getservbyname("broken", NULL), NULL, WSANO_DATA);
    assert_wsa_fail(getservbyname(NULL, "tcp"), NULL, WSAEFAULT);
    assert_wsa_fail(getservbyport(htons(4244), NULL), NULL, WSANO_DATA);

    p = getprotobyname("CewsProto");
    assert_non_null(p);
    assert_int_equal(p->p_proto, 200);
    assert_string_equal(p->p_aliases[0], "CEWSPROTO");
    p = getprotobynumber(201);
    assert_non_null(p);
    assert_string_equal(p->p_name, "second");
    assert_null(p->p_aliases[0]);
    assert_wsa_fail(getprotobynumber(6), NULL, WSANO_DATA);
    assert_wsa_fail(getprotobyname(NULL), NULL, WSAEFAULT);

    /* a directory without the files: the built-in table of well-known ones */
    {
        char path[MAX_PATH];
        snprintf(path, sizeof(path), "%s\\services", dir);
        DeleteFileA(path);
        snprintf(path, sizeof(path), "%s\\protocol", dir);
        DeleteFileA(path);
    }
    s = getservbyname("telnet", "tcp");
    assert_non_null(s);
    assert_int_equal(ntohs(s->s_port), 23);
    s = getservbyname("www", NULL);
    assert_non_null(s);
    assert_string_equal(s->s_name, "http");
    p = getprotobynumber(17);
    assert_non_null(p);
    assert_string_equal(p->p_name, "udp");
    assert_wsa_fail(getprotobynumber(2), NULL, WSANO_DATA);

    RemoveDirectoryA(dir);
}

/* GetHostNameW is gethostname's name in UTF-16; a buffer one character
 * short is WSAEFAULT and left as it was. */
static void host_name_in_utf16(void **state)
{
    char narrow[256];
    WCHAR wide[256], expected[256], keep[256];
    int len;
    (void)state;

    assert_int_equal(gethostname(narrow, sizeof(narrow)), 0);
    MultiByteToWideChar(CP_ACP, 0, narrow, -1, expected, 256);
    assert_int_equal(GetHostNameW(wide, 256), 0);
    assert_true(!wcscmp(wide, expected));
    len = (int)wcslen(expected);
    wcscpy(keep, L"unchanged");
    assert_wsa_fail(GetHostNameW(keep, len), SOCKET_ERROR, WSAEFAULT);
    assert_true(!wcscmp(keep, L"unchanged"));
    assert_int_equal(GetHostNameW(keep, len + 1), 0);
    assert_true(!wcscmp(keep, expected));
    assert_wsa_fail(GetHostNameW(NULL, 256), SOCKET_ERROR, WSAEFAULT);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(inet_pton_ntop),
        cmocka_unit_test(host_name_in_utf16),
        cmocka_unit_test(inet_pton_leaves_what_it_read),
        cmocka_unit_test(inet_addr_reads_as_windows),
        cmocka_unit_test_teardown(services_and_protocols_from_the_files, restore_database_path),
    };
    tu_main_init(argc, argv);
    return cmocka_run_group_tests(tests, tu_group_startup, tu_group_cleanup);
}
