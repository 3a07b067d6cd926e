/*
 * installer.h - what the pieces of ws2inst.exe share: the command handlers,
 * the exit codes, and output that survives Wine's console and redirection.
 */
#ifndef CEWS2_INSTALLER_H
#define CEWS2_INSTALLER_H

#include "../ws2/registration.h"

/* Exit codes, the same for every command. */
enum {
    EXIT_OK = 0,
    EXIT_RUNTIME_FAILURE = 1,   /* registry, file or Winsock failure; missing registration */
    EXIT_USAGE = 2,             /* unknown command or bad arguments */
    EXIT_PROBLEMS_FOUND = 3,    /* verify: the catalog has problems */
};

/* The registrations' place, as users see it in messages. */
#define LSP_KEY_DISPLAY L"HKEY_LOCAL_MACHINE\\Comm\\WS2\\LSP"

/* Command handlers: argv holds only the command's own arguments. */
int command_install(int argc, wchar_t **argv);
int command_remove(int argc, wchar_t **argv);
int command_list(int argc, wchar_t **argv);
int command_verify(int argc, wchar_t **argv);
int command_reset(int argc, wchar_t **argv);

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

#endif /* CEWS2_INSTALLER_H */
