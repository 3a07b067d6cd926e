/*
 * edit.c - one change of one root's set of registrations: take the root's
 * writers' lock, read its set (with what an older build left under the old
 * root folded into the machine root's), write it back atomically, and say
 * what moved.  See set_edit in installer.h.
 */
#include "installer.h"

#include <wchar.h>

const wchar_t *store_display(enum regroot_scope scope)
{
    static wchar_t text[3][MAX_PATH + 32];
    size_t index = scope == REGROOT_USER ? 0 : scope == REGROOT_MACHINE ? 1 : 2;

    if (!text[index][0])
        regroot_display(scope, CEWS2_LSP_SUBKEY, text[index], ARRAYSIZE(text[index]));
    return text[index];
}

/* Appends ", name" (no comma first) to a list in text, or "..." once it is
 * full: a message stays one line whatever the old root held. */
static void append_name(wchar_t *text, size_t capacity, const wchar_t *name)
{
    size_t used = wcslen(text), length = wcslen(name);

    if (used >= 3 && wcscmp(text + used - 3, L"...") == 0)
        return;
    if (used + 2 + length + 6 > capacity) {
        wcscat(text, used ? L", ..." : L"...");
        return;
    }
    if (used)
        wcscat(text, L", ");
    wcscat(text, name);
}

/*
 * The machine root: the old root's registrations whose names the machine
 * root lacks join its set (read from the old root, so that their keys are
 * carried over whole, malformed ones and a provider's own values
 * included); those it has stay as they are, and the old ones are dropped.
 */
static DWORD fold_in_old_root(struct set_edit *edit)
{
    struct registration *old = NULL, *grown;
    size_t old_count = 0;
    DWORD error;

    if (!regroot_old_data_present())
        return ERROR_SUCCESS;
    edit->moves_old_root = 1;
    /* An older ws2inst killed in the middle of a change left the old root
     * its own journal: complete it (its lock is ours), so that what moves
     * is its effective set. */
    error = registration_recover(REGROOT_OLD);
    if (error == ERROR_SUCCESS)
        error = registration_read_all(REGROOT_OLD, &old, &old_count);
    if (error != ERROR_SUCCESS)
        return error;
    grown = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, (edit->count + old_count + 1) * sizeof(*grown));
    if (!grown) {
        registration_free(old);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    if (edit->count)
        memcpy(grown, edit->list, edit->count * sizeof(*grown));
    HeapFree(GetProcessHeap(), 0, edit->list);
    edit->list = grown;
    for (size_t i = 0; i < old_count; i++) {
        if (registration_find(edit->list, edit->count, old[i].name)) {
            append_name(edit->not_moved, ARRAYSIZE(edit->not_moved), old[i].name);
            continue;
        }
        edit->list[edit->count++] = old[i];         /* source: REGROOT_OLD */
        append_name(edit->moved, ARRAYSIZE(edit->moved), old[i].name);
    }
    registration_free(old);
    oldroot_describe_settings(edit->settings_moved, ARRAYSIZE(edit->settings_moved),
                              edit->settings_kept, ARRAYSIZE(edit->settings_kept));
    return ERROR_SUCCESS;
}

DWORD set_edit_begin(enum regroot_scope scope, struct set_edit *edit)
{
    struct registration *list = NULL;
    size_t count = 0;
    DWORD error;

    memset(edit, 0, sizeof(*edit));
    edit->scope = scope;
    /* Held from reading the set to writing it back, so that a concurrent
     * ws2inst cannot slip its change in between and have it lost. */
    error = registration_lock(scope, &edit->lock);
    if (error != ERROR_SUCCESS)
        return error;
    /* Complete an interrupted change first: an interrupted migration then
     * finishes here, and the old root is gone before we look for it. */
    error = registration_recover(scope);
    if (error == ERROR_SUCCESS)
        error = registration_read_all(scope, &list, &count);
    if (error != ERROR_SUCCESS)
        return error;
    /* The current set, plus room for one more. */
    edit->list = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, (count + 1) * sizeof(*edit->list));
    if (!edit->list) {
        registration_free(list);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    if (count)
        memcpy(edit->list, list, count * sizeof(*list));
    edit->count = count;
    registration_free(list);
    /* Only the machine root takes over the old root: that was machine-wide
     * too, and a per-user root must not swallow it for one user. */
    if (scope == REGROOT_MACHINE)
        error = fold_in_old_root(edit);
    return error;
}

/* The one line saying what moved from the old root. */
static void report_move(const struct set_edit *edit)
{
    wchar_t old[64], machine[MAX_PATH + 32], kept[1100] = L"";

    regroot_display(REGROOT_OLD, REGROOT_OLD_PARENT, old, ARRAYSIZE(old));
    regroot_display(REGROOT_MACHINE, REGROOT_OLD_PARENT, machine, ARRAYSIZE(machine));
    if (edit->not_moved[0] || edit->settings_kept[0])
        __mingw_snwprintf(kept, ARRAYSIZE(kept), L"; kept the machine root's own %ls%ls%ls "
                          L"(the old ones are dropped)", edit->not_moved,
                          edit->not_moved[0] && edit->settings_kept[0] ? L", " : L"",
                          edit->settings_kept);
    print_out(L"moved %ls to %ls: %ls%ls%ls%ls%ls%ls\n", old, machine,
              edit->moved[0] ? L"registrations " : L"no registrations", edit->moved,
              edit->moved[0] && edit->replaces_set ? L" (then replaced by the new set)" : L"",
              edit->settings_moved[0] ? L"; settings " : L"", edit->settings_moved, kept);
}

DWORD set_edit_commit(struct set_edit *edit)
{
    DWORD error = registration_write_all(edit->scope, edit->list, edit->count,
                                         edit->moves_old_root ? REGISTRATION_RETIRE_OLD_ROOT : 0);

    if (error == ERROR_SUCCESS && edit->moves_old_root)
        report_move(edit);
    return error;
}

void set_edit_end(struct set_edit *edit)
{
    if (edit->list)
        HeapFree(GetProcessHeap(), 0, edit->list);
    edit->list = NULL;
    edit->count = 0;
    registration_unlock(edit->lock);
    edit->lock = NULL;
}
