# shellcheck shell=bash
# Helpers for bench/run: messages, the unprivileged server user, the throwaway cluster, timed runs.
# Sourced by bench/run, which sets the globals these functions use (WORK, PGDATA, PGBIN, PORT, ...).

# --- messages -----------------------------------------------------------------------------------

log() {
  printf '%s bench: %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

die() {
  printf 'bench: %s\n' "$1" >&2
  [[ -n ${2:-} ]] && printf 'HINT: %s\n' "$2" >&2
  exit 1
}

# --- the OS user that runs PostgreSQL and the tools -------------------------------------------------

is_root() {
  [[ $(id -u) -eq 0 ]]
}

# initdb and postgres refuse to run as root: as root, the server (and every tool, so that the
# repositories and copies have the same owner as PGDATA) runs as 'postgres', created by the Debian
# package, or as a system user made for the benchmark; as anyone else, as that user.
choose_pg_user() {
  if ! is_root; then
    id -un
  elif id postgres >/dev/null 2>&1; then
    echo postgres
  else
    id walden-bench >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin walden-bench
    echo walden-bench
  fi
}

# Runs a command as PG_USER with the connection settings of the throwaway cluster.
as_pg() {
  local env=(PGHOST=127.0.0.1 "PGPORT=${PORT:-5432}" PGUSER=postgres PGDATABASE=postgres)
  if [[ $PG_USER == "$(id -un)" ]]; then
    env "${env[@]}" "$@"
  else
    runuser -u "$PG_USER" -- env "${env[@]}" "$@"
  fi
}

# --- the throwaway cluster ----------------------------------------------------------------------

# The newest PostgreSQL major with server binaries in the standard Debian location.
find_pg_bin() {
  local major
  major=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' 2>/dev/null \
    | awk -F/ '{ print $5 }' | sort -n | tail -n 1)
  [[ -n $major ]] && echo "/usr/lib/postgresql/$major/bin"
}

# A TCP port nobody listens on, so the benchmark never meets a cluster that is already there.
free_port() {
  local port
  for port in $(seq 55432 55532); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

psql_pg() {
  as_pg "$PGBIN/psql" -X -A -t -q -v ON_ERROR_STOP=1 "$@"
}

init_cluster() {
  log "initdb (data checksums on) in $PGDATA, port $PORT, OS user $PG_USER"
  as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C --data-checksums --no-sync \
    >"$WORK/logs/initdb.log" 2>&1 || { tail -n 20 "$WORK/logs/initdb.log" >&2; die "initdb failed"; }
  # archive_mode needs a restart to change, archive_command only a reload: it starts as a no-op
  # and each measured tool switches it to its own command (set_archive_command)
  as_pg tee -a "$PGDATA/postgresql.conf" >/dev/null <<EOF

# bench/run
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCK'
wal_level = replica
archive_mode = on
archive_command = 'true'
logging_collector = off
EOF
}

start_cluster() {
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$WORK/logs/postgres.log" -w -t 120 start >/dev/null \
    || { tail -n 20 "$WORK/logs/postgres.log" >&2; die "PostgreSQL did not start"; }
  CLUSTER_RUNNING=1
}

stop_cluster() {
  # immediate: the cluster is thrown away, there is nothing to flush
  if [[ -f $PGDATA/postmaster.pid ]]; then
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  CLUSTER_RUNNING=0
}

# Switches archive_command (a reload is enough) and waits until the archiver uses it: a segment
# archived by the previous tool's command would end up in the wrong repository.
set_archive_command() {
  local command=$1 quoted
  quoted=${command//\'/\'\'}
  wait_archiver_idle
  psql_pg -c "ALTER SYSTEM SET archive_command = '$quoted'" -c "SELECT pg_reload_conf()" >/dev/null
  local i
  for i in $(seq 1 50); do
    [[ $(psql_pg -c "SHOW archive_command") == "$command" ]] && break
    sleep 0.1
  done
  sleep 1 # the archiver reads the new setting at its next loop, after the backends do
}

# Waits until every finished segment is archived (no .ready files), so that archiving left over
# from a previous step does not run on the clock of the next one.
wait_archiver_idle() {
  local i
  for i in $(seq 1 1200); do
    if [[ -z $(as_pg find "$PGDATA/pg_wal/archive_status" -name '*.ready' -print -quit) ]]; then
      return 0
    fi
    sleep 0.5
  done
  psql_pg -c "SELECT * FROM pg_stat_archiver" >&2 || true
  tail -n 20 "$WORK/logs/postgres.log" >&2
  die "WAL archiving did not catch up within 10 minutes"
}

# Same starting point for every measured run: no dirty buffers (the backup's checkpoint is then
# quick for every tool), nothing left to archive, and no dirty pages in the OS cache.
settle() {
  psql_pg -c "CHECKPOINT" >/dev/null
  wait_archiver_idle
  sync
}

# A bulk load leaves up to max_wal_size of recycled segments in pg_wal, named for future use, and
# cp -a would copy them all. With max_wal_size at its minimum, each checkpoint deletes the segments
# behind it instead of recycling them, and each switch uses up one of the future ones.
trim_pg_wal() {
  psql_pg -c "ALTER SYSTEM SET max_wal_size = '32MB'" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 1
  local round rounds
  rounds=$(wal_segment_count) # at most one switch per segment there
  for ((round = 0; round < rounds && $(wal_segment_count) > 4; round++)); do
    psql_pg -c "CHECKPOINT" -c "SELECT pg_switch_wal()" >/dev/null
    wait_archiver_idle # only archived segments can be deleted
    psql_pg -c "CHECKPOINT" >/dev/null
  done
  psql_pg -c "ALTER SYSTEM RESET max_wal_size" -c "SELECT pg_reload_conf()" >/dev/null
}

wal_segment_count() {
  as_pg find "$PGDATA/pg_wal" -maxdepth 1 -regextype posix-extended -regex '.*/[0-9A-F]{24}' | wc -l
}

# --- measuring ----------------------------------------------------------------------------------

# Writes the work dir, the socket dir and the checkout as $WORK, $SOCK and $PROJECT, so that the
# committed reports hold no path of this machine.
redact() {
  sed -e "s|$WORK|"'$WORK|g' -e "s|$SOCK|"'$SOCK|g' -e "s|$PROJECT|"'$PROJECT|g'
}

bytes_of() {
  as_pg du -sb "$1" | cut -f1
}

# run_timed LOG COMMAND...: runs COMMAND as PG_USER under GNU time, output to LOG. Sets TIMING to
# "wall user sys peak-RSS-KiB"; the RSS is that of the largest process of the tree, not a sum.
run_timed() {
  local out=$1 timing=$WORK/logs/time.out
  shift
  LOAD_BEFORE=$(cut -d ' ' -f 1 /proc/loadavg)
  if ! as_pg /usr/bin/time -f '%e %U %S %M' -o "$timing" "$@" >"$out" 2>&1; then
    tail -n 30 "$out" >&2
    die "this command failed: $*" "its full output is in $out; rerun with --keep to inspect $WORK"
  fi
  TIMING=$(tail -n 1 "$timing")
}

# record VARIANT OP TOOL RUN SIZE BASIS COMMAND...: appends the last TIMING as a row of
# results.tsv, with the load average when the run started (other work on the machine makes
# timings noisy, the reports show how busy it was); BASIS is the byte count the MB/s figure is
# based on. The first run of each
# operation and tool also records its command line, with the work dir written as $WORK.
record() {
  local variant=$1 op=$2 tool=$3 run=$4 size=$5 basis=$6 wall user sys rss
  shift 6
  read -r wall user sys rss <<<"$TIMING"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$variant" "$op" "$tool" "$run" "$wall" "$user" "$sys" "$rss" \
    "$size" "$basis" "$LOAD_BEFORE" >>"$WORK/results.tsv"
  if ! cut -f 1,2 "$WORK/commands.tsv" | grep -q -F -x "$op"$'\t'"$tool"; then
    printf '%s\t%s\t%s\n' "$op" "$tool" "$(printf '%q ' "$@" | redact | sed 's/ $//')" >>"$WORK/commands.tsv"
  fi
  log "  $op, $tool, run $run: ${wall} s wall, $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') s CPU," \
    "$((rss / 1024)) MiB peak, $((size / 1048576)) MiB"
}
