#!/usr/bin/env bash
# installer/check-commands.sh [--packages "P1 P2 ..."] [FILE...]
#
# Every external command the project's scripts and Makefiles call must come
# from a package installer/host-setup.sh installs, or from a package every
# Debian machine has (Essential, or Priority: required).  A fresh machine
# only has those, so a command from anywhere else works on the developer's
# machine and fails in CI: this is the check that would have caught `wine`
# (package wine, not wine64) missing from host-setup.
#
# Without FILEs it reads the repository's own: .ci/run, Makefile, *.mk, *.sh,
# and the bash scripts installed from templates (*.in starting with #!...bash).
# --packages replaces host-setup's package list (the self-test uses it).
# Prints one line per offending command with the first file:line calling it;
# exits 1 if there is any, 0 otherwise.
#
# How a command is found: the first word of every simple command (after
# `|`, `&&`, `;`, `$(`, `then`, `do`, ..., assignments and wrappers such as
# `timeout 5` or `xargs`), in shell scripts and in Makefile recipes, plus
# the values of the Makefile's tool variables (CC, DLLTOOL, ...).  Heredoc
# bodies, single-quoted text and comments are not read.  Builtins and the
# scripts' own functions are not commands.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
packages=""
if [ "${1:-}" = --packages ]; then
    packages=$2; shift 2
else
    packages=$(bash "$top/installer/host-setup.sh" --list-packages | tr '\n' ' ')
fi
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
    cd "$top" || exit 2
    mapfile -t files < <(find .ci/run Makefile -type f; find . -path ./build -prune -o -path ./.git -prune -o \
                         -type f \( -name '*.mk' -o -name '*.sh' \) -print | sed 's|^\./||' | sort
                         # templates of installed scripts (sdk/cews2-run.in)
                         find . -path ./build -prune -o -path ./.git -prune -o -type f -name '*.in' -print |
                             sed 's|^\./||' | sort | while read -r f; do
                                 head -1 "$f" | grep -q '^#!.*bash' && echo "$f"; done)
fi

