/*
 * ws2inst - install, remove, list and check ce-winsock's provider
 * registrations (Comm\WS2\LSP, as on Windows CE 5.0, below the machine root
 * HKEY_LOCAL_MACHINE\Software\ce-winsock, or with --user below the per-user
 * root HKEY_CURRENT_USER\Software\ce-winsock\<arch>: cews2.h).
 *
 * This file only reads the root option and dispatches to one handler per
 * command (cmd_*.c).
 */
#include "installer.h"

#include <stdarg.h>
#include <wchar.h>

static const wchar_t usage_text[] =
    L"Usage: ws2inst [--user] COMMAND [ARGUMENTS]\n"
    L"\n"
    L"Manages the Winsock provider registrations under\n"
    L"  HKEY_LOCAL_MACHINE\\" CEWS2_LSP_KEY L"\\<name>\n"
    L"      (machine-wide; changing them needs administrator rights on Windows)\n"
    L"or, with --user, under\n"
    L"  HKEY_CURRENT_USER\\" CEWS2_USER_LSP_KEY L"\\<name>\n"
    L"      (this user only; no administrator rights needed)\n"
    L"with the values Dll, Order, Entry.  A process uses both: every per-user\n"
    L"registration, and every machine registration no per-user one of the same\n"
    L"name replaces, in Order.  Every change replaces the whole set of one root\n"
    L"atomically: an interrupted ws2inst leaves either the old or the new set.\n"
    L"\n"
    L"Commands:\n"
    L"  install --name NAME --dll PATH [--order N] [--entry EXPORT]\n"
    L"        Add the registration NAME, or replace it if it exists.\n"
    L"        PATH is the provider DLL: a full path, or a bare name for the\n"
    L"        loader to search (a relative path is made absolute).\n"
    L"        N (decimal or 0x hex) orders the registrations, lowest first;\n"
    L"        default 0xFFFFFFFF (last).  EXPORT is the registration entry the\n"
    L"        DLL exports; default " CEWS2_DEFAULT_ENTRY ".\n"
    L"  remove NAME\n"
    L"        Remove the registration NAME; fails if there is none.\n"
    L"  list [--read-only]\n"
    L"        Print the registrations of both roots (\"MISSING DLL\" marks a DLL\n"
    L"        that is not there, \"REPLACED\" a machine registration a per-user\n"
    L"        one replaces), the namespace providers of both roots, then the\n"
    L"        catalog ws2.dll builds from them.  First\n"
    L"        completes any interrupted change, unless --read-only: then it shows\n"
    L"        what ws2.dll would read now.\n"
    L"  verify\n"
    L"        Load every registration and provider as WSAStartup would, check\n"
    L"        the protocol chains, load every namespace provider DLL and look\n"
    L"        for its NSPStartup, and print what is wrong.\n"
    L"  reset\n"
    L"        Replace all registrations by the default set: the providers\n"
    L"        shipped next to ws2inst.exe, and the namespace providers by\n"
    L"        HostDns (hostprov.dll's NS_DNS provider).\n"
    L"  migrate\n"
    L"        Move the registrations and settings an older ce-winsock kept under\n"
    L"        HKEY_LOCAL_MACHINE\\Comm (which ws2.dll no longer reads) below\n"
    L"        HKEY_LOCAL_MACHINE\\" CEWS2_REGISTRY_ROOT L"; what is already there\n"
    L"        stays.  Every machine-wide install, remove and reset does this too.\n"
    L"        No --user form.\n"
    L"  help, --help, -h\n"
    L"        Print this text.\n"
    L"\n"
    L"list and verify show what a process of this user gets, with or without\n"
    L"--user.\n"
    L"\n"
    L"Exit status: 0 success, 1 failure (registry, files, Winsock, or no such\n"
    L"registration), 2 bad command line, 3 verify found problems.\n";

int usage_error(const wchar_t *format, ...)
{
    wchar_t message[1024];
    va_list arguments;

    va_start(arguments, format);
    __mingw_vsnwprintf(message, ARRAYSIZE(message), format, arguments);
    va_end(arguments);
    message[ARRAYSIZE(message) - 1] = 0;
    print_err(L"ws2inst: %ls\nRun 'ws2inst --help' for usage.\n", message);
    return EXIT_USAGE;
}

static int is_help(const wchar_t *argument)
{
    return wcscmp(argument, L"help") == 0 || wcscmp(argument, L"--help") == 0
        || wcscmp(argument, L"-h") == 0 || wcscmp(argument, L"/?") == 0;
}

int wmain(int argc, wchar_t **argv)
{
    static const struct {
        const wchar_t *name;
        int (*run)(enum regroot_scope scope, int argc, wchar_t **argv);
    } commands[] = {
        { L"install", command_install },
        { L"remove",  command_remove },
        { L"list",    command_list },
        { L"verify",  command_verify },
        { L"reset",   command_reset },
        { L"migrate", command_migrate },
    };
    enum regroot_scope scope = REGROOT_MACHINE;
    int first = 1;

    /* The root option comes before the command, as the usage says. */
    if (argc > first && wcscmp(argv[first], L"--user") == 0) {
        scope = REGROOT_USER;
        first++;
    }
    if (argc <= first)
        return usage_error(L"no command given");
    if (is_help(argv[first])) {
        print_out(L"%ls", usage_text);
        return EXIT_OK;
    }
    for (size_t i = 0; i < ARRAYSIZE(commands); i++) {
        if (wcscmp(argv[first], commands[i].name) != 0)
            continue;
        for (int j = first + 1; j < argc; j++) {
            /* "ws2inst install --help"; but not "help", which may be a name. */
            if (wcscmp(argv[j], L"--help") == 0 || wcscmp(argv[j], L"-h") == 0) {
                print_out(L"%ls", usage_text);
                return EXIT_OK;
            }
            /* Said plainly, rather than as an unexpected argument. */
            if (wcscmp(argv[j], L"--user") == 0)
                return usage_error(L"--user goes before the command: ws2inst --user %ls ...",
                                   commands[i].name);
        }
        return commands[i].run(scope, argc - first - 1, argv + first + 1);
    }
    return usage_error(L"unknown command '%ls'", argv[first]);
}
