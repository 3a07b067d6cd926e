/*
 * cmd_install.c - "ws2inst install --name NAME --dll PATH [--order N]
 * [--entry EXPORT]": add a registration or replace the one of that name.
 */
#include "installer.h"

#include <wchar.h>

/*
 * If argv[*index] is the option "--x" (value in the next argument) or
 * "--x=value", stores the value, advances *index past what was used and
 * returns 1; returns 0 if it is another argument, -1 if the value is missing.
 */
static int take_option(int argc, wchar_t **argv, int *index, const wchar_t *option,
                       const wchar_t **value)
{
    size_t length = wcslen(option);
    const wchar_t *argument = argv[*index];

    if (wcsncmp(argument, option, length) != 0)
        return 0;
    if (argument[length] == L'=') {
        *value = argument + length + 1;
        (*index)++;
        return 1;
    }
    if (argument[length] != 0)
        return 0;
    if (*index + 1 >= argc)
        return -1;
    *value = argv[*index + 1];
    *index += 2;
    return 1;
}

/* Decimal, or hexadecimal after 0x; no sign, no octal surprises. */
static int parse_order(const wchar_t *text, DWORD *order)
{
    int base = 10;
    unsigned long long value = 0;

    if (text[0] == L'0' && (text[1] == L'x' || text[1] == L'X')) {
        base = 16;
        text += 2;
    }
    if (!*text)
        return 0;
    for (; *text; text++) {
        int digit;

        if (*text >= L'0' && *text <= L'9')
            digit = *text - L'0';
        else if (base == 16 && *text >= L'a' && *text <= L'f')
            digit = *text - L'a' + 10;
        else if (base == 16 && *text >= L'A' && *text <= L'F')
            digit = *text - L'A' + 10;
        else
            return 0;
        value = value * base + digit;
        if (value > 0xFFFFFFFFull)
            return 0;
    }
    *order = (DWORD)value;
    return 1;
}

/* Fills the registration from the command line; returns EXIT_OK or EXIT_USAGE. */
static int parse_arguments(int argc, wchar_t **argv, struct registration *registration)
{
    const wchar_t *name = NULL, *dll = NULL, *order = NULL, *entry = NULL;
    enum registration_problem problem;

    for (int index = 0; index < argc;) {
        int taken = take_option(argc, argv, &index, L"--name", &name);

        if (taken == 0)
            taken = take_option(argc, argv, &index, L"--dll", &dll);
        if (taken == 0)
            taken = take_option(argc, argv, &index, L"--order", &order);
        if (taken == 0)
            taken = take_option(argc, argv, &index, L"--entry", &entry);
        if (taken < 0)
            return usage_error(L"install: %ls needs a value", argv[index]);
        if (taken == 0)
            return usage_error(L"install: unexpected argument '%ls'", argv[index]);
    }
    if (!name)
        return usage_error(L"install: --name NAME is required");
    if (!dll)
        return usage_error(L"install: --dll PATH is required");

    memset(registration, 0, sizeof(*registration));
    registration->order = CEWS2_DEFAULT_ORDER;
    strcpy(registration->entry, CEWS2_DEFAULT_ENTRY);
    registration->source = REGROOT_MACHINE;     /* install() sets the root written */
    if (wcslen(name) > REGISTRATION_NAME_MAX)
        return usage_error(L"install: --name: %ls", registration_problem_text(REGISTRATION_NAME_TOO_LONG));
    wcscpy(registration->name, name);

    if (wcspbrk(dll, L"\\/")) {
        /* A path is stored absolute: a relative one would be resolved
         * against whatever directory each application runs in. */
        DWORD length = GetFullPathNameW(dll, ARRAYSIZE(registration->dll), registration->dll, NULL);

        if (length == 0 || length >= ARRAYSIZE(registration->dll))
            return usage_error(L"install: --dll: cannot make a full path of '%ls' "
                               L"of at most %d characters", dll, REGISTRATION_DLL_MAX);
    } else {
        if (wcslen(dll) > REGISTRATION_DLL_MAX)
            return usage_error(L"install: --dll: %ls", registration_problem_text(REGISTRATION_DLL_TOO_LONG));
        wcscpy(registration->dll, dll);
    }

    if (order && !parse_order(order, &registration->order))
        return usage_error(L"install: --order: '%ls' is not a number from 0 to 0xFFFFFFFF", order);

    if (entry) {
        size_t length = wcslen(entry);

        if (length > REGISTRATION_ENTRY_MAX)
            return usage_error(L"install: --entry: %ls", registration_problem_text(REGISTRATION_ENTRY_TOO_LONG));
        for (size_t i = 0; i <= length; i++)
            /* Anything outside ASCII becomes a control character, which
             * validation below rejects with the right message. */
            registration->entry[i] = entry[i] < 0x80 ? (char)entry[i] : 1;
    }

    problem = registration_validate(registration);
    if (problem != REGISTRATION_OK)
        return usage_error(L"install: %ls", registration_problem_text(problem));
    return EXIT_OK;
}

