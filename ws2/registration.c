/*
 * registration.c - the store of CE 5.0-style provider registrations.
 *
 * The protocol (journal, commit counter, sequence-lock readers) is described
 * at the top of registration.h; this file holds the store's key and commit
 * counter and the readers' side of it (reading a set, the effective set,
 * validation), for whichever root (regroot.h) it is given.  The writers'
 * side (lock, recovery, writing) is registration_write.c.
 */
#include "registration.h"
#include "registration_store.h"

#include "oldroot.h"

#include <sddl.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* Readers retry this often while writers keep changing the set under them. */
#define READ_ATTEMPTS  200

/* ------------------------------------------------------------------------ */
/* Small helpers.                                                           */

static void *allocate(size_t bytes)
{
    return HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, bytes ? bytes : 1);
}

static void release(void *block)
{
    if (block)
        HeapFree(GetProcessHeap(), 0, block);
}

int registration_names_equal(const WCHAR *a, const WCHAR *b)
{
    /* Registry key names compare case-insensitively, independent of locale. */
    return CompareStringOrdinal(a, -1, b, -1, TRUE) == CSTR_EQUAL;
}

static int compare_registrations(const void *left, const void *right)
{
    const struct registration *a = left, *b = right;

    if (a->order != b->order)
        return a->order < b->order ? -1 : 1;
    return CompareStringOrdinal(a->name, -1, b->name, -1, TRUE) - CSTR_EQUAL;
}

/* A store's Comm\WS2 key (LSP, LSP.journal and LspSequence are in it). */
LONG registration_open_store(enum regroot_scope scope, REGSAM access, HKEY *key)
{
    return regroot_open(scope, CEWS2_WS2_SUBKEY, access, key);
}

/* ------------------------------------------------------------------------ */
/* Reading one registration and one set.                                    */

/* One value as the portable parser wants it: type and bytes, or absent, or
 * unreadable (*error set).  Values bigger than REGISTRATION_ABSURD_VALUE_BYTES
 * are not read (data NULL, bytes their size).  *data is the caller's to
 * release. */
static void read_raw_value(HKEY key, const WCHAR *name, struct registration_raw_value *value,
                           BYTE **data, DWORD *error)
{
    BYTE *buffer = NULL;
    DWORD type = 0, bytes = 0;

    memset(value, 0, sizeof(*value));
    *data = NULL;
    for (int attempt = 0; attempt < 4; attempt++) {
        *error = RegQueryValueExW(key, name, NULL, &type, NULL, &bytes);
        if (*error != ERROR_SUCCESS)
            break;
        if (bytes > REGISTRATION_ABSURD_VALUE_BYTES)
            break;
        release(buffer);
        /* two spare zero bytes: the parser reads an odd last byte as a unit */
        buffer = allocate(bytes + sizeof(WCHAR));
        if (!buffer) {
            *error = ERROR_NOT_ENOUGH_MEMORY;
            break;
        }
        *error = RegQueryValueExW(key, name, NULL, &type, buffer, &bytes);
        if (*error != ERROR_MORE_DATA)      /* MORE_DATA: it grew meanwhile; again */
            break;
    }
    if (*error == ERROR_FILE_NOT_FOUND) {
        release(buffer);
        return;
    }
    if (*error != ERROR_SUCCESS) {
        release(buffer);
        value->present = 1;
        value->unreadable = 1;
        return;
    }
    value->present = 1;
    value->type = type;
    value->bytes = bytes;
    value->data = bytes > REGISTRATION_ABSURD_VALUE_BYTES ? NULL : buffer;
    if (!value->data)
        release(buffer);
    else
        *data = buffer;
}

_Static_assert(REGISTRATION_DLL_MAX == MAX_PATH - 1, "Dll must fit a MAX_PATH buffer");
_Static_assert(REGISTRATION_DEFAULT_ORDER == CEWS2_DEFAULT_ORDER, "default Order");
_Static_assert(sizeof(WCHAR) == sizeof(uint16_t), "WCHAR is a UTF-16 code unit");
_Static_assert(REG_SZ == REGISTRATION_TYPE_SZ && REG_DWORD == REGISTRATION_TYPE_DWORD, "REG types");

static void fields_to_registration(const struct registration_fields *fields,
                                   struct registration *registration)
{
    memcpy(registration->name, fields->name, sizeof(registration->name));
    memcpy(registration->dll, fields->dll, sizeof(registration->dll));
    registration->order = fields->order;
    memcpy(registration->entry, fields->entry, sizeof(registration->entry));
}

static void registration_to_fields(const struct registration *registration,
                                   struct registration_fields *fields)
{
    memcpy(fields->name, registration->name, sizeof(fields->name));
    memcpy(fields->dll, registration->dll, sizeof(fields->dll));
    fields->order = registration->order;
    memcpy(fields->entry, registration->entry, sizeof(fields->entry));
}

