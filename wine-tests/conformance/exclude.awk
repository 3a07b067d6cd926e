# wine-tests/conformance/exclude.awk - which test functions need which
# missing symbols, from the object file's own relocations.
#
#   objdump -r OBJ | awk -v units=UNITS -v roots=ROOTS -v missing=MISSING -f exclude.awk
#
# UNITS: the test functions (select.awk -v mode=units), one a line.
# ROOTS: what each call of a test function passes it (select.awk -v
# mode=roots): sock.c's do_test(&tests[i]) reaches its client and server
# functions through the table `tests`, which START_TEST names, not do_test.
# MISSING: the symbols the link could not resolve, one a line, as ld names
# them (__imp_WSASocketA for an imported function, in6addr_any for data).
# Prints "FUNCTION<TAB>missing export A, B" for every test function from
# which a missing symbol can be reached, and "-<TAB>SYMBOL" for a missing
# symbol no test function reaches (used outside them: no exclusion helps).
#
# The object is built with -ffunction-sections -fdata-sections, so every
# function and named variable has a section of its own (.text$NAME,
# .rdata$NAME, .data$NAME; GCC's clones are NAME.constprop.0 etc.), and its
# relocations are exactly what it refers to: functions it calls or takes the
# address of, variables (whose own relocations are followed in turn: tables
# of callbacks), imports (__imp_X).  A test function "needs" a symbol when
# the symbol is reachable from it in that graph.  The unnamed sections
# (.rdata of string literals and constants) lead nowhere and are not
# followed, nor are .pdata/.xdata (unwind data) and debug sections.
function node(s) {
    sub(/[+-]0x[0-9a-fA-F]+$/, "", s)
    if (s ~ /^\.(pdata|xdata|debug)/) return ""
    if (s ~ /^\.[a-z]+\$/) { sub(/^\.[a-z]+\$/, "", s); return s }
    if (s ~ /^\./ && s !~ /^\.refptr\./) return ""      # .text, .rdata, .data, .bss
    return s
}
BEGIN {
    while ((getline l < units) > 0) if (l != "") { unit[++nu] = l }
    while ((getline l < missing) > 0) if (l != "") { miss[l] = 1 }
    while ((getline l < roots) > 0) { split(l, f, "\t"); if (f[2] != "") extra[f[1]] = extra[f[1]] " " f[2] }
}
/^RELOCATION RECORDS FOR \[/ {
    s = $4; sub(/^\[/, "", s); sub(/\]:$/, "", s)
    src = node(s); next
}
src != "" && NF >= 3 && $1 ~ /^[0-9a-fA-F]+$/ {
    t = node($3)
    if (t != "" && t != src && !((src, t) in seen)) { seen[src, t] = 1; adj[src] = adj[src] " " t }
    allsrc[src] = 1
}
END {
    for (m in miss) reached[m] = 0
    for (i = 1; i <= nu; i++) {
        u = unit[i]
        # the roots: the function itself and GCC's clones of it
        delete vis; n = 0
        for (s in allsrc) if (s == u || index(s, u ".") == 1) { stack[++n] = s; vis[s] = 1 }
        if (!(u in vis)) { stack[++n] = u; vis[u] = 1 }
        k = split(extra[u], r, " ")
        for (j = 1; j <= k; j++) if (!(r[j] in vis)) { stack[++n] = r[j]; vis[r[j]] = 1 }
        found = ""
        while (n > 0) {
            s = stack[n--]
            if (s in miss) {
                name = s; sub(/^__imp_/, "", name); sub(/^\.refptr\./, "", name)
                found = found "\n" name; reached[s] = 1
            }
            k = split(adj[s], nx, " ")
            for (j = 1; j <= k; j++) if (!(nx[j] in vis)) { vis[nx[j]] = 1; stack[++n] = nx[j] }
        }
        if (found != "") {
            k = split(substr(found, 2), names, "\n")
            # sorted, one each
            for (a = 2; a <= k; a++) { v = names[a]; for (b = a - 1; b >= 1 && names[b] > v; b--) names[b + 1] = names[b]; names[b + 1] = v }
            out = ""; prev = ""
            for (a = 1; a <= k; a++) if (names[a] != prev) { out = out (out == "" ? "" : ", ") names[a]; prev = names[a] }
            print u "\tmissing export " out
        }
    }
    for (m in miss) if (!reached[m]) print "-\t" m
}
