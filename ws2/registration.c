/*
 * registration.c - the store of CE 5.0-style provider registrations.
 *
 * The protocol (journal, commit counter, sequence-lock readers) is described
 * at the top of registration.h; this file follows it step by step.  Every
 * registry modification goes through one of the few "modify" helpers below,
 * which count it for the CEWS2_INSTALL_CRASH_AT test hook.
 */
#include "registration.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* A writer that cannot get the lock in this time reports ERROR_TIMEOUT
 * rather than hanging an installer forever. */
#define WRITER_LOCK_TIMEOUT_MS  30000

/* Readers retry this often while writers keep changing the set under them. */
#define READ_ATTEMPTS  200

/* ------------------------------------------------------------------------ */
/* The crash hook: terminate after the N-th modification.                   */

static LONG modification_count;
static LONG crash_at = -1;              /* -1: environment not read yet; 0: off */

static LONG crash_point_from_environment(void)
{
    WCHAR text[16];
    DWORD length = GetEnvironmentVariableW(CEWS2_INSTALL_CRASH_ENV, text, ARRAYSIZE(text));
    LONG value = 0;

    if (length == 0 || length >= ARRAYSIZE(text))
        return 0;
    for (DWORD i = 0; i < length; i++) {
        if (text[i] < L'0' || text[i] > L'9' || value > 100000000)
            return 0;
        value = value * 10 + (text[i] - L'0');
    }
    return value;
}

/* Called right after each successful registry modification. */
static void modified(void)
{
    LONG count;

    if (crash_at < 0)
        InterlockedCompareExchange(&crash_at, crash_point_from_environment(), -1);
    count = InterlockedIncrement(&modification_count);
    if (crash_at > 0 && count == crash_at)
        /* TerminateProcess, not ExitProcess: a killed process runs no
         * DLL detach code or atexit handlers, and neither should the test. */
        TerminateProcess(GetCurrentProcess(), CEWS2_INSTALL_CRASH_EXIT_CODE);
}

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

static int names_equal(const WCHAR *a, const WCHAR *b)
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