# words FILE: "word<TAB>line" for every command word FILE calls.
words() {
    awk -v q="'" -v makefile="$([[ $1 == *Makefile || $1 == *.mk ]] && echo 1 || echo 0)" '
        function emit(seg, lineno,   n, w, i, skip) {
            gsub(/^[ \t]+|[ \t]+$/, "", seg)
            if (seg == "" || substr(seg, 1, 1) == "\002") return
            n = split(seg, w, /[ \t]+/)
            i = 1
            while (i <= n) {
                if (w[i] ~ /^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=/) { i++; continue }   # VAR=value
                if (w[i] ~ /^(if|then|else|elif|do|while|until|time|!|exec|nice|sudo|xargs|-|@|@-|-@)$/) { i++; continue }
                if (w[i] == "env") { i++; while (i <= n && (w[i] ~ /=/ || w[i] ~ /^-/)) i++; continue }
                if (w[i] == "timeout") { i++; while (i <= n && w[i] ~ /^-/) i++; i++; continue }
                break
            }
            if (i > n) return
            if (w[i] ~ /^(for|case|select|function|fi|done|esac|in|\[|\[\[|\]\]|command|type|hash|local|export|declare|readonly|return|exit|trap)$/) return
            if (w[i] !~ /^[A-Za-z][A-Za-z0-9_.+-]*$/) return   # $var, ./path, "x", patterns...
            print w[i] "\t" lineno
        }
        {
            line = $0; lineno = FNR
            # join continuation lines
            while (line ~ /\\$/ && (getline nxt) > 0) { line = substr(line, 1, length(line) - 1) " " nxt }
            if (inheredoc != "") { t = line; sub(/^\t+/, "", t); if (t == inheredoc) inheredoc = ""; next }
            if (makefile) {
                if (line ~ /^define[ \t]/) indefine = 1
                if (line ~ /^endef/) indefine = 0
                if (line ~ /^\t/) { sub(/^\t[@+-]*/, "", line) }
                else if (qstate == "") {
                    # tool variables: NAME ?= tool, NAME := $(TRIPLE)-tool
                    if (match(line, /^[A-Z_]*(CC|DLLTOOL|NM|AR|LD|OBJDUMP|WINDRES)[ \t]*[?:]?=[ \t]*/)) {
                        v = substr(line, RLENGTH + 1); gsub(/[ \t]+$/, "", v)
                        gsub(/\$\((TRIPLE)\)/, "x86_64-w64-mingw32", v)
                        if (v ~ /^[A-Za-z][A-Za-z0-9_.+-]*$/) print v "\t" lineno
                    }
                    if (line !~ /\$\(shell /) next
                    sub(/^[^$]*\$\(shell /, "", line)
                }
                gsub(/\$\(TRIPLE\)|\$\(ARCH\)-w64-mingw32|\$\$arch-w64-mingw32/, "x86_64-w64-mingw32", line)
                # $$ is the shell dollar; the rest are the Makefile variables and
                # functions, $(X) and $(f ...), replaced innermost first
                if (indefine) gsub(/\$\$\([A-Z_0-9]+\)/, "$v", line)          # $$(VAR) in a define
                while (indefine && match(line, /\$\$\((dir|notdir|basename|subst|patsubst|filter|filter-out|firstword|lastword|words|word|wildcard|abspath|foreach|call|if|or|and|strip|sort) /))
                    line = substr(line, 1, RSTART - 1) substr(line, RSTART + 1)   # $$(f ...) in a define
                gsub(/\$\$/, "\001", line)
                while (gsub(/\$\([^()]*\)/, "$v", line) > 0) ;
                gsub(/\001/, "$", line)
            } else {
                gsub(/\$arch-w64-mingw32|\$\{arch\}-w64-mingw32/, "x86_64-w64-mingw32", line)
            }
            # heredoc start: read the command part, skip the body
            if (qstate == "" && match(line, "[^<]<<-?[ \t]*[" q "\"]?[A-Za-z_][A-Za-z0-9_]*")) {
                d = substr(line, RSTART + 1, RLENGTH - 1); sub("^<<-?[ \t]*[" q "\"]?", "", d); heredoc_next = d
            }
            # Quotes and comments, a character at a time: single-quoted text and
            # comments are dropped, double-quoted text too except a command
            # substitution in it; a quote left open runs over the next lines.
            out = (qstate != "" ? "\002" : ""); len = length(line)   # \002: the rest of a command
            for (c = 1; c <= len; c++) {
                ch = substr(line, c, 1)
                if (qstate == "s") { if (ch == q) qstate = ""; continue }
                if (qstate == "d") {
                    if (ch == "\\") { c++; continue }
                    if (ch == "\"") { qstate = ""; out = out " "; continue }
                    if (ch == "$" && substr(line, c + 1, 1) == "(") { out = out " $("; c++; qstate = ""; sp++; back[sp] = "d"; depth[sp] = 1; continue }
                    continue
                }
                if (ch == "\\") { c++; out = out " "; continue }
                if (ch == q) { qstate = "s"; continue }
                if (ch == "\"") { qstate = "d"; continue }
                if (ch == "#" && (c == 1 || substr(line, c - 1, 1) ~ /[ \t;]/)) break
                # a command substitution opened inside double quotes, nested any deep
                if (sp > 0 && ch == "(") depth[sp]++
                if (sp > 0 && ch == ")" && --depth[sp] == 0) { qstate = back[sp]; sp--; out = out ");"; continue }
                out = out ch
            }
            line = out
            # case patterns: "pat|pat)" at the start of a line inside case ... esac
            if (line ~ /(^|[ \t;])case[ \t].*[ \t]in([ \t]|$)/) incase++
            sub(/(^|[ \t;])case[ \t][^;]*[ \t]in[ \t]+[^()]*\)/, ";", line)   # case X in pat) cmd
            if (line ~ /(^|[ \t;])esac([ \t;]|$)/ && incase > 0) incase--
            if (incase > 0 && line ~ /^[ \t]*[^ \t()]+[^()]*\)/) sub(/^[ \t]*[^()]*\)/, "", line)
            # $((arithmetic)) is no command; each $(command) is one of its own
            nx = 0
            do {
                changed = gsub(/\$\(\([^()]*\)\)/, "0", line)
                while (match(line, /\$\([^()]*\)/)) {
                    extra[++nx] = substr(line, RSTART + 2, RLENGTH - 3)
                    line = substr(line, 1, RSTART - 1) "0" substr(line, RSTART + RLENGTH); changed++
                }
            } while (changed)
            for (k = 1; k <= nx; k++) line = line ";" extra[k]
            gsub(/[A-Za-z_][A-Za-z0-9_]*\+?=\([^()]*\)/, "", line)     # arrays: a=(x y), a+=(z)
            gsub(/\$\{[^}]*\}/, "$v", line)                            # ${...}
            gsub(/&&|\|\||[|;&`(){}]|\$\(/, "\n", line)
            gsub(/(^|[ \t])(then|do|else)[ \t]/, "\n", line)
            n = split(line, segs, "\n")
            for (k = 1; k <= n; k++) emit(segs[k], lineno)
            if (heredoc_next != "") { inheredoc = heredoc_next; heredoc_next = "" }
        }' "$1"
}

# the scripts' own functions (name() {) are not commands
functions=" $(cat "${files[@]}" | sed -n 's/^[ \t]*\([A-Za-z_][A-Za-z0-9_]*\)[ \t]*()[ \t]*{*.*/\1/p' | tr '\n' ' ') "

# The packages host-setup installs, with everything they depend on (what
# apt installs with them), and every package the machine has that Debian
# marks Essential or Priority: required (a fresh Debian has those).
closure=" $(apt-cache depends --recurse --installed --no-recommends --no-suggests --no-conflicts \
              --no-breaks --no-replaces --no-enhances $packages 2>/dev/null | grep -v '^ ' | sed 's/:.*//' | sort -u | tr '\n' ' ')"
closure+=" $(dpkg-query -W -f='${Package} ${Essential} ${Priority}\n' 2>/dev/null | awk '$2 == "yes" || $NF == "required" { print $1 }' | tr '\n' ' ') "

declare -A first path
for f in "${files[@]}"; do
    while IFS=$'\t' read -r w ln; do
        [ -n "${first[$w]:-}" ] || first[$w]="$f:$ln"
    done < <(words "$f")
done

bad=0
candidates=()
for w in $(printf '%s\n' "${!first[@]}" | sort); do
    case " $functions " in *" $w "*) continue ;; esac
    case $(type -t "$w" 2>/dev/null) in builtin|keyword) continue ;; esac
    p=$(type -P "$w" 2>/dev/null || true)
    if [ -z "$p" ]; then
        echo "check-commands: '$w' (${first[$w]}) is not installed, and no package of host-setup.sh provides it"
        bad=1; continue
    fi
    path[$w]=$p
    r=$(readlink -f "$p"); candidates+=("$p" "$r" "/usr${p#/usr}" "${p#/usr}" "/usr${r#/usr}" "${r#/usr}")
done
# owner of every candidate path, in one dpkg-query (merged /usr: a command may
# be registered under /bin or /usr/bin, through a symlink or not)
declare -A owner
while IFS= read -r l; do
    pkgs=${l%%: /*}; f=/${l#*: /}
    [[ $l == diversion* ]] && continue
    owner[$f]=${pkgs%%,*}; owner[$f]=${owner[$f]%%:*}
done < <(dpkg-query -S "${candidates[@]}" 2>/dev/null)

for w in $(printf '%s\n' "${!path[@]}" | sort); do
    p=${path[$w]}; r=$(readlink -f "$p"); pkg=""
    for c in "$p" "$r" "/usr${p#/usr}" "${p#/usr}" "/usr${r#/usr}" "${r#/usr}"; do
        [ -n "${owner[$c]:-}" ] && { pkg=${owner[$c]}; break; }
    done
    if [ -z "$pkg" ]; then
        echo "check-commands: '$w' ($p, ${first[$w]}) belongs to no Debian package; host-setup.sh cannot install it"
        bad=1; continue
    fi
    case $closure in *" $pkg "*) continue ;; esac
    echo "check-commands: '$w' (${first[$w]}) comes from package $pkg, which host-setup.sh does not install"
    bad=1
done
if [ $bad -eq 0 ]; then
    echo "check-commands: ${#first[@]} command words in ${#files[@]} files, all from host-setup's packages or Debian's required set"
fi
exit $bad
