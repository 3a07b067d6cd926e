/*
 * registration_write.c - the writers' side of the registration store:
 * the writers' lock, recovery from an interrupted writer, and replacing a
 * whole set, step by step as registration.h describes.  Every registry
 * modification goes through regtree.h, which counts it for the
 * CEWS2_INSTALL_CRASH_AT test hook.  (Readers: registration.c.)
 */
#include "registration.h"
#include "registration_store.h"

#include "oldroot.h"

#include <sddl.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* A writer that cannot get the lock in this time reports ERROR_TIMEOUT
 * rather than hanging an installer forever. */
#define WRITER_LOCK_TIMEOUT_MS  30000

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
    LONG error = registration_read_sequence(scope, &sequence);

    if (error != ERROR_SUCCESS)
        return error;
    if (registration_is_committed(sequence))
        return roll_forward(scope, store, sequence);
    /* Uncommitted journal: a writer died before its commit; discard it. */
    return regtree_delete(store, REGISTRATION_JOURNAL_KEY);
}

int registration_recover(enum regroot_scope scope)
{
    HANDLE lock;
    DWORD sequence;
    HKEY store;
    LONG error = registration_read_sequence(scope, &sequence);

    /* Nothing to do needs no write access: readers without it can call this. */
    if (error != ERROR_SUCCESS)
        return error;
    if (!registration_is_committed(sequence) && !registration_journal_exists(scope))
        return ERROR_SUCCESS;

    error = registration_lock(scope, &lock);
    if (error != ERROR_SUCCESS)
        return error;
    error = registration_open_store(scope, KEY_ALL_ACCESS, &store);
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
    LONG error = registration_read_sequence(scope, &sequence);

    if (error == ERROR_SUCCESS && registration_is_committed(sequence))
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
            if (registration_names_equal(list[i].name, list[j].name))
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
