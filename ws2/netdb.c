/*
 * netdb.c - getprotobyname, getprotobynumber, getservbyname and
 * getservbyport: a desktop extension (CE 5.0's ws2.dll has only the
 * host-name calls of the getXbyY family).
 *
 * As on Windows, the answers come from two text files in the database
 * directory: the DataBasePath value of
 * HKLM\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters (REG_EXPAND_SZ),
 * or %SystemRoot%\system32\drivers\etc without it.  "protocol" has lines
 * "name number [aliases...]", "services" lines "name port/protocol
 * [aliases...]"; '#' starts a comment.  The file is read on every call, so
 * an edit shows at once.  When a file cannot be opened the built-in table
 * of well-known entries (netdb_tables.c) is used instead.  No provider is
 * involved, as on Windows.
 *
 * The result is one structure per thread and per kind (protoent, servent),
 * overwritten by the thread's next call of the same kind, as Windows
 * documents (a thread_slot block, freed when the thread exits).  Names compare without regard to case.  Errors:
 * WSANOTINITIALISED before WSAStartup, WSAEFAULT for a NULL or unreadable
 * name, WSANO_DATA when nothing matches.
 */
#include "ws2_private.h"
#include "netdb.h"
#include <stdio.h>
#include <stdlib.h>

#define MAX_ALIASES 16

/* One entry of either file, split into words (pointing into a copy of
 * its line). */
struct netdb_line {
    char *words[MAX_ALIASES + 2];
    int count;
};

/* A thread's result: the structure handed out and the text it points to. */
struct netdb_result {
    char text[512];
    char *aliases[MAX_ALIASES + 1];
};

/* The calling thread's two results, one thread_slot block (thread_slot.h
 * says why not __thread), rewritten in place by the thread's next call of
 * the same kind and freed at thread exit. */
struct netdb_thread {
    struct { struct servent ent; struct netdb_result r; } serv;
    struct { struct protoent ent; struct netdb_result r; } proto;
};
static struct thread_slot results_slot = THREAD_SLOT_BLOCK(sizeof(struct netdb_thread), NULL);

/* The thread's results, or NULL with WSA_NOT_ENOUGH_MEMORY. */
static struct netdb_thread *thread_results(void)
{
    struct netdb_thread *t = thread_slot_block(&results_slot);
    if (!t)
        WSASetLastError(WSA_NOT_ENOUGH_MEMORY);
    return t;
}

/* The database directory's file `name`, read whole (NUL-terminated, to be
 * freed), or NULL when it cannot be read. */
static char *read_database(const char *name)
{
    char dir[MAX_PATH], path[MAX_PATH + 32], raw[MAX_PATH];
    DWORD size = sizeof(raw), type = 0, got = 0;
    HKEY key;
    HANDLE file;
    char *text = NULL;
    LARGE_INTEGER length;

    dir[0] = 0;
    if (!RegOpenKeyExA(HKEY_LOCAL_MACHINE, "SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters",
                       0, KEY_QUERY_VALUE, &key)) {
        if (!RegQueryValueExA(key, "DataBasePath", NULL, &type, (BYTE *)raw, &size)
            && (type == REG_SZ || type == REG_EXPAND_SZ) && size < sizeof(raw)) {
            DWORD n;
            raw[size] = 0;
            n = ExpandEnvironmentStringsA(raw, dir, sizeof(dir));
            if (!n || n > sizeof(dir))
                dir[0] = 0;     /* longer than a path: the default directory */
        }
        RegCloseKey(key);
    }
    if (!dir[0]) {
        UINT n = GetSystemDirectoryA(dir, MAX_PATH - 16);
        if (!n || n >= MAX_PATH - 16)
            return NULL;
        strcat(dir, "\\drivers\\etc");
    }
    snprintf(path, sizeof(path), "%s\\%s", dir, name);
    file = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                       FILE_ATTRIBUTE_NORMAL, NULL);
    if (file == INVALID_HANDLE_VALUE)
        return NULL;
    /* a database is a few kilobytes; more than a megabyte is not one */
    if (GetFileSizeEx(file, &length) && length.QuadPart < (1 << 20)
        && (text = malloc((size_t)length.QuadPart + 1))) {
        if (ReadFile(file, text, (DWORD)length.QuadPart, &got, NULL))
            text[got] = 0;
        else {
            free(text);
            text = NULL;
        }
    }
    CloseHandle(file);
    return text;
}

/* The next line of *cursor as words (comment and blanks dropped), copied
 * into copy; 0 at the end of the text.  Lines without words give count 0. */
static int next_line(const char **cursor, char *copy, size_t copy_size, struct netdb_line *line)
{
    const char *p = *cursor, *end;
    size_t n;
    char *q;

    if (!*p)
        return 0;
    end = p + strcspn(p, "\n");
    *cursor = *end ? end + 1 : end;
    n = (size_t)(end - p);
    if (n >= copy_size)
        n = copy_size - 1;      /* a longer line keeps its first words */
    memcpy(copy, p, n);
    copy[n] = 0;
    if ((q = strchr(copy, '#')))
        *q = 0;
    /* split in place (strtok is not for threads) */
    line->count = 0;
    for (q = copy; *q && line->count < MAX_ALIASES + 2;) {
        q += strspn(q, " \t\r");
        if (!*q)
            break;
        line->words[line->count++] = q;
        q += strcspn(q, " \t\r");
        if (*q)
            *q++ = 0;
    }
    return 1;
}