/* Whether the machine root has a registration of that name (which a
 * per-user one of the same name replaces, see cews2.h). */
static int machine_has(const wchar_t *name)
{
    struct registration *list = NULL;
    size_t count = 0;
    int found;

    if (registration_read_all(REGROOT_MACHINE, &list, &count) != ERROR_SUCCESS)
        return 0;
    found = registration_find(list, count, name) != NULL;
    registration_free(list);
    return found;
}

/* Adds or replaces the registration within scope's set; returns 0 or a
 * Win32 error, and whether a registration of that name existed. */
static DWORD install(enum regroot_scope scope, struct registration *wanted, int *replacing)
{
    struct set_edit edit;
    struct registration *existing;
    DWORD error = set_edit_begin(scope, &edit);

    if (error == ERROR_SUCCESS) {
        /* A new key starts from the one of that name in this root, if any. */
        wanted->source = scope;
        existing = registration_find(edit.list, edit.count, wanted->name);
        *replacing = existing != NULL;
        if (existing)
            *existing = *wanted;
        else
            edit.list[edit.count++] = *wanted;
        /* Registrations we could not parse are carried over untouched. */
        error = set_edit_commit(&edit);
    }
    set_edit_end(&edit);
    return error;
}

int command_install(enum regroot_scope scope, int argc, wchar_t **argv)
{
    struct registration wanted;
    wchar_t entry[REGISTRATION_ENTRY_MAX + 1];
    int result = parse_arguments(argc, argv, &wanted), replacing = 0;
    DWORD error;

    if (result != EXIT_OK)
        return result;
    error = install(scope, &wanted, &replacing);
    if (error) {
        print_err(L"ws2inst: install: cannot install the registration '%ls' under %ls: %ls\n",
                  wanted.name, store_display(scope), error_text(error));
        return EXIT_RUNTIME_FAILURE;
    }

    if (!dll_is_present(wanted.dll))
        print_err(L"ws2inst: warning: the DLL '%ls' does not exist (yet); "
                  L"ws2.dll will skip '%ls' until it does\n", wanted.dll, wanted.name);
    MultiByteToWideChar(CP_ACP, 0, wanted.entry, -1, entry, ARRAYSIZE(entry));
    if (wanted.order == CEWS2_DEFAULT_ORDER)
        print_out(L"%ls '%ls' under %ls: Dll %ls, Order last, Entry %ls\n",
                  replacing ? L"replaced" : L"installed", wanted.name, store_display(scope),
                  wanted.dll, entry);
    else
        print_out(L"%ls '%ls' under %ls: Dll %ls, Order %lu, Entry %ls\n",
                  replacing ? L"replaced" : L"installed", wanted.name, store_display(scope),
                  wanted.dll, wanted.order, entry);
    if (scope == REGROOT_USER && machine_has(wanted.name))
        print_out(L"note: for this user, '%ls' replaces the registration of that name under %ls\n",
                  wanted.name, store_display(REGROOT_MACHINE));
    return EXIT_OK;
}
