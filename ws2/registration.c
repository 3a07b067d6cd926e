/*
 * registration.c - the store of CE 5.0-style provider registrations.
 *
 * The protocol (journal, commit counter, sequence-lock readers) is described
 * at the top of registration.h; this file follows it step by step, for
 * whichever root (regroot.h) it is given.  Every registry modification goes
 * through regtree.h, which counts it for the CEWS2_INSTALL_CRASH_AT test
 * hook.
 */
#include "registration.h"

#include "oldroot.h"

#include <sddl.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* A writer that cannot get the lock in this time reports ERROR_TIMEOUT
 * rather than hanging an installer forever. */
#define WRITER_LOCK_TIMEOUT_MS  30000

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

/* A store's Comm\WS2 key (LSP, LSP.journal and LspSequence are in it). */
static LONG open_store(enum regroot_scope scope, REGSAM access, HKEY *key)
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
static LONG read_sequence(enum regroot_scope scope, DWORD *sequence)
{
    DWORD type, bytes = sizeof(*sequence);
    HKEY store;
    LONG error = open_store(scope, KEY_QUERY_VALUE, &store);

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

static int is_committed(DWORD sequence)
{
    return sequence & 1;
}

/* Whether the store has a journal (committed or not). */
static int journal_exists(enum regroot_scope scope)
{
    HKEY store;
    int exists;

    if (open_store(scope, KEY_QUERY_VALUE, &store) != ERROR_SUCCESS)
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
    LONG error = open_store(scope, KEY_READ, &store);

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
        LONG error = read_sequence(scope, &before);

        if (error != ERROR_SUCCESS)
            return error;
        if (is_committed(before) && journal_exists(scope))
            error = read_set_at(scope, REGISTRATION_JOURNAL_KEY, &registrations, &found);
        else
            /* Even, or odd with the journal gone (only by outside tampering:
             * writers delete it after leaving the odd state); then LSP is
             * all there is, and recovery will agree. */
            error = read_set_at(scope, REGISTRATION_SET_KEY, &registrations, &found);
        if (read_sequence(scope, &after) == ERROR_SUCCESS && after == before) {
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

/* The per-user root's mutex name: REGISTRATION_WRITER_MUTEX ".User.<SID>",
 * so that each user's writers are serialised across sessions and never
 * wait for another user's (or for the machine root's). */
static int user_mutex_name(WCHAR *name, size_t capacity)
{
    BYTE buffer[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
    TOKEN_USER *user = (TOKEN_USER *)buffer;
    DWORD bytes = sizeof(buffer);
    WCHAR *sid = NULL;
    HANDLE token;
    int ok;

    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
        return 0;
    ok = GetTokenInformation(token, TokenUser, user, bytes, &bytes)
      && ConvertSidToStringSidW(user->User.Sid, &sid);
    CloseHandle(token);
    if (!ok)
        return 0;
    ok = _snwprintf(name, capacity, L"%ls.User.%ls", REGISTRATION_WRITER_MUTEX, sid) > 0;
    name[capacity - 1] = 0;
    LocalFree(sid);
    return ok;
}

int registration_lock(enum regroot_scope scope, HANDLE *lock)
{
    WCHAR name[256];
    HANDLE mutex;
    DWORD waited;

    *lock = NULL;
    if (scope == REGROOT_USER) {
        if (!user_mutex_name(name, ARRAYSIZE(name)))
            return GetLastError() ? GetLastError() : ERROR_INVALID_SID;
    } else {
        wcscpy(name, REGISTRATION_WRITER_MUTEX);
    }
    mutex = CreateMutexW(NULL, FALSE, name);
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
static LONG apply_journal(HKEY store, HKEY journal)
{
    WCHAR name[REGISTRATION_NAME_MAX + 1];
    HKEY lsp, journal_entry, lsp_entry;
    LONG error = regtree_create_key(store, REGISTRATION_SET_KEY, &lsp);

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
        if (regtree_key_exists(journal, name))
            index++;
        else
            error = regtree_delete(lsp, name);
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
            same = regtree_equal(journal_entry, lsp_entry) && has_subkey_spelled(lsp, name);
            RegCloseKey(lsp_entry);
        }
        if (!same) {
            error = regtree_delete(lsp, name);
            if (error == ERROR_SUCCESS)
                error = regtree_copy(journal_entry, lsp, name);
        }
        RegCloseKey(journal_entry);
    }
    RegCloseKey(lsp);
    return error;
}

/* Whether a journal carries the REGISTRATION_RETIRE_OLD_ROOT mark. */
static int journal_retires_old_root(HKEY journal)
{
    DWORD type, value = 0, bytes = sizeof(value);

    return RegQueryValueExW(journal, REGISTRATION_RETIRE_VALUE, NULL, &type, (BYTE *)&value,
                            &bytes) == ERROR_SUCCESS && type == REG_DWORD && value == 1;
}

/* Steps 5-7 for a committed journal; for an odd counter whose journal has
 * vanished, just returns to even (LSP stays as it is). */
static LONG roll_forward(enum regroot_scope scope, HKEY store, DWORD sequence)
{
    HKEY journal;
    LONG error = RegOpenKeyExW(store, REGISTRATION_JOURNAL_KEY, 0, KEY_READ, &journal);

    if (error == ERROR_SUCCESS) {
        int retire = scope == REGROOT_MACHINE && journal_retires_old_root(journal);

        error = apply_journal(store, journal);
        RegCloseKey(journal);
        /* Part of step 5: a migration's other half, as redoable as the
         * rest, and done before the counter says LSP is complete. */
        if (error == ERROR_SUCCESS && retire)
            error = oldroot_retire();
    } else if (error == ERROR_FILE_NOT_FOUND) {
        error = ERROR_SUCCESS;
    }
    if (error == ERROR_SUCCESS) {
        sequence++;
        error = regtree_set_value(store, REGISTRATION_SEQUENCE_VALUE, REG_DWORD, &sequence, sizeof(sequence));
    }
    if (error == ERROR_SUCCESS)
        error = regtree_delete(store, REGISTRATION_JOURNAL_KEY);
    return error;
}

/* With the lock held: leave LSP as the only effective set. */
static LONG recover_locked(enum regroot_scope scope, HKEY store)
{
    DWORD sequence;
    LONG error = read_sequence(scope, &sequence);

    if (error != ERROR_SUCCESS)
        return error;
    if (is_committed(sequence))
        return roll_forward(scope, store, sequence);
    /* Uncommitted journal: a writer died before its commit; discard it. */
    return regtree_delete(store, REGISTRATION_JOURNAL_KEY);
}

int registration_recover(enum regroot_scope scope)
{
    HANDLE lock;
    DWORD sequence;
    HKEY store;
    LONG error = read_sequence(scope, &sequence);

    /* Nothing to do needs no write access: readers without it can call this. */
    if (error != ERROR_SUCCESS)
        return error;
    if (!is_committed(sequence) && !journal_exists(scope))
        return ERROR_SUCCESS;

    error = registration_lock(scope, &lock);
    if (error != ERROR_SUCCESS)
        return error;
    error = open_store(scope, KEY_ALL_ACCESS, &store);
    if (error == ERROR_SUCCESS) {
        error = recover_locked(scope, store);
        RegCloseKey(store);
    }
    registration_unlock(lock);
    return error;
}

/* The key named name in the effective set of source's root, or NULL.  The
 * caller holds the writers' lock of the root being written; a source root
 * other than that one is read as it is (ws2inst recovers it first). */
static HKEY open_source_key(enum regroot_scope source, const WCHAR *name)
{
    WCHAR path[MAX_PATH];
    HKEY key;

    if (regroot_path(source, CEWS2_LSP_SUBKEY, path, ARRAYSIZE(path)) != ERROR_SUCCESS
        || wcslen(path) + 1 + wcslen(name) + 1 > ARRAYSIZE(path))
        return NULL;
    wcscat(path, L"\\");
    wcscat(path, name);
    if (RegOpenKeyExW(regroot_hive(source), path, 0, KEY_READ, &key) != ERROR_SUCCESS)
        return NULL;
    return key;
}

/* Step 3: one registration into the journal. */
static LONG journal_registration(HKEY journal, const struct registration *registration)
{
    WCHAR entry[REGISTRATION_ENTRY_MAX + 1];
    HKEY existing, key;
    LONG error = ERROR_SUCCESS;
    size_t i;

    /* Start from the key as it is in its source root, so values we do not
     * own survive. */
    existing = open_source_key(registration->source, registration->name);
    if (existing) {
        error = regtree_copy(existing, journal, registration->name);
        RegCloseKey(existing);
    } else if (registration->problem != REGISTRATION_OK) {
        return ERROR_INVALID_PARAMETER;     /* nothing to carry over */
    }
    if (error != ERROR_SUCCESS || registration->problem != REGISTRATION_OK)
        return error;

    error = regtree_create_key(journal, registration->name, &key);
    if (error != ERROR_SUCCESS)
        return error;
    error = regtree_set_string(key, L"Dll", registration->dll);
    if (error == ERROR_SUCCESS) {
        if (registration->order == CEWS2_DEFAULT_ORDER)
            error = regtree_delete_value(key, L"Order");
        else
            error = regtree_set_value(key, L"Order", REG_DWORD, &registration->order, sizeof(DWORD));
    }
    if (error == ERROR_SUCCESS) {
        if (strcmp(registration->entry, CEWS2_DEFAULT_ENTRY) == 0) {
            error = regtree_delete_value(key, L"Entry");
        } else {
            for (i = 0; registration->entry[i]; i++)
                entry[i] = (unsigned char)registration->entry[i];
            entry[i] = 0;
            error = regtree_set_string(key, L"Entry", entry);
        }
    }
    RegCloseKey(key);
    return error;
}

static LONG write_locked(enum regroot_scope scope, HKEY store, const struct registration *list,
                         size_t count, DWORD flags)
{
    DWORD sequence, retire = 1;
    HKEY journal;
    LONG error = read_sequence(scope, &sequence);

    if (error == ERROR_SUCCESS && is_committed(sequence))
        error = ERROR_INVALID_STATE;        /* recovery should have left it even */
    /* Step 3: the complete new set into a fresh journal. */
    if (error == ERROR_SUCCESS)
        error = regtree_delete(store, REGISTRATION_JOURNAL_KEY);
    if (error == ERROR_SUCCESS)
        error = regtree_create_key(store, REGISTRATION_JOURNAL_KEY, &journal);
    if (error != ERROR_SUCCESS)
        return error;
    for (size_t i = 0; i < count && error == ERROR_SUCCESS; i++)
        error = journal_registration(journal, &list[i]);
    if (error == ERROR_SUCCESS && (flags & REGISTRATION_RETIRE_OLD_ROOT))
        error = regtree_set_value(journal, REGISTRATION_RETIRE_VALUE, REG_DWORD, &retire, sizeof(retire));
    if (error != ERROR_SUCCESS) {
        RegCloseKey(journal);
        regtree_delete(store, REGISTRATION_JOURNAL_KEY);  /* uncommitted: harmless if this fails too */
        return error;
    }

    /* Step 4, the commit: one atomic value write. */
    sequence++;
    error = regtree_set_value(store, REGISTRATION_SEQUENCE_VALUE, REG_DWORD, &sequence, sizeof(sequence));
    RegCloseKey(journal);
    /* Steps 5-7, exactly as a recovery would do them. */
    if (error == ERROR_SUCCESS)
        error = roll_forward(scope, store, sequence);
    if (error == ERROR_SUCCESS)
        /* Durability, not atomicity: a hive is saved as a whole snapshot,
         * and every snapshot of this protocol is consistent. */
        RegFlushKey(store);
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
        if (list[i].source != REGROOT_USER && list[i].source != REGROOT_MACHINE
            && list[i].source != REGROOT_OLD)
            return 0;
        for (size_t j = 0; j < i; j++)
            if (names_equal(list[i].name, list[j].name))
                return 0;
    }
    return 1;
}

int registration_write_all(enum regroot_scope scope, const struct registration *list, size_t count,
                           DWORD flags)
{
    WCHAR path[MAX_PATH];
    HANDLE lock;
    HKEY store;
    LONG error;

    if (count && !list)
        return ERROR_INVALID_PARAMETER;
    /* Only the two roots ws2.dll reads are written; only the machine root
     * takes over the old one. */
    if ((scope != REGROOT_USER && scope != REGROOT_MACHINE)
        || (flags & ~REGISTRATION_RETIRE_OLD_ROOT)
        || ((flags & REGISTRATION_RETIRE_OLD_ROOT) && scope != REGROOT_MACHINE))
        return ERROR_INVALID_PARAMETER;
    if (!valid_for_writing(list, count))
        return ERROR_INVALID_PARAMETER;
    error = regroot_path(scope, CEWS2_WS2_SUBKEY, path, ARRAYSIZE(path));
    if (error != ERROR_SUCCESS)
        return error;
    error = registration_lock(scope, &lock);
    if (error != ERROR_SUCCESS)
        return error;
    error = regtree_create_key(regroot_hive(scope), path, &store);
    if (error == ERROR_SUCCESS) {
        error = recover_locked(scope, store);
        if (error == ERROR_SUCCESS)
            error = write_locked(scope, store, list, count, flags);
        RegCloseKey(store);
    }
    registration_unlock(lock);
    return error;
}
