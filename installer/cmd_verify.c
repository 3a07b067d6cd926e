/*
 * cmd_verify.c - "ws2inst [--user] verify": let ws2.dll build a throw-away
 * catalog from the registrations (per-user and machine-wide, as any process
 * of this user would), load every provider, check every chain, and print
 * what it says (including registrations left under the old root), the
 * namespace providers (each DLL loaded, NSPStartup looked for), then
 * the linger mechanism of every base stream provider (linger_check.c).
 */
#include "installer.h"

struct verify_tally {
    int problems;
};

static void WINAPI report_line(void *context, LPCWSTR registration, INT error, LPCWSTR message)
{
    struct verify_tally *tally = context;

    if (!registration)
        registration = L"(catalog)";
    if (!message)
        message = L"";
    if (error == 0) {
        print_out(L"ok       %ls: %ls\n", registration, message);
        return;
    }
    tally->problems++;
    print_out(L"PROBLEM  %ls: %ls [%ls]\n", registration, message, error_text((DWORD)error));
}

/* Both roots make the catalog, so --user (scope) changes nothing. */
int command_verify(enum regroot_scope scope, int argc, wchar_t **argv)
{
    struct verify_tally tally = { 0 };
    int problems;

    (void)argv;
    (void)scope;
    if (argc != 0)
        return usage_error(L"verify: takes no arguments");
    problems = CeWs2VerifyCatalog(report_line, &tally);
    tally.problems += namespaces_verify();
    /* not a problem either way, but never to be guessed (cews2.h) */
    verify_linger_mechanisms();
    /* Trust whichever count is higher: a problem is a problem even if only
     * one side noticed it. */
    if (tally.problems > problems)
        problems = tally.problems;
    if (problems > 0) {
        print_out(L"verify: %d problem%ls found\n", problems, problems == 1 ? L"" : L"s");
        return EXIT_PROBLEMS_FOUND;
    }
    print_out(L"verify: no problems found\n");
    return EXIT_OK;
}