static int key_exists(HKEY parent, const WCHAR *name)
{
    HKEY key;

    if (RegOpenKeyExW(parent, name, 0, KEY_QUERY_VALUE, &key) != ERROR_SUCCESS)
        return 0;
    RegCloseKey(key);
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Modifications: each one counted for the crash hook.                      */

static LONG create_key(HKEY parent, const WCHAR *name, HKEY *key)
{
    DWORD disposition = 0;
    LONG error = RegCreateKeyExW(parent, name, 0, NULL, REG_OPTION_NON_VOLATILE,
                                 KEY_ALL_ACCESS, NULL, key, &disposition);

    if (error == ERROR_SUCCESS && disposition == REG_CREATED_NEW_KEY)
        modified();
    return error;
}

static LONG set_value(HKEY key, const WCHAR *name, DWORD type, const void *data, DWORD bytes)
{
    LONG error = RegSetValueExW(key, name, 0, type, data, bytes);

    if (error == ERROR_SUCCESS)
        modified();
    return error;
}

static LONG set_string_value(HKEY key, const WCHAR *name, const WCHAR *text)
{
    return set_value(key, name, REG_SZ, text, (DWORD)((wcslen(text) + 1) * sizeof(WCHAR)));
}

/* Deleting a value that is not there is success (and no modification). */
static LONG delete_value(HKEY key, const WCHAR *name)
{
    LONG error = RegDeleteValueW(key, name);

    if (error == ERROR_SUCCESS)
        modified();
    return error == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : error;
}

/*
 * Deletes parent\name and everything below it, one key at a time so that the
 * crash hook can interrupt it anywhere, as a real kill could.  A key that is
 * not there is success.
 */
static LONG delete_tree(HKEY parent, const WCHAR *name)
{
    WCHAR child[REGISTRATION_NAME_MAX + 1];
    HKEY key;
    LONG error = RegOpenKeyExW(parent, name, 0, KEY_ALL_ACCESS, &key);

    if (error == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS;
    if (error != ERROR_SUCCESS)
        return error;
    for (;;) {
        DWORD length = ARRAYSIZE(child);

        /* Always index 0: each deletion shifts the rest down. */
        error = RegEnumKeyExW(key, 0, child, &length, NULL, NULL, NULL, NULL);
        if (error == ERROR_NO_MORE_ITEMS)
            break;
        if (error == ERROR_SUCCESS)
            error = delete_tree(key, child);
        if (error != ERROR_SUCCESS) {
            RegCloseKey(key);
            return error;
        }
    }
    RegCloseKey(key);
    error = RegDeleteKeyW(parent, name);
    if (error == ERROR_SUCCESS)
        modified();
    return error == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : error;
}

/* Buffers big enough for any value name and value data of key. */
struct value_buffers {
    WCHAR *name;
    DWORD name_capacity;            /* in characters, NUL included */
    BYTE *data;
    DWORD data_capacity;            /* in bytes */
};

static LONG value_buffers_for(HKEY key, struct value_buffers *buffers)
{
    DWORD longest_name = 0, longest_data = 0;
    LONG error = RegQueryInfoKeyW(key, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                  &longest_name, &longest_data, NULL, NULL);

    if (error != ERROR_SUCCESS)
        return error;
    buffers->name_capacity = longest_name + 1;
    buffers->data_capacity = longest_data;
    buffers->name = allocate(buffers->name_capacity * sizeof(WCHAR));
    buffers->data = allocate(buffers->data_capacity);
    if (!buffers->name || !buffers->data) {
        release(buffers->name);
        release(buffers->data);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    return ERROR_SUCCESS;
}

static void value_buffers_free(struct value_buffers *buffers)
{
    release(buffers->name);
    release(buffers->data);
}

/* Creates destination_parent\name as a copy of source: values and subkeys. */
static LONG copy_tree(HKEY source, HKEY destination_parent, const WCHAR *name)
{
    struct value_buffers buffers;
    WCHAR child[REGISTRATION_NAME_MAX + 1];
    HKEY destination = NULL, source_child;
    LONG error = value_buffers_for(source, &buffers);

    if (error != ERROR_SUCCESS)
        return error;
    error = create_key(destination_parent, name, &destination);
    for (DWORD index = 0; error == ERROR_SUCCESS; index++) {
        DWORD name_length = buffers.name_capacity, bytes = buffers.data_capacity, type;

        error = RegEnumValueW(source, index, buffers.name, &name_length, NULL, &type,
                              buffers.data, &bytes);
        if (error == ERROR_NO_MORE_ITEMS) {
            error = ERROR_SUCCESS;
            break;
        }
        if (error == ERROR_SUCCESS)
            error = set_value(destination, buffers.name, type, buffers.data, bytes);
    }
    for (DWORD index = 0; error == ERROR_SUCCESS; index++) {
        DWORD length = ARRAYSIZE(child);

        error = RegEnumKeyExW(source, index, child, &length, NULL, NULL, NULL, NULL);
        if (error == ERROR_NO_MORE_ITEMS) {
            error = ERROR_SUCCESS;
            break;
        }
        if (error == ERROR_SUCCESS)
            error = RegOpenKeyExW(source, child, 0, KEY_READ, &source_child);
        if (error == ERROR_SUCCESS) {
            error = copy_tree(source_child, destination, child);
            RegCloseKey(source_child);
        }
    }
    if (destination)
        RegCloseKey(destination);
    value_buffers_free(&buffers);
    return error;
}

/* ------------------------------------------------------------------------ */
/* Comparing trees, so that applying a journal leaves unchanged keys alone. */

/* Equal counts, and every value and subkey of a found equal in b, make the
 * trees equal: names are unique within a key, so that is a bijection. */
static int trees_equal(HKEY a, HKEY b)
{
    DWORD a_subkeys, a_values, b_subkeys, b_values;
    struct value_buffers buffers;
    WCHAR child[REGISTRATION_NAME_MAX + 1];
    BYTE *other = NULL;
    int equal = 1;

    if (RegQueryInfoKeyW(a, NULL, NULL, NULL, &a_subkeys, NULL, NULL, &a_values,
                         NULL, NULL, NULL, NULL) != ERROR_SUCCESS
        || RegQueryInfoKeyW(b, NULL, NULL, NULL, &b_subkeys, NULL, NULL, &b_values,
                            NULL, NULL, NULL, NULL) != ERROR_SUCCESS
        || a_subkeys != b_subkeys || a_values != b_values
        || value_buffers_for(a, &buffers) != ERROR_SUCCESS)
        return 0;
    other = allocate(buffers.data_capacity);
    if (!other)
        equal = 0;
    for (DWORD index = 0; equal && index < a_values; index++) {
        DWORD name_length = buffers.name_capacity, bytes = buffers.data_capacity, type;
        DWORD other_bytes = buffers.data_capacity, other_type;

        equal = RegEnumValueW(a, index, buffers.name, &name_length, NULL, &type,
                              buffers.data, &bytes) == ERROR_SUCCESS
             && RegQueryValueExW(b, buffers.name, NULL, &other_type, other,
                                 &other_bytes) == ERROR_SUCCESS
             && type == other_type && bytes == other_bytes
             && memcmp(buffers.data, other, bytes) == 0;
    }
    for (DWORD index = 0; equal && index < a_subkeys; index++) {
        DWORD length = ARRAYSIZE(child);
        HKEY a_child, b_child;

        equal = RegEnumKeyExW(a, index, child, &length, NULL, NULL, NULL, NULL) == ERROR_SUCCESS
             && RegOpenKeyExW(a, child, 0, KEY_READ, &a_child) == ERROR_SUCCESS;
        if (!equal)
            break;
        equal = RegOpenKeyExW(b, child, 0, KEY_READ, &b_child) == ERROR_SUCCESS;
        if (equal) {
            equal = trees_equal(a_child, b_child);
            RegCloseKey(b_child);
        }
        RegCloseKey(a_child);
    }
    release(other);
    value_buffers_free(&buffers);
    return equal;
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
static LONG read_sequence(DWORD *sequence)
{
    DWORD type, bytes = sizeof(*sequence);
    HKEY root;
    LONG error = RegOpenKeyExW(HKEY_LOCAL_MACHINE, REGISTRATION_ROOT_KEY, 0, KEY_QUERY_VALUE, &root);

    *sequence = 0;
    if (error == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS;
    if (error != ERROR_SUCCESS)
        return error;
    error = RegQueryValueExW(root, REGISTRATION_SEQUENCE_VALUE, NULL, &type, (BYTE *)sequence, &bytes);
    RegCloseKey(root);
    if (error == ERROR_SUCCESS && (type != REG_DWORD || bytes != sizeof(DWORD)))
        *sequence = 0;
    if (error == ERROR_FILE_NOT_FOUND || error == ERROR_MORE_DATA) {
        *sequence = 0;
        error = ERROR_SUCCESS;
    }
    return error;
}

static int is_committed(DWORD sequence)
{
    return sequence & 1;
}

/* ------------------------------------------------------------------------ */
/* Reading the effective set.                                               */

/* Reads the set under HKLM\path; a missing key is an empty set. */
static LONG read_set_at(const WCHAR *path, struct registration **list, size_t *count)
{
    HKEY key;
    LONG error = RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, KEY_READ, &key);

    *list = NULL;
    *count = 0;
    if (error == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS;
    if (error != ERROR_SUCCESS)
        return error;
    error = read_set(key, list, count);
    RegCloseKey(key);
    return error;
}

int registration_read_all(struct registration **list, size_t *count)
{
    *list = NULL;
    *count = 0;
    for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
        struct registration *registrations = NULL;
        size_t found = 0;
        DWORD before, after;
        LONG error = read_sequence(&before);

        if (error != ERROR_SUCCESS)
            return error;
        if (is_committed(before) && key_exists(HKEY_LOCAL_MACHINE, REGISTRATION_JOURNAL_KEY))
            error = read_set_at(REGISTRATION_JOURNAL_KEY, &registrations, &found);
        else
            /* Even, or odd with the journal gone (only by outside tampering:
             * writers delete it after leaving the odd state); then LSP is
             * all there is, and recovery will agree. */
            error = read_set_at(CEWS2_LSP_KEY, &registrations, &found);
        if (read_sequence(&after) == ERROR_SUCCESS && after == before) {
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

void registration_free(struct registration *list)
{
    release(list);
}

struct registration *registration_find(struct registration *list, size_t count, const WCHAR *name)
{
    for (size_t i = 0; i < count; i++)
        if (names_equal(list[i].name, name))
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

/* ------------------------------------------------------------------------ */
/* Writing.                                                                 */

int registration_lock(HANDLE *lock)
{
    HANDLE mutex = CreateMutexW(NULL, FALSE, REGISTRATION_WRITER_MUTEX);
    DWORD waited;

    *lock = NULL;
    if (!mutex)
        return GetLastError();
    waited = WaitForSingleObject(mutex, WRITER_LOCK_TIMEOUT_MS);
    /* WAIT_ABANDONED: the previous writer was killed while writing; we own
     * the mutex now, and recovery deals with what it left. */
    if (waited == WAIT_OBJECT_0 || waited == WAIT_ABANDONED) {
        *lock = mutex;
        return ERROR_SUCCESS;
    }
    waited = waited == WAIT_TIMEOUT ? ERROR_TIMEOUT : GetLastError();
    CloseHandle(mutex);
    return waited;
}

void registration_unlock(HANDLE lock)
{
    if (lock) {
        ReleaseMutex(lock);
        CloseHandle(lock);
    }
}

/* Whether parent has a subkey spelled exactly name (lookups ignore case). */
static int has_subkey_spelled(HKEY parent, const WCHAR *name)
{
    WCHAR spelled[REGISTRATION_NAME_MAX + 1];
    DWORD length = ARRAYSIZE(spelled);

    for (DWORD index = 0; RegEnumKeyExW(parent, index, spelled, &length, NULL, NULL, NULL,
                                        NULL) == ERROR_SUCCESS; index++) {
        if (wcscmp(spelled, name) == 0)
            return 1;
        length = ARRAYSIZE(spelled);
    }
    return 0;
}

/* Step 5: make LSP equal to the journal.  Idempotent.  Keys already equal
 * to their journal copy are left alone, so installing one provider touches
 * only that provider's key. */
static LONG apply_journal(HKEY root, HKEY journal)
{
    WCHAR name[REGISTRATION_NAME_MAX + 1];
    HKEY lsp, journal_entry, lsp_entry;
    LONG error = create_key(root, L"LSP", &lsp);

    if (error != ERROR_SUCCESS)
        return error;
    /* Drop the registrations the new set lacks.  Restart the enumeration
     * after each deletion, since deleting shifts the indexes. */
    for (DWORD index = 0; error == ERROR_SUCCESS;) {
        DWORD length = ARRAYSIZE(name);

        error = RegEnumKeyExW(lsp, index, name, &length, NULL, NULL, NULL, NULL);
        if (error == ERROR_NO_MORE_ITEMS) {
            error = ERROR_SUCCESS;
            break;
        }
        if (error != ERROR_SUCCESS)
            break;
        if (key_exists(journal, name))
            index++;
        else
            error = delete_tree(lsp, name);
    }
    /* Replace the others by the journal's copies. */
    for (DWORD index = 0; error == ERROR_SUCCESS; index++) {
        DWORD length = ARRAYSIZE(name);
        int same = 0;

        error = RegEnumKeyExW(journal, index, name, &length, NULL, NULL, NULL, NULL);
        if (error == ERROR_NO_MORE_ITEMS) {
            error = ERROR_SUCCESS;
            break;
        }
        if (error == ERROR_SUCCESS)
            error = RegOpenKeyExW(journal, name, 0, KEY_READ, &journal_entry);
        if (error != ERROR_SUCCESS)
            break;
        if (RegOpenKeyExW(lsp, name, 0, KEY_READ, &lsp_entry) == ERROR_SUCCESS) {
            /* Same content, and the same spelling of the name: a reinstall
             * under a differently capitalised name renames the key. */
            same = trees_equal(journal_entry, lsp_entry) && has_subkey_spelled(lsp, name);
            RegCloseKey(lsp_entry);
        }
        if (!same) {
            error = delete_tree(lsp, name);
            if (error == ERROR_SUCCESS)
                error = copy_tree(journal_entry, lsp, name);
        }
        RegCloseKey(journal_entry);
    }
    RegCloseKey(lsp);
    return error;
}

/* Steps 5-7 for a committed journal; for an odd counter whose journal has
 * vanished, just returns to even (LSP stays as it is). */
static LONG roll_forward(HKEY root, DWORD sequence)
{
    HKEY journal;
    LONG error = RegOpenKeyExW(root, L"LSP.journal", 0, KEY_READ, &journal);

    if (error == ERROR_SUCCESS) {
        error = apply_journal(root, journal);
        RegCloseKey(journal);
    } else if (error == ERROR_FILE_NOT_FOUND) {
        error = ERROR_SUCCESS;
    }
    if (error == ERROR_SUCCESS) {
        sequence++;
        error = set_value(root, REGISTRATION_SEQUENCE_VALUE, REG_DWORD, &sequence, sizeof(sequence));
    }
    if (error == ERROR_SUCCESS)
        error = delete_tree(root, L"LSP.journal");
    return error;
}

/* With the lock held: leave LSP as the only effective set. */
static LONG recover_locked(HKEY root)
{
    DWORD sequence;
    LONG error = read_sequence(&sequence);

    if (error != ERROR_SUCCESS)
        return error;
    if (is_committed(sequence))
        return roll_forward(root, sequence);
    /* Uncommitted journal: a writer died before its commit; discard it. */
    return delete_tree(root, L"LSP.journal");
}

int registration_recover(void)
{
    HANDLE lock;
    DWORD sequence;
    HKEY root;
    LONG error = read_sequence(&sequence);

    /* Nothing to do needs no write access: readers without it can call this. */
    if (error != ERROR_SUCCESS)
        return error;
    if (!is_committed(sequence) && !key_exists(HKEY_LOCAL_MACHINE, REGISTRATION_JOURNAL_KEY))
        return ERROR_SUCCESS;

    error = registration_lock(&lock);
    if (error != ERROR_SUCCESS)
        return error;
    error = RegOpenKeyExW(HKEY_LOCAL_MACHINE, REGISTRATION_ROOT_KEY, 0, KEY_ALL_ACCESS, &root);
    if (error == ERROR_SUCCESS) {
        error = recover_locked(root);
        RegCloseKey(root);
    }
    registration_unlock(lock);
    return error;
}

/* Step 3: one registration into the journal. */
static LONG journal_registration(HKEY lsp, HKEY journal, const struct registration *registration)
{
    WCHAR entry[REGISTRATION_ENTRY_MAX + 1];
    HKEY existing, key;
    LONG error = ERROR_SUCCESS;
    size_t i;

    /* Start from the key as it is, so values we do not own survive. */
    if (lsp && RegOpenKeyExW(lsp, registration->name, 0, KEY_READ, &existing) == ERROR_SUCCESS) {
        error = copy_tree(existing, journal, registration->name);
        RegCloseKey(existing);
    } else if (registration->problem != REGISTRATION_OK) {
        return ERROR_INVALID_PARAMETER;     /* nothing to carry over */
    }
    if (error != ERROR_SUCCESS || registration->problem != REGISTRATION_OK)
        return error;

    error = create_key(journal, registration->name, &key);
    if (error != ERROR_SUCCESS)
        return error;
    error = set_string_value(key, L"Dll", registration->dll);
    if (error == ERROR_SUCCESS) {
        if (registration->order == CEWS2_DEFAULT_ORDER)
            error = delete_value(key, L"Order");
        else
            error = set_value(key, L"Order", REG_DWORD, &registration->order, sizeof(DWORD));
    }
    if (error == ERROR_SUCCESS) {
        if (strcmp(registration->entry, CEWS2_DEFAULT_ENTRY) == 0) {
            error = delete_value(key, L"Entry");
        } else {
            for (i = 0; registration->entry[i]; i++)
                entry[i] = (unsigned char)registration->entry[i];
            entry[i] = 0;
            error = set_string_value(key, L"Entry", entry);
        }
    }
    RegCloseKey(key);
    return error;
}

static LONG write_locked(HKEY root, const struct registration *list, size_t count)
{
    DWORD sequence;
    HKEY lsp = NULL, journal;
    LONG error = read_sequence(&sequence);

    if (error == ERROR_SUCCESS && is_committed(sequence))
        error = ERROR_INVALID_STATE;        /* recovery should have left it even */
    /* Step 3: the complete new set into a fresh journal. */
    if (error == ERROR_SUCCESS)
        error = delete_tree(root, L"LSP.journal");
    if (error == ERROR_SUCCESS)
        error = create_key(root, L"LSP.journal", &journal);
    if (error != ERROR_SUCCESS)
        return error;
    if (RegOpenKeyExW(root, L"LSP", 0, KEY_READ, &lsp) != ERROR_SUCCESS)
        lsp = NULL;
    for (size_t i = 0; i < count && error == ERROR_SUCCESS; i++)
        error = journal_registration(lsp, journal, &list[i]);
    if (lsp)
        RegCloseKey(lsp);
    if (error != ERROR_SUCCESS) {
        RegCloseKey(journal);
        delete_tree(root, L"LSP.journal");  /* uncommitted: harmless if this fails too */
        return error;
    }

    /* Step 4, the commit: one atomic value write. */
    sequence++;
    error = set_value(root, REGISTRATION_SEQUENCE_VALUE, REG_DWORD, &sequence, sizeof(sequence));
    if (error == ERROR_SUCCESS)
        error = apply_journal(root, journal);               /* step 5 */
    RegCloseKey(journal);
    if (error == ERROR_SUCCESS) {
        sequence++;                                         /* step 6 */
        error = set_value(root, REGISTRATION_SEQUENCE_VALUE, REG_DWORD, &sequence, sizeof(sequence));
    }
    if (error == ERROR_SUCCESS)
        error = delete_tree(root, L"LSP.journal");          /* step 7 */
    if (error == ERROR_SUCCESS)
        /* Durability, not atomicity: a hive is saved as a whole snapshot,
         * and every snapshot of this protocol is consistent. */
        RegFlushKey(root);
    return error;
}

static int valid_for_writing(const struct registration *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        struct registration name_only = list[i];

        if (list[i].problem == REGISTRATION_OK) {
            if (registration_validate(&list[i]) != REGISTRATION_OK)
                return 0;
        } else {
            /* Carried over: only the name has to make sense. */
            wcscpy(name_only.dll, L"x");
            strcpy(name_only.entry, "x");
            if (registration_validate(&name_only) != REGISTRATION_OK)
                return 0;
        }
        for (size_t j = 0; j < i; j++)
            if (names_equal(list[i].name, list[j].name))
                return 0;
    }
    return 1;
}

int registration_write_all(const struct registration *list, size_t count)
{
    HANDLE lock;
    HKEY root;
    LONG error;

    if (count && !list)
        return ERROR_INVALID_PARAMETER;
    if (!valid_for_writing(list, count))
        return ERROR_INVALID_PARAMETER;
    error = registration_lock(&lock);
    if (error != ERROR_SUCCESS)
        return error;
    error = create_key(HKEY_LOCAL_MACHINE, REGISTRATION_ROOT_KEY, &root);
    if (error == ERROR_SUCCESS) {
        error = recover_locked(root);
        if (error == ERROR_SUCCESS)
            error = write_locked(root, list, count);
        RegCloseKey(root);
    }
    registration_unlock(lock);
    return error;
}
