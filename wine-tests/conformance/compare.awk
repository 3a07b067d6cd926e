# wine-tests/conformance/compare.awk - the report of make conformance.
#
#   awk -v dir=OUT -v ce=CE_FILE -v open=OPEN_FILE [-v only="F1 F2"] \
#       [-v wine_version=V -v t_fetch=S -v t_build=S -v t_run=S] \
#       -f compare.awk OUT/results/host.tsv OUT/results/ours.tsv
#
# results/KIND.tsv: "unit function status rc milliseconds" per test function
# (status: ran, crash, timeout, excluded); out/KIND/FUNCTION.log: what the
# function printed; results/excluded.tsv: "function<TAB>missing export X, Y".
#
# Prints, per test function, executed/failed/todo/skipped for host and ours,
# then every check that fails only with ours, each judged against the two
# expectation files, and exits 1 when one of them is new, 0 otherwise.
#
# An entry (in the files and in the output) is one of
#     FUNCTION FILE:LINE: Test failed: MESSAGE
#     FUNCTION crashed | FUNCTION timed out | FUNCTION excluded
# optionally preceded by "flaky ": that entry may or may not show up in a run
# (a "flaky" entry carries the observed reason in a comment above it).  Lines
# starting with # and empty lines are comments.
#
# "Fails only with ours": the same entry (function, file:line and normalised
# message) is not among the host's failures.  A crash or timeout is ours-only
# when the host ran the function to its end.  An excluded function always is.
# What the framework calls "Test succeeded inside todo block" (a todo_wine
# check that passes) is listed apart: it fails Wine's count, but the check
# passing means ours behaves as the test expects Windows to (where Wine 8
# does not), so it is no open problem of ours; it is never a verdict.
#
# Normalising a message (norm()): an entry must mean the same check failing
# for the same reason, run after run and host against ours.  Two runs of the
# whole set, raw, differed in no message at all: the values the tests print
# (error codes, return values, sizes, even what they read back from
# uninitialised variables) repeat.  So only what is volatile by nature is
# masked, token by token (a token: letters, digits, _):
#   - a %p pointer (16 hex digits, not all zero: NULL is kept)  -> <ptr>
#   - an address printed 0x... with more than 8 hex digits       -> <addr>
#   - a number of milliseconds (N ms, Nms)                        -> <n>ms
#   - a number right after the word "port" (port N, port=N)       -> <port>
# Handles and sockets are small numbers that repeat and are kept.  A check
# whose message still varies is listed as flaky, with what was seen.
function norm(msg,   out, rest, pre, tok, low, prev) {
    out = ""; rest = msg; prev = ""
    while (match(rest, /[0-9A-Za-z_]+/)) {
        pre = substr(rest, 1, RSTART - 1)
        tok = substr(rest, RSTART, RLENGTH)
        rest = substr(rest, RSTART + RLENGTH)
        low = tolower(tok)
        if (length(tok) == 16 && low ~ /^[0-9a-f]+$/ && low !~ /^0+$/) tok = "<ptr>"
        else if (low ~ /^0x[0-9a-f]+$/ && length(tok) > 10 && low !~ /^0x0+$/) tok = "<addr>"
        else if (low ~ /^[0-9]+ms$/) tok = "<n>ms"
        else if (low ~ /^[0-9]+$/ && rest ~ /^ ?ms([^A-Za-z0-9_]|$)/) tok = "<n>"
        else if (low ~ /^[0-9]+$/ && tolower(prev) ~ /port$/ && pre ~ /^[ =:]*$/) tok = "<port>"
        out = out pre tok
        prev = tok
    }
    return out rest
}

