#!/usr/bin/env bash
# Makes a PostgreSQL server reachable for the store tests and gives its admin URL (a superuser that
# may CREATE DATABASE) as GUIYAN_TEST_POSTGRES_URL.
#
#   export GUIYAN_TEST_POSTGRES_URL="$(scripts/postgres.sh)"   # a developer, before `cargo test`
#   scripts/postgres.sh stop /tmp/guiyan-pg.XXXXXX             # stop a throwaway cluster it started
#   source scripts/postgres.sh                                 # scripts/test: defines the functions
#   trap guiyan_pg_cleanup EXIT; guiyan_pg_provision           # exports the URL, cleans up at exit
#
# Which server, first that works:
#   (a) $GUIYAN_TEST_POSTGRES_URL, if set and answering as a superuser or a role with CREATEDB;
#   (b) postgres@127.0.0.1:5432 with trust authentication (a developer's or CI's own server);
#   (c) a throwaway cluster from /usr/lib/postgresql/*/bin (initdb + pg_ctl, as user `postgres` when
#       run as root) in /tmp/guiyan-pg.*, on 127.0.0.1 from port 55432 up, trust auth, fsync off.
#       Without those binaries it runs `apt-get install postgresql` when root, else fails.
# GUIYAN_PG_PREFER_THROWAWAY=1 skips (a) and (b), to exercise (c). Messages go to stderr; when run
# as a command, the URL alone goes to stdout.

# Where the throwaway cluster lives, once started; guiyan_pg_cleanup stops and removes it.
GUIYAN_PG_THROWAWAY_DIR=${GUIYAN_PG_THROWAWAY_DIR:-}

_guiyan_pg_log() { printf 'postgres.sh: %s\n' "$*" >&2; }

# Seconds since START (an $EPOCHREALTIME), e.g. 1.42s.
_guiyan_pg_since() {
  local now=$EPOCHREALTIME start=$1 us
  us=$((10#${now//[^0-9]/} - 10#${start//[^0-9]/}))
  printf '%d.%02ds' $((us / 1000000)) $((us % 1000000 / 10000))
}

# The newest local server binaries' folder, e.g. /usr/lib/postgresql/15/bin.
_guiyan_pg_bindir() {
  local initdb
  initdb=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)
  [[ -x $initdb && -x ${initdb%/initdb}/pg_ctl ]] || return 1
  printf '%s\n' "${initdb%/initdb}"
}

# A client program (psql, pg_isready) from PATH or else from the server binaries' folder.
_guiyan_pg_tool() {
  local bindir
  if command -v "$1" >/dev/null 2>&1; then
    command -v "$1"
  elif bindir=$(_guiyan_pg_bindir) && [[ -x $bindir/$1 ]]; then
    printf '%s\n' "$bindir/$1"
  else
    return 1
  fi
}

# Succeeds if URL answers and its role may create databases. Extra arguments are env assignments.
_guiyan_pg_usable() {
  local url=$1 psql answer
  shift
  psql=$(_guiyan_pg_tool psql) || return 1
  answer=$(env "$@" PGCONNECT_TIMEOUT=5 "$psql" -X -w -Atq -d "$url" \
    -c 'select rolsuper or rolcreatedb from pg_roles where rolname = current_user' 2>/dev/null) || return 1
  [[ $answer == t ]]
}

# Something listens on 127.0.0.1:PORT (bash's /dev/tcp; no ss or netstat needed).
_guiyan_pg_port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Runs a server binary as the owner of DIR (runuser from root; directly if that is us).
_guiyan_pg_as_owner() {
  local owner=$1
  shift
  if [[ $owner == "$(id -un)" ]]; then
    (cd /tmp && "$@")
  else
    (cd /tmp && runuser -u "$owner" -- "$@")
  fi
}

_guiyan_pg_install() {
  if [[ $EUID -ne 0 ]]; then
    _guiyan_pg_log "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin and not root, so cannot install them."
    _guiyan_pg_log "Install them (sudo apt-get install postgresql), or start a server and set"
    _guiyan_pg_log "GUIYAN_TEST_POSTGRES_URL=postgres://USER[:PASSWORD]@HOST:PORT/postgres (a role that may CREATE DATABASE)."
    return 1
  fi
  _guiyan_pg_log "no PostgreSQL server binaries; installing the postgresql package"
  apt-get update -q >&2 || { _guiyan_pg_log "apt-get update failed"; return 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql >&2 ||
    { _guiyan_pg_log "apt-get install postgresql failed"; return 1; }
}

# (c): a throwaway cluster; sets GUIYAN_PG_THROWAWAY_DIR as soon as its folder exists.
_guiyan_pg_throwaway() {
  local bindir owner dir port attempt options
  if ! bindir=$(_guiyan_pg_bindir); then
    _guiyan_pg_install || return 1
    bindir=$(_guiyan_pg_bindir) || { _guiyan_pg_log "postgresql installed but no initdb in /usr/lib/postgresql/*/bin"; return 1; }
  fi
  owner=$(id -un)
  if [[ $EUID -eq 0 ]]; then
    # initdb refuses to run as root.
    if ! id -u postgres >/dev/null 2>&1; then
      _guiyan_pg_log "running as root and there is no 'postgres' user to run initdb as (the postgresql package creates it)"
      return 1
    fi
    owner=postgres
  fi
  dir=$(mktemp -d /tmp/guiyan-pg.XXXXXX) || return 1
  GUIYAN_PG_THROWAWAY_DIR=$dir
  chmod 755 "$dir"
  [[ $owner == "$(id -un)" ]] || chown "$owner:" "$dir"
  if ! _guiyan_pg_as_owner "$owner" "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale \
    --no-sync >"$dir/initdb.log" 2>&1; then
    _guiyan_pg_log "initdb failed:"
    cat "$dir/initdb.log" >&2
    return 1
  fi
  port=${GUIYAN_PG_THROWAWAY_PORT:-55432}
  for ((attempt = 1; attempt <= 20; attempt++)); do
    if _guiyan_pg_port_busy "$port"; then
      port=$((port + 1))
      continue
    fi
    # TCP on loopback only, the socket in our folder (/var/run/postgresql may not exist), fsync and
    # friends off (the data is thrown away), room for many parallel tests.
    options="-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir"
    options+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
    if _guiyan_pg_as_owner "$owner" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$options" \
      start >/dev/null 2>&1; then
      GUIYAN_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
      export GUIYAN_TEST_POSTGRES_URL
      if ! _guiyan_pg_usable "$GUIYAN_TEST_POSTGRES_URL"; then
        _guiyan_pg_log "throwaway cluster started on port $port but does not answer; its log:"
        cat "$dir/server.log" >&2
        return 1
      fi
      return 0
    fi
    if ! grep -q 'could not bind\|Address already in use' "$dir/server.log" 2>/dev/null; then
      _guiyan_pg_log "pg_ctl start failed (attempt $attempt, port $port); server log:"
      cat "$dir/server.log" >&2 2>/dev/null
      return 1
    fi
    port=$((port + 1)) # lost a race for the port to another process
  done
  _guiyan_pg_log "no free port for the throwaway cluster from ${GUIYAN_PG_THROWAWAY_PORT:-55432} up"
  return 1
}

# Stops a throwaway cluster in DIR and removes DIR; refuses folders it did not make.
_guiyan_pg_stop() {
  local dir=$1 owner
  case $(basename "$dir") in
    guiyan-pg.*) ;;
    *) _guiyan_pg_log "refusing to remove $dir: not a throwaway cluster folder (/tmp/guiyan-pg.*)"; return 1 ;;
  esac
  [[ -d $dir ]] || return 0
  if [[ -f $dir/data/postmaster.pid ]]; then
    owner=$(stat -c %U "$dir/data")
    _guiyan_pg_as_owner "$owner" "$(_guiyan_pg_bindir)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 ||
      _guiyan_pg_log "warning: could not stop the throwaway cluster in $dir"
  fi
  rm -rf -- "$dir"
}

