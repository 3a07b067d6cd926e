# installer/debsrc.sh - sourced: fetch a Debian source package into a folder
# of ours, from the mirrors this machine is already configured to use.
#
#   . installer/debsrc.sh
#   debsrc_fetch PACKAGE WORKDIR [DPKG-SOURCE-OPTION...]
#                                   # unpacks into WORKDIR/PACKAGE (the tree)
#   debsrc_list OUTFILE             # only writes the derived deb-src list
#
# Nothing is written to the system's apt configuration or lists: apt runs
# with a private source list, private lists and a private archive cache under
# WORKDIR.  The source list is derived from the machine's own apt sources
# (/etc/apt/sources.list, sources.list.d/*.list in one-line form and
# sources.list.d/*.sources in deb822 form): every enabled `deb` entry of the
# machine's own release (suites named after VERSION_CODENAME, e.g. bookworm,
# bookworm-updates, bookworm-security) becomes the same entry as `deb-src`,
# with its options (signed-by, ...) kept.  So whatever mirror or proxy the
# machine uses is used here too, and no host name is written in this
# repository.  Third-party repositories of other suites are left out: they
# rarely publish sources, and one failing would fail the whole update.

debsrc_say() { printf 'debsrc: %s\n' "$*" >&2; }

# The codename of this machine's release (bookworm on Debian 12).
debsrc_codename() {
    local c=""
    if [ -r /etc/os-release ]; then
        c=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
    fi
    printf '%s' "$c"
}

# debsrc_list OUTFILE: write the deb-src list (one-line form), one entry per
# suite; exits 1 with a message when the machine has no usable deb entry.
debsrc_list() {
    local out=$1 codename files f
    codename=$(debsrc_codename)
    if [ -z "$codename" ]; then
        debsrc_say "cannot tell this machine's release (no VERSION_CODENAME in /etc/os-release)"
        return 1
    fi
    files=()
    [ -f /etc/apt/sources.list ] && files+=(/etc/apt/sources.list)
    for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && files+=("$f")
    done
    : >"$out"
    for f in "${files[@]}"; do
        case $f in
        *.sources) debsrc_from_deb822 "$codename" <"$f" >>"$out" ;;
        *)         debsrc_from_oneline "$codename" <"$f" >>"$out" ;;
        esac
    done
    # the same entry may come from several files (deb and deb-src both listed)
    sort -u -o "$out" "$out"
    if [ ! -s "$out" ]; then
        debsrc_say "no enabled 'deb' source for $codename in /etc/apt/sources.list{,.d/}"
        return 1
    fi
}

# One-line form: "deb [options] URI SUITE COMPONENT..." -> the same as deb-src.
debsrc_from_oneline() {
    awk -v codename="$1" '
        { sub(/#.*/, "") }
        $1 != "deb" { next }
        {
            i = 2; opts = ""
            if ($2 ~ /^\[/) {                 # options run until the word ending in ]
                for (; i <= NF; i++) { opts = opts (opts == "" ? "" : " ") $i; if ($i ~ /\]$/) { i++; break } }
            }
            uri = $i; suite = $(i + 1)
            if (suite != codename && index(suite, codename "-") != 1 && index(suite, codename "/") != 1) next
            comps = ""
            for (j = i + 2; j <= NF; j++) comps = comps " " $j
            print "deb-src" (opts == "" ? "" : " " opts) " " uri " " suite comps
        }'
}

# deb822 form: paragraphs of "Field: value"; Types lists deb and/or deb-src;
# one paragraph may name several URIs and Suites; "Enabled: no" turns it off.
debsrc_from_deb822() {
    awk -v codename="$1" '
        function flush(   nu, ns, u, s, uris, suites, opt) {
            if (types ~ /(^| )deb( |$)/ && tolower(enabled) != "no" && urilist != "") {
                opt = (signed != "" ? " [signed-by=" signed "]" : "")
                nu = split(urilist, uris, " "); ns = split(suitelist, suites, " ")
                for (u = 1; u <= nu; u++) for (s = 1; s <= ns; s++) {
                    if (suites[s] != codename && index(suites[s], codename "-") != 1) continue
                    print "deb-src" opt " " uris[u] " " suites[s] " " comps
                }
            }
            types = urilist = suitelist = comps = signed = enabled = ""; field = ""
        }
        /^[ \t]*#/ { next }
        /^[ \t]*$/ { flush(); next }
        /^[ \t]/   { if (field == "signed-by") next; sub(/^[ \t]+/, ""); value = $0
                     if (field == "uris") urilist = urilist " " value
                     else if (field == "suites") suitelist = suitelist " " value
                     else if (field == "components") comps = comps " " value
                     next }
        {
            field = tolower(substr($0, 1, index($0, ":") - 1)); value = substr($0, index($0, ":") + 1)
            sub(/^[ \t]+/, "", value); sub(/[ \t]+$/, "", value)
            if (field == "types") types = value
            else if (field == "uris") urilist = value
            else if (field == "suites") suitelist = value
            else if (field == "components") comps = value
            else if (field == "signed-by") signed = (value ~ /^\// ? value : "")
            else if (field == "enabled") enabled = value
        }
        END { flush() }'
}

# debsrc_fetch PACKAGE WORKDIR: download PACKAGE's Debian source with the
# derived list and unpack it into WORKDIR/PACKAGE (further arguments go to
# dpkg-source, e.g. --skip-patches).
# Leaves WORKDIR/PACKAGE.stamp when done, and does nothing if it is there.
debsrc_fetch() {
    local pkg=$1 work=$2 aptopts
    shift 2
    [ -f "$work/$pkg.stamp" ] && [ -d "$work/$pkg" ] && return 0
    mkdir -p "$work/apt/lists/partial" "$work/apt/archives/partial" "$work/apt/parts"
    # absolute: apt-get source runs in WORKDIR/PACKAGE.dl, and apt reads a
    # relative Dir::Etc path below /etc/apt
    work=$(cd "$work" && pwd)
    debsrc_list "$work/apt/sources.list" || return 1
    aptopts=(-o "Dir::Etc::SourceList=$work/apt/sources.list"
             -o "Dir::Etc::SourceParts=$work/apt/parts"
             -o "Dir::State::Lists=$work/apt/lists"
             -o "Dir::Cache::Archives=$work/apt/archives"
             -o "Debug::NoLocking=1")
    debsrc_say "fetching Debian's $pkg source package ($(wc -l <"$work/apt/sources.list") deb-src entries from this machine's apt sources)"
    if ! apt-get "${aptopts[@]}" update -qq >"$work/apt/update.log" 2>&1; then
        debsrc_say "apt-get update with the derived deb-src list failed; see $work/apt/update.log"
        return 1
    fi
    rm -rf "$work/$pkg" "$work/$pkg.dl"; mkdir -p "$work/$pkg.dl"
    if ! (cd "$work/$pkg.dl" && apt-get "${aptopts[@]}" source --download-only -qq "$pkg") \
            >"$work/$pkg.fetch.log" 2>&1; then
        debsrc_say "apt-get source $pkg failed; see $work/$pkg.fetch.log"
        return 1
    fi
    if ! (cd "$work/$pkg.dl" && dpkg-source "$@" -x ./*.dsc "$work/$pkg") >>"$work/$pkg.fetch.log" 2>&1; then
        debsrc_say "dpkg-source could not unpack $pkg; see $work/$pkg.fetch.log"
        return 1
    fi
    touch "$work/$pkg.stamp"
}