function load(file, kind,   line, flaky) {
    while ((getline line < file) > 0) {
        sub(/[ \t\r]+$/, "", line)
        if (line ~ /^[ \t]*(#|$)/) continue
        flaky = 0
        if (line ~ /^flaky /) { flaky = 1; line = substr(line, 7) }
        listed[line] = kind
        if (flaky) isflaky[line] = 1
        if (!(line in order)) { order[line] = ++nlisted; listed_at[nlisted] = line }
    }
    close(file)
}

# the function an entry is about
function fn_of(e,   f) { f = e; sub(/ .*/, "", f); return f }

function wanted(fn) { return only == "" || (" " only " ") ~ (" " fn " ") }

BEGIN {
    FS = "\t"
    load(ce, "ce"); load(open, "open")
    while ((getline l < (dir "/results/excluded.tsv")) > 0) { split(l, f, "\t"); why[f[1]] = f[2] }
}

# one row of results/KIND.tsv
{
    kind = (FILENAME ~ /host\.tsv$/) ? "host" : "ours"
    unit = $1; fn = $2
    if (!(fn in seenfn)) { seenfn[fn] = 1; fns[++nfn] = fn; unitof[fn] = unit }
    st[kind, fn] = $3; ms[kind, fn] = $5
    ex[kind, fn] = "-"; fa[kind, fn] = 0; td[kind, fn] = "-"; sk[kind, fn] = "-"
    if ($3 == "excluded") next
    log_ = dir "/out/" kind "/" fn ".log"
    nfail = 0
    while ((getline line < log_) > 0) {
        sub(/\r$/, "", line)
        if (match(line, /^[0-9a-f]+:[A-Za-z0-9_]+:[0-9.]* [0-9]+ tests executed \([0-9]+ marked as todo, [0-9]+ as flaky, [0-9]+ failures?\), [0-9]+ skipped\.$/)) {
            s = line; sub(/^[^ ]* /, "", s)
            split(s, w, /[^0-9]+/)
            ex[kind, fn] = w[1]; td[kind, fn] = w[2]; fa[kind, fn] = w[4]; sk[kind, fn] = w[5]

            continue
        }
        if (match(line, /^[A-Za-z0-9_]+\.c:[0-9]+: (Test failed|Test succeeded inside todo block|Test succeeded inside flaky todo block): /)) {
            head = line; sub(/: Test (failed|succeeded inside (flaky )?todo block): .*/, "", head)
            type = line; sub(/^[^ ]* /, "", type); msg = type
            sub(/: .*/, "", type); sub(/^[^:]*: /, "", msg)
            e = fn " " head ": " type ": " norm(msg)
            sub(/[ \t]+$/, "", e)      # as the expectation files are read
            nfail++
            if (type == "Test failed") fail[kind, e] = 1
            else todook[kind, e] = 1
            if (!((kind, e) in listedk)) { listedk[kind, e] = 1; ents[kind, ++nent[kind]] = e }
        }
    }
    close(log_)
    # a crash or timeout: the failures it printed before (no summary line)
    if ($3 != "ran") fa[kind, fn] = nfail
}

function row(kind, fn,   s) {
    if (st[kind, fn] == "excluded") return sprintf("%6s %5s %5s %5s %7s", "-", "-", "-", "-", "excluded")
    s = (st[kind, fn] == "ran") ? sprintf("%.1fs", ms[kind, fn] / 1000) : st[kind, fn]
    return sprintf("%6s %5s %5s %5s %7s", ex[kind, fn], fa[kind, fn], td[kind, fn], sk[kind, fn], s)
}

# the file an entry is listed in ("ce", "open"), or "new"; marks it seen
function verdict(e) {
    present[e] = 1
    if (e in listed) return listed[e]
    return "new"
}

END {
    printf "Wine %s ws2_32 conformance tests (sock.c, protocol.c), one process per test function\n", wine_version
    printf "host: built against the host's ws2_32 (Wine's); ours: against ws2.dll (libws2.a)\n\n"
    printf "%-34s | %-6s %5s %5s %5s %7s | %-6s %5s %5s %5s %7s\n", "", "host", "", "", "", "", "ours", "", "", "", ""
    printf "%-34s | %6s %5s %5s %5s %7s | %6s %5s %5s %5s %7s\n", "test function", "exec", "fail", "todo", "skip", "time", "exec", "fail", "todo", "skip", "time"
    hf = 0; of = 0; nexcl = 0; ncrash_h = 0; ncrash_o = 0
    for (i = 1; i <= nfn; i++) {
        fn = fns[i]
        printf "%-34s | %s | %s\n", fn, row("host", fn), row("ours", fn)
        hf += fa["host", fn]; of += fa["ours", fn]
        if (st["ours", fn] == "excluded") { nexcl++; of++ }
        if (st["host", fn] == "crash" || st["host", fn] == "timeout") ncrash_h++
        if (st["ours", fn] == "crash" || st["ours", fn] == "timeout") ncrash_o++
    }

    # the ours-only entries, function by function in the order they ran:
    # its exclusion, crash or timeout first, then its checks
    nnew = 0; nce = 0; nopen = 0; nonly = 0; ntodo = 0
    for (j = 1; j <= nent["ours"]; j++) { e = ents["ours", j]; g = fn_of(e); checks[g] = checks[g] SUBSEP e }
    for (i = 1; i <= nfn; i++) {
        fn = fns[i]
        if (st["ours", fn] == "excluded") { e = fn " excluded"; out_only[++nonly] = e; note[e] = why[fn] }
        else if ((st["ours", fn] == "crash" || st["ours", fn] == "timeout") && st["host", fn] == "ran") {
            e = fn " " (st["ours", fn] == "crash" ? "crashed" : "timed out"); out_only[++nonly] = e
        } else if (st["ours", fn] == "crash" || st["ours", fn] == "timeout") {
            shared_crash[++nshared] = fn " " (st["ours", fn] == "crash" ? "crashed" : "timed out") " (so did the host's: " st["host", fn] ")"
        }
        k = split(substr(checks[fn], 2), list, SUBSEP)
        for (j = 1; j <= k; j++) {
            e = list[j]
            if (("host", e) in fail) continue
            if (("ours", e) in fail) out_only[++nonly] = e
            else if (!(("host", e) in todook)) todo_only[++ntodo] = e
        }
    }
    print ""
    printf "Excluded from the ours build (ws2.dll lacks an export they use): %d\n", nexcl
    for (i = 1; i <= nfn; i++) if (st["ours", fns[i]] == "excluded") printf "  excluded: %s: %s\n", fns[i], why[fns[i]]
    print ""
    printf "Crashes and timeouts: host %d, ours %d\n", ncrash_h, ncrash_o
    for (i = 1; i <= nfn; i++) {
        fn = fns[i]
        if (st["host", fn] == "crash" || st["host", fn] == "timeout" || st["ours", fn] == "crash" || st["ours", fn] == "timeout")
            printf "  %-34s host: %-8s ours: %s\n", fn, st["host", fn], st["ours", fn]
    }
    print ""
    for (k = 1; k <= nonly; k++) {
        e = out_only[k]; v = verdict(e)
        if (v == "new") nnew++; else if (v == "ce") nce++; else nopen++
    }
    printf "Failing only with ours: %d (ce-differences.txt %d, known-open.txt %d, new %d)\n", nonly, nce, nopen, nnew
    for (k = 1; k <= nonly; k++) {
        e = out_only[k]; v = verdict(e)
        tag = (v == "new") ? "NEW " : (v == "ce") ? "ce  " : "open"
        if (e in isflaky) tag = tag "~"
        printf "  [%s] %s%s\n", tag, e, (e in note) ? "   (" note[e] ")" : ""
    }
    if (ntodo) {
        print ""
        printf "todo_wine checks that pass only with ours (ours as Windows, where Wine 8 is not; not a verdict): %d\n", ntodo
        for (k = 1; k <= ntodo; k++) printf "  %s\n", todo_only[k]
    }
    # listed entries that did not show up (only for functions that ran)
    ngone = 0
    for (k = 1; k <= nlisted; k++) {
        e = listed_at[k]
        if (e in present || e in isflaky || !wanted(fn_of(e)) || !(fn_of(e) in seenfn)) continue
        gone[++ngone] = e
    }
    if (ngone) {
        print ""
        printf "Listed but no longer failing only with ours (remove them from the file named): %d\n", ngone
        for (k = 1; k <= ngone; k++) printf "  %s: %s\n", (listed[gone[k]] == "ce" ? "ce-differences.txt" : "known-open.txt"), gone[k]
    }
    if (nshared) {
        print ""
        print "Crashes and timeouts shared with the host (the environment, e.g. no DNS; not a verdict):"
        for (k = 1; k <= nshared; k++) printf "  %s\n", shared_crash[k]
    }
    print ""
    printf "Figures: host failures %d; ours failures %d (%d checks, %d excluded functions); ours-only entries %d; host crashes/timeouts %d, ours %d\n",
        hf, of, of - nexcl, nexcl, nonly, ncrash_h, ncrash_o
    if (t_fetch != "") printf "Time: fetch %ds, build %ds, run %ds\n", t_fetch, t_build, t_run
    if (nnew) {
        printf "conformance: FAILED: %d ours-only entr%s in neither ce-differences.txt nor known-open.txt (marked NEW above)\n", nnew, nnew == 1 ? "y" : "ies"
        exit 1
    }
    printf "conformance: OK: every ours-only entry is listed (%d CE differences, %d known open)\n", nce, nopen
    exit 0
}