static void read_registration(HKEY set_key, const WCHAR *name, struct registration *registration)
{
    static const WCHAR *const value_names[3] = { L"Dll", L"Order", L"Entry" };
    struct registration_raw_value values[3];
    struct registration_fields fields;
    BYTE *data[3] = { NULL, NULL, NULL };
    DWORD error;
    HKEY key;

    memset(registration, 0, sizeof(*registration));
    lstrcpynW(registration->name, name, ARRAYSIZE(registration->name));
    registration->order = CEWS2_DEFAULT_ORDER;
    strcpy(registration->entry, CEWS2_DEFAULT_ENTRY);

    error = RegOpenKeyExW(set_key, name, 0, KEY_QUERY_VALUE, &key);
    if (error != ERROR_SUCCESS) {
        registration->problem = REGISTRATION_UNREADABLE;
        registration->read_error = error;
        return;
    }
    for (int i = 0; i < 3; i++) {
        read_raw_value(key, value_names[i], &values[i], &data[i], &error);
        if (values[i].unreadable)
            registration->read_error = error;     /* the last one that failed */
    }
    RegCloseKey(key);

    registration->problem = registration_parse_values((const uint16_t *)name, wcslen(name),
                                                      &values[0], &values[1], &values[2], &fields);
    fields_to_registration(&fields, registration);
    for (int i = 0; i < 3; i++)
        release(data[i]);
}

/* Reads every registration under set_key, sorted.  Fails only if the
 * subkeys cannot be enumerated or memory runs out; a registration that
 * cannot be read is returned as REGISTRATION_UNREADABLE. */
