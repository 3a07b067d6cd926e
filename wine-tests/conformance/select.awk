# wine-tests/conformance/select.awk - rewrites one Wine test source so that
# each test function can be run alone (see harness.h), keeping every line
# where it was (the file:line of each check stays Wine's).
#
#   awk -v mode=units -f select.awk sock.c      the test functions, one a line,
#                                               in START_TEST order
#   awk -v mode=roots -f select.awk sock.c      "NAME<TAB>IDENT" for each name
#                                               the call's arguments use
#                                               (do_test(&tests[i]): tests)
#   awk -v mode=source [-v excluded=FILE] -f select.awk sock.c > out.c
#
# A test function is a function whose name starts with test_ (or do_test,
# sock.c's table-driven client/server tests) called as a whole statement on
# a line of its own inside the START_TEST body; every such line becomes
#     if (conf_select("NAME")) <the call>;
# and, for a function named in FILE (lines "NAME<TAB>why"), the call is
# replaced by an empty statement, so the compiler drops the function and
# what only it uses (this is how a function needing an export ws2.dll lacks
# is left out of the ours build).  Everything else is copied unchanged.
BEGIN {
    if (excluded != "")
        while ((getline line < excluded) > 0) {
            split(line, f, "\t")
            if (f[1] != "") skip[f[1]] = f[2]
        }
}
/^START_TEST[ \t]*\(/ { body = 1 }
body && /^}/ { body = 0 }
body && match($0, /^[ \t]*(test_[A-Za-z0-9_]+|do_test)[ \t]*\(.*\)[ \t]*;[ \t]*$/) {
    stmt = $0; sub(/^[ \t]*/, "", stmt)
    indent = substr($0, 1, length($0) - length(stmt))
    name = stmt; sub(/[ \t]*\(.*/, "", name)
    if (mode == "units") { if (!(name in seen)) { seen[name] = 1; print name } next }
    if (mode == "roots") {
        args = stmt; sub(/^[^(]*\(/, "", args); sub(/\)[ \t]*;[ \t]*$/, "", args)
        while (match(args, /[A-Za-z_][A-Za-z0-9_]*/)) {
            print name "\t" substr(args, RSTART, RLENGTH)
            args = substr(args, RSTART + RLENGTH)
        }
        next
    }
    if (name in skip) print indent "; /* conformance: " name " excluded: " skip[name] " */"
    else print indent "if (conf_select(\"" name "\")) " stmt
    next
}
mode == "source" { print }
