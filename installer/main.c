/*
 * ws2inst - install, remove, list and check ce-winsock's provider
 * registrations (HKEY_LOCAL_MACHINE\Comm\WS2\LSP, as on Windows CE 5.0).
 *
 * This file only dispatches to one handler per command (cmd_*.c).
 */
#include "installer.h"

#include <stdarg.h>
#include <wchar.h>

static const wchar_t usage_text[] =
    L"Usage: ws2inst COMMAND [ARGUMENTS]\n"
    L"\n"
    L"Manages the Winsock provider registrations under\n"
    L"  " LSP_KEY_DISPLAY L"\\<name>  (values Dll, Order, Entry)\n"
    L"Every change replaces the whole set atomically: an interrupted ws2inst\n"
    L"leaves either the old or the new set in effect.\n"
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
    L"        Print the registrations (\"MISSING DLL\" marks a DLL that is not\n"
    L"        there), then the catalog ws2.dll builds from them.  First completes\n"
    L"        any interrupted change, unless --read-only: then it shows what\n"
    L"        ws2.dll would read now.\n"
    L"  verify\n"
    L"        Load every registration and provider as WSAStartup would, check\n"
    L"        the protocol chains, and print what is wrong.\n"
    L"  reset\n"
    L"        Replace all registrations by the default set: the providers\n"
    L"        shipped next to ws2inst.exe.\n"
    L"  help, --help, -h\n"
    L"        Print this text.\n"
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
        int (*run)(int argc, wchar_t **argv);
    } commands[] = {
        { L"install", command_install },
        { L"remove",  command_remove },
        { L"list",    command_list },
        { L"verify",  command_verify },
        { L"reset",   command_reset },
    };

    if (argc < 2)
        return usage_error(L"no command given");
    if (is_help(argv[1])) {
        print_out(L"%ls", usage_text);
        return EXIT_OK;
    }
    for (size_t i = 0; i < ARRAYSIZE(commands); i++) {
        if (wcscmp(argv[1], commands[i].name) != 0)
            continue;
        /* "ws2inst install --help"; but not "help", which may be a name. */
        for (int j = 2; j < argc; j++)
            if (wcscmp(argv[j], L"--help") == 0 || wcscmp(argv[j], L"-h") == 0) {
                print_out(L"%ls", usage_text);
                return EXIT_OK;
            }
        return commands[i].run(argc - 2, argv + 2);
    }
    return usage_error(L"unknown command '%ls'", argv[1]);
}