static LONG read_set(HKEY set_key, struct registration **list, size_t *count)
{
    struct registration *registrations = NULL;
    size_t used = 0, capacity = 0;
    WCHAR name[REGISTRATION_NAME_MAX + 1];
    LONG error = ERROR_SUCCESS;

    for (DWORD index = 0;; index++) {
        DWORD length = ARRAYSIZE(name);

        error = RegEnumKeyExW(set_key, index, name, &length, NULL, NULL, NULL, NULL);
        if (error == ERROR_NO_MORE_ITEMS) {
            error = ERROR_SUCCESS;
            break;
        }
        if (error != ERROR_SUCCESS)
            break;
        if (used == capacity) {
            size_t bigger = capacity ? capacity * 2 : 8;
            struct registration *grown = allocate(bigger * sizeof(*grown));

            if (!grown) {
                error = ERROR_NOT_ENOUGH_MEMORY;
                break;
            }
            if (registrations)
                memcpy(grown, registrations, used * sizeof(*grown));
            release(registrations);
            registrations = grown;
            capacity = bigger;
        }
        read_registration(set_key, name, &registrations[used++]);
    }
    if (error != ERROR_SUCCESS) {
        release(registrations);
        return error;
    }
    if (used)
        qsort(registrations, used, sizeof(*registrations), compare_registrations);
    else {
        release(registrations);
        registrations = NULL;
    }
    *list = registrations;
    *count = used;
    return ERROR_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* The commit counter.                                                      */

/* Absent (or, if someone damaged it, not a DWORD) reads as 0: even. */
LONG registration_read_sequence(enum regroot_scope scope, DWORD *sequence)
{
    DWORD type, bytes = sizeof(*sequence);
    HKEY store;
    LONG error = registration_open_store(scope, KEY_QUERY_VALUE, &store);

    *sequence = 0;
    if (error == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS;
    if (error != ERROR_SUCCESS)
        return error;
    error = RegQueryValueExW(store, REGISTRATION_SEQUENCE_VALUE, NULL, &type, (BYTE *)sequence, &bytes);
    RegCloseKey(store);
    if (error == ERROR_SUCCESS && (type != REG_DWORD || bytes != sizeof(DWORD)))
        *sequence = 0;
    if (error == ERROR_FILE_NOT_FOUND || error == ERROR_MORE_DATA) {
        *sequence = 0;
        error = ERROR_SUCCESS;
    }
    return error;
}

int registration_is_committed(DWORD sequence)
{
    return sequence & 1;
}

/* Whether the store has a journal (committed or not). */
int registration_journal_exists(enum regroot_scope scope)
{
    HKEY store;
    int exists;

    if (registration_open_store(scope, KEY_QUERY_VALUE, &store) != ERROR_SUCCESS)
        return 0;
    exists = regtree_key_exists(store, REGISTRATION_JOURNAL_KEY);
    RegCloseKey(store);
    return exists;
}

/* ------------------------------------------------------------------------ */
/* Reading the effective set.                                               */

/* Reads the set in the store's key set_name (LSP or LSP.journal); a missing
 * key is an empty set. */
static LONG read_set_at(enum regroot_scope scope, const WCHAR *set_name,
                        struct registration **list, size_t *count)
{
    HKEY store, key;
    LONG error = registration_open_store(scope, KEY_READ, &store);

    *list = NULL;
    *count = 0;
    if (error == ERROR_SUCCESS) {
        error = RegOpenKeyExW(store, set_name, 0, KEY_READ, &key);
        RegCloseKey(store);
    }
    if (error == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS;
    if (error != ERROR_SUCCESS)
        return error;
    error = read_set(key, list, count);
    RegCloseKey(key);
    for (size_t i = 0; i < *count; i++)
        (*list)[i].source = scope;
    return error;
}

int registration_read_all(enum regroot_scope scope, struct registration **list, size_t *count)
{
    *list = NULL;
    *count = 0;
    for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
        struct registration *registrations = NULL;
        size_t found = 0;
        DWORD before, after;
        LONG error = registration_read_sequence(scope, &before);

        if (error != ERROR_SUCCESS)
            return error;
        if (registration_is_committed(before) && registration_journal_exists(scope))
            error = read_set_at(scope, REGISTRATION_JOURNAL_KEY, &registrations, &found);
        else
            /* Even, or odd with the journal gone (only by outside tampering:
             * writers delete it after leaving the odd state); then LSP is
             * all there is, and recovery will agree. */
            error = read_set_at(scope, REGISTRATION_SET_KEY, &registrations, &found);
        if (registration_read_sequence(scope, &after) == ERROR_SUCCESS && after == before) {
            *list = registrations;
            *count = found;
            return error;
        }
        /* A writer moved on while we read: what we read may be a mixture. */
        registration_free(registrations);
        Sleep(attempt < 10 ? 0 : 1);
    }
    return ERROR_BUSY;
}

int registration_read_effective(struct registration **list, size_t *count,
                                DWORD *user_error, DWORD *machine_error)
{
    struct registration *user = NULL, *machine = NULL, *merged;
    size_t user_count = 0, machine_count = 0, used = 0;

    *list = NULL;
    *count = 0;
    /* Each root is read consistently on its own; writers change one root at
     * a time, so the pair is as consistent as any two sets can be. */
    *user_error = registration_read_all(REGROOT_USER, &user, &user_count);
    *machine_error = registration_read_all(REGROOT_MACHINE, &machine, &machine_count);
    if (user_count + machine_count == 0)
        return ERROR_SUCCESS;
    merged = allocate((user_count + machine_count) * sizeof(*merged));
    if (!merged) {
        registration_free(user);
        registration_free(machine);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    /* Every per-user registration; a machine one only if no per-user one
     * has its name (malformed per-user ones too: a per-user mistake must
     * show, not bring back the machine's registration). */
    for (size_t i = 0; i < user_count; i++)
        merged[used++] = user[i];
    for (size_t i = 0; i < machine_count; i++)
        if (!registration_find(user, user_count, machine[i].name))
            merged[used++] = machine[i];
    registration_free(user);
    registration_free(machine);
    qsort(merged, used, sizeof(*merged), compare_registrations);
    *list = merged;
    *count = used;
    return ERROR_SUCCESS;
}

void registration_free(struct registration *list)
{
    release(list);
}

struct registration *registration_find(struct registration *list, size_t count, const WCHAR *name)
{
    for (size_t i = 0; i < count; i++)
        if (registration_names_equal(list[i].name, name))
            return &list[i];
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Validation.                                                              */

enum registration_problem registration_validate(const struct registration *registration)
{
    struct registration_fields fields;

    registration_to_fields(registration, &fields);
    return registration_validate_fields(&fields);
}

const WCHAR *registration_problem_text(enum registration_problem problem)
{
    switch (problem) {
    case REGISTRATION_OK:                   return L"ok";
    case REGISTRATION_NAME_EMPTY:           return L"the registration name is empty";
    case REGISTRATION_NAME_TOO_LONG:        return L"the registration name is longer than 255 characters";
    case REGISTRATION_NAME_HAS_BACKSLASH:   return L"the registration name contains a backslash";
    case REGISTRATION_DLL_ABSENT:           return L"the Dll value is missing";
    case REGISTRATION_DLL_WRONG_TYPE:       return L"the Dll value is not of type REG_SZ";
    case REGISTRATION_DLL_EMPTY:            return L"the Dll value is empty";
    case REGISTRATION_DLL_TOO_LONG:         return L"the Dll value is longer than MAX_PATH - 1 characters";
    case REGISTRATION_ORDER_WRONG_TYPE:     return L"the Order value is not of type REG_DWORD";
    case REGISTRATION_ENTRY_WRONG_TYPE:     return L"the Entry value is not of type REG_SZ";
    case REGISTRATION_ENTRY_EMPTY:          return L"the Entry value is empty";
    case REGISTRATION_ENTRY_TOO_LONG:       return L"the Entry value is longer than 255 characters";
    case REGISTRATION_ENTRY_NOT_PRINTABLE_ASCII:
        return L"the Entry value is not an export name (printable ASCII without spaces)";
    case REGISTRATION_UNREADABLE:           return L"the registration could not be read";
    }
    return L"unknown problem";
}