/* Whether name is the entry's name (word 0) or one of its aliases (words 2...). */
static int line_names(const struct netdb_line *line, const char *name)
{
    int i;
    if (!_stricmp(line->words[0], name))
        return 1;
    for (i = 2; i < line->count; i++)
        if (!_stricmp(line->words[i], name))
            return 1;
    return 0;
}

/* Copies the entry's words into the thread's result: name, second word
 * (the number or port/protocol, for the caller), aliases. */
static char *store_words(struct netdb_result *r, const struct netdb_line *line, char **second)
{
    size_t used = 0;
    int i, a = 0;
    char *first = NULL;

    for (i = 0; i < line->count; i++) {
        size_t n = strlen(line->words[i]) + 1;
        char *at = r->text + used;
        if (used + n > sizeof(r->text))
            break;
        memcpy(at, line->words[i], n);
        used += n;
        if (i == 0)
            first = at;
        else if (i == 1)
            *second = at;
        else if (a < MAX_ALIASES)
            r->aliases[a++] = at;
    }
    r->aliases[a] = NULL;
    return first;
}

/* Runs match over the lines of the database file (or, when it cannot be
 * read, the built-in table): 1 with *found the first line that matches. */
typedef int (*line_match)(const struct netdb_line *line, const void *query);

static int search(const char *file_name, const char *builtin, line_match match, const void *query,
                  struct netdb_line *found, char *copy, size_t copy_size)
{
    char *text = read_database(file_name);
    const char *cursor = text ? text : builtin;
    int hit = 0;

    while (!hit && next_line(&cursor, copy, copy_size, found))
        hit = found->count >= 2 && match(found, query);
    free(text);
    return hit;
}

/* What every look-up checks before its answer, in Windows' order: started
 * (WSANOTINITIALISED), the caller's strings readable (WSAEFAULT; NULL ones
 * are not asked), a matching line (WSANO_DATA).  0 with the last error set
 * when one fails. */
static int find_line(const char *file_name, const char *builtin, line_match match,
                     const void *query, const char *text, const char *more_text,
                     struct netdb_line *found, char *copy, size_t copy_size)
{
    int err = process_started() ? 0 : WSANOTINITIALISED;

    if (!err && ((text && !api_readable(text, 1)) || (more_text && !api_readable(more_text, 1))))
        err = WSAEFAULT;
    if (!err && !search(file_name, builtin, match, query, found, copy, copy_size))
        err = WSANO_DATA;
    if (err)
        WSASetLastError(err);
    return !err;
}

/* ---- protocols ---------------------------------------------------------- */

struct proto_query { const char *name; int number; };

static int proto_matches(const struct netdb_line *line, const void *query)
{
    const struct proto_query *q = query;
    char *end;
    long number = strtol(line->words[1], &end, 10);
    if (*end)
        return 0;               /* not a protocol line */
    return q->name ? line_names(line, q->name) : number == q->number;
}

static struct protoent *find_protocol(const struct proto_query *q)
{
    struct netdb_line line;
    char copy[512], *number = NULL;
    struct netdb_thread *t;

    if (!find_line("protocol", netdb_builtin_protocol, proto_matches, q, q->name, NULL, &line, copy,
                   sizeof(copy)) || !(t = thread_results()))
        return NULL;
    t->proto.ent.p_name = store_words(&t->proto.r, &line, &number);
    t->proto.ent.p_aliases = t->proto.r.aliases;
    t->proto.ent.p_proto = (short)atoi(number);
    return &t->proto.ent;
}

struct protoent *impl_getprotobyname(const char *name)
{
    struct proto_query q = { name, 0 };
    if (!name) {
        WSASetLastError(process_started() ? WSAEFAULT : WSANOTINITIALISED);
        return NULL;
    }
    return find_protocol(&q);
}

struct protoent *impl_getprotobynumber(int number)
{
    struct proto_query q = { NULL, number };
    return find_protocol(&q);
}

/* ---- services ----------------------------------------------------------- */

struct serv_query { const char *name; int port; const char *proto; };

static int serv_matches(const struct netdb_line *line, const void *query)
{
    const struct serv_query *q = query;
    const char *slash = strchr(line->words[1], '/');
    char *end;
    long port = strtol(line->words[1], &end, 10);

    if (!slash || end != slash || port < 0 || port > 65535)
        return 0;               /* not a "port/protocol" line */
    if (q->proto && _stricmp(slash + 1, q->proto))
        return 0;
    return q->name ? line_names(line, q->name) : port == q->port;
}

static struct servent *find_service(const struct serv_query *q)
{
    struct netdb_line line;
    char copy[512], *port_proto = NULL, *slash;
    struct netdb_thread *t;

    if (!find_line("services", netdb_builtin_services, serv_matches, q, q->name, q->proto, &line,
                   copy, sizeof(copy)) || !(t = thread_results()))
        return NULL;
    t->serv.ent.s_name = store_words(&t->serv.r, &line, &port_proto);
    t->serv.ent.s_aliases = t->serv.r.aliases;
    slash = strchr(port_proto, '/');
    *slash = 0;
    t->serv.ent.s_port = impl_htons((u_short)atoi(port_proto));
    t->serv.ent.s_proto = slash + 1;
    return &t->serv.ent;
}

struct servent *impl_getservbyname(const char *name, const char *proto)
{
    struct serv_query q = { name, 0, proto };
    if (!name) {
        WSASetLastError(process_started() ? WSAEFAULT : WSANOTINITIALISED);
        return NULL;
    }
    return find_service(&q);
}

/* port is in network byte order, as in servent. */
struct servent *impl_getservbyport(int port, const char *proto)
{
    struct serv_query q = { NULL, impl_ntohs((u_short)port), proto };
    return find_service(&q);
}