# Stops and removes the throwaway cluster this shell started, if any. For `trap ... EXIT`.
guiyan_pg_cleanup() {
  if [[ -n ${GUIYAN_PG_THROWAWAY_DIR:-} ]]; then
    _guiyan_pg_stop "$GUIYAN_PG_THROWAWAY_DIR"
    _guiyan_pg_log "stopped the throwaway cluster in $GUIYAN_PG_THROWAWAY_DIR"
    GUIYAN_PG_THROWAWAY_DIR=
  fi
}

# Exports GUIYAN_TEST_POSTGRES_URL for a usable server, starting one if needed; fails loudly.
guiyan_pg_provision() {
  local start=$EPOCHREALTIME isready
  if [[ ${GUIYAN_PG_PREFER_THROWAWAY:-} != 1 ]]; then
    if [[ -n ${GUIYAN_TEST_POSTGRES_URL:-} ]]; then
      if ! _guiyan_pg_tool psql >/dev/null; then
        _guiyan_pg_log "no psql to check GUIYAN_TEST_POSTGRES_URL; using it as given"
        export GUIYAN_TEST_POSTGRES_URL
        return 0
      fi
      if _guiyan_pg_usable "$GUIYAN_TEST_POSTGRES_URL"; then
        export GUIYAN_TEST_POSTGRES_URL
        _guiyan_pg_log "using GUIYAN_TEST_POSTGRES_URL ($(_guiyan_pg_since "$start"))"
        return 0
      fi
      _guiyan_pg_log "warning: GUIYAN_TEST_POSTGRES_URL is set but does not answer as a role that may create" \
        "databases; looking for another server"
    fi
    if isready=$(_guiyan_pg_tool pg_isready) && PGCONNECT_TIMEOUT=3 "$isready" -q -h 127.0.0.1 -p 5432 -U postgres &&
      _guiyan_pg_usable postgres://postgres@127.0.0.1:5432/postgres PGPASSWORD= PGPASSFILE=/dev/null; then
      GUIYAN_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres
      export GUIYAN_TEST_POSTGRES_URL
      _guiyan_pg_log "using the server at 127.0.0.1:5432 (user postgres, trust auth) ($(_guiyan_pg_since "$start"))"
      return 0
    fi
  fi
  if _guiyan_pg_throwaway; then
    _guiyan_pg_log "started a throwaway cluster at ${GUIYAN_TEST_POSTGRES_URL#postgres://postgres@} in" \
      "$GUIYAN_PG_THROWAWAY_DIR ($(_guiyan_pg_since "$start"))"
    return 0
  fi
  _guiyan_pg_log "error: no PostgreSQL server for the tests"
  return 1
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  case ${1:-start} in
    start)
      if ! guiyan_pg_provision; then
        guiyan_pg_cleanup
        exit 1
      fi
      printf '%s\n' "$GUIYAN_TEST_POSTGRES_URL"
      if [[ -n $GUIYAN_PG_THROWAWAY_DIR ]]; then
        _guiyan_pg_log "the throwaway cluster keeps running; stop it with: $0 stop $GUIYAN_PG_THROWAWAY_DIR"
      fi
      ;;
    stop)
      [[ $# -eq 2 ]] || { _guiyan_pg_log "usage: $0 stop /tmp/guiyan-pg.XXXXXX"; exit 2; }
      _guiyan_pg_stop "$2"
      ;;
    *)
      _guiyan_pg_log "usage: $0 [start | stop DIR]"
      exit 2
      ;;
  esac
fi
