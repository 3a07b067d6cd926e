/*
 * cmd_migrate.c - "ws2inst migrate": move what an older ce-winsock build
 * left directly under HKEY_LOCAL_MACHINE (Comm\WS2: registrations, Trace,
 * CeLsp; Comm\IrDA) below the machine root, where ws2.dll reads it.
 *
 * Every other machine-wide change (install, remove, reset) does the same
 * move as part of its own commit; this command is the move alone.  The
 * registrations move atomically (one journal commit: ws2.dll sees the old
 * machine set or the moved one), the settings and the old keys' deletion
 * at that commit (oldroot.h).
 */
#include "installer.h"

int command_migrate(enum regroot_scope scope, int argc, wchar_t **argv)
{
    struct set_edit edit;
    wchar_t old[64];
    DWORD error;
    int moved;

    (void)argv;
    if (argc != 0)
        return usage_error(L"migrate: takes no arguments");
    /* The old root was machine-wide: it moves to the machine root only. */
    if (scope == REGROOT_USER)
        return usage_error(L"migrate: there is no --user form: the old root (HKEY_LOCAL_MACHINE\\Comm) "
                           L"was machine-wide and moves to the machine root");
    regroot_display(REGROOT_OLD, REGROOT_OLD_PARENT, old, ARRAYSIZE(old));
    error = set_edit_begin(REGROOT_MACHINE, &edit);
    moved = edit.moves_old_root;
    /* The set as read, with the old registrations folded in, written back. */
    if (error == ERROR_SUCCESS && moved)
        error = set_edit_commit(&edit);
    set_edit_end(&edit);
    if (error) {
        print_err(L"ws2inst: migrate: cannot move %ls to %ls: %ls\n", old,
                  store_display(REGROOT_MACHINE), error_text(error));
        return EXIT_RUNTIME_FAILURE;
    }
    if (!moved)
        print_out(L"nothing to move: %ls holds no ce-winsock registrations or settings\n", old);
    return EXIT_OK;
}
