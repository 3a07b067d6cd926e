/*
 * installer.h - what the pieces of ws2inst.exe share: the command handlers,
 * the exit codes, and output that survives Wine's console and redirection.
 */
#ifndef CEWS2_INSTALLER_H
#define CEWS2_INSTALLER_H

#include "../ws2/registration.h"
#include "../ws2/oldroot.h"

/* Exit codes, the same for every command. */
enum {
    EXIT_OK = 0,
    EXIT_RUNTIME_FAILURE = 1,   /* registry, file or Winsock failure; missing registration */
    EXIT_USAGE = 2,             /* unknown command or bad arguments */
    EXIT_PROBLEMS_FOUND = 3,    /* verify: the catalog has problems */
};

/* Where a root's registrations are, as users see it in messages:
 * "HKEY_CURRENT_USER\Software\ce-winsock\x64\Comm\WS2\LSP".  A static
 * buffer per root, valid for the life of the process. */
const wchar_t *store_display(enum regroot_scope scope);

/* Command handlers: scope is the root the command works on (REGROOT_MACHINE,
 * or REGROOT_USER with --user); argv holds only the command's own
 * arguments. */
int command_install(enum regroot_scope scope, int argc, wchar_t **argv);
int command_remove(enum regroot_scope scope, int argc, wchar_t **argv);
int command_list(enum regroot_scope scope, int argc, wchar_t **argv);
int command_verify(enum regroot_scope scope, int argc, wchar_t **argv);
int command_reset(enum regroot_scope scope, int argc, wchar_t **argv);
int command_migrate(enum regroot_scope scope, int argc, wchar_t **argv);
/* linger_check.c: verify's "linger" line per base stream provider. */
void verify_linger_mechanisms(void);

/*
 * A change of one root's set (edit.c): set_edit_begin takes the root's
 * writers' lock and reads its set; for the machine root, the registrations
 * an older build left under the old root are folded in (those whose names
 * the machine root does not have), so that the commit also completes the
 * move (registration_write_all with REGISTRATION_RETIRE_OLD_ROOT).  The
 * caller changes list/count (list has room for one more registration),
 * then set_edit_commit writes the set atomically and, when the old root
 * was moved, prints one line saying what moved.  set_edit_end always
 * follows set_edit_begin.
 */
struct set_edit {
    enum regroot_scope scope;
    HANDLE lock;
    struct registration *list;
    size_t count;
    int moves_old_root;                 /* the old root has something to move */
    int replaces_set;                   /* the caller replaced the whole list
                                         * (reset): old registrations are dropped */
    wchar_t moved[1024];                /* old registrations moved: "Alpha, Beta" */
    wchar_t not_moved[512];             /* old ones whose name the machine root has */
    wchar_t settings_moved[1024];       /* oldroot_describe_settings */
    wchar_t settings_kept[512];
};
/* Returns 0 or a Win32 error (the lock, the recovery of the old root, or
 * reading a set failed; nothing is held then, but set_edit_end is harmless). */
DWORD set_edit_begin(enum regroot_scope scope, struct set_edit *edit);
/* Returns 0 or registration_write_all's error. */
DWORD set_edit_commit(struct set_edit *edit);
void set_edit_end(struct set_edit *edit);

/* Reports a usage error on stderr with a pointer to --help; returns EXIT_USAGE. */
int usage_error(const wchar_t *format, ...);

/* printf-style output, written as UTF-8 to a file or pipe, or as UTF-16 to a
 * console, so that every character survives either way.  %ls for strings. */
void print_out(const wchar_t *format, ...);
void print_err(const wchar_t *format, ...);

/* "error 5: Access denied" for a Win32 or Winsock error code, in a static
 * buffer that the next call overwrites. */
const wchar_t *error_text(DWORD code);

/* The directory ws2inst.exe was started from, without a trailing backslash. */
int installer_directory(wchar_t *directory, size_t capacity);

/* Whether LoadLibrary could find the registration's Dll: a full path must
 * exist, a bare name is looked up as LoadLibrary would look it up. */
int dll_is_present(const wchar_t *dll);

/* The default set of registrations for "reset" (defaults.c). */
struct default_registration {
    const wchar_t *name;
    const wchar_t *dll_file;    /* looked for next to ws2inst.exe */
    DWORD order;
};
extern const struct default_registration default_registrations[];
extern const size_t default_registration_count;

/* namespaces.c: the namespace-provider registrations.  reset: replaces
 * scope's set by the default (hostprov's NS_DNS provider from directory);
 * returns how many were installed, or -1 (a message is printed).  list:
 * both roots.  verify: one line each, returns the number of problems. */
int namespaces_reset(enum regroot_scope scope, const wchar_t *directory);
void namespaces_list(void);
int namespaces_verify(void);

#endif /* CEWS2_INSTALLER_H */
