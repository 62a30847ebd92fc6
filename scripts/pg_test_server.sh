#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test-suite (docs/postgresql.md).
#
#   scripts/pg_test_server.sh install          # Debian's PostgreSQL, only when no initdb is found
#   scripts/pg_test_server.sh run -- CMD...    # start a cluster in a temp folder, run CMD with
#                                              # AUTOINTEL_TEST_PG=postgresql://..., stop and delete it
#   scripts/pg_test_server.sh start DIR        # the same in two steps: prints the URL ...
#   scripts/pg_test_server.sh stop DIR         # ... and removes the cluster
#
# The cluster listens on a unix socket in its folder only (no TCP port to collide with), is owned by the
# `postgres` user when we run as root (PostgreSQL refuses to run as root), and trades durability for speed
# (fsync off): it holds nothing but test databases.  Encoding UTF-8, locale C, so text sorts by code point
# as SQLite's BINARY collation does.
set -euo pipefail

find_bin() {  # the directory holding initdb/pg_ctl: PATH, /usr/local/bin, then Debian's versioned folders
    local d
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"; return 0
    fi
    for d in /usr/local/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
    done
    return 1
}

install_pg() {
    if find_bin >/dev/null; then return 0; fi
    local sudo=""
    if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then sudo=sudo; fi
    $sudo apt-get install -y --no-install-recommends postgresql \
        || { $sudo apt-get update && $sudo apt-get install -y --no-install-recommends postgresql; }
    find_bin >/dev/null
}

as_owner() {  # run a server binary as the cluster's owner (Debian's package creates `postgres`)
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

start() {
    local dir="$1" bin
    bin="$(find_bin)" || { echo "pg_test_server: no initdb found (run '$0 install')" >&2; exit 1; }
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
        chown postgres: "$dir"; chmod 700 "$dir"
    fi
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    # listen_addresses='': unix socket only.  fsync/full_page_writes off: a crash loses only test data.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses='' -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    # libpq URL with the socket folder as host (percent-encoded slashes)
    echo "postgresql://postgres@$(printf %s "$dir" | sed 's,/,%2F,g')/postgres"
}

stop() {
    local dir="$1" bin
    bin="$(find_bin)" || exit 0
    if [ -d "$dir/data" ]; then as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
}

case "${1:-}" in
    install) install_pg ;;
    start) start "${2:?folder}" ;;
    stop) stop "${2:?folder}" ;;
    run)
        shift; [ "${1:-}" = "--" ] && shift
        dir="$(mktemp -d /tmp/autointel-pg.XXXXXX)"
        trap 'stop "$dir"' EXIT INT TERM
        url="$(start "$dir")"
        echo "pg_test_server: PostgreSQL at $url" >&2
        AUTOINTEL_TEST_PG="$url" "$@"
        ;;
    *) sed -n '2,9p' "$0" >&2; exit 2 ;;
esac
