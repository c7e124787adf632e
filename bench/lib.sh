# shellcheck shell=bash
# Helpers for bench/run: messages, the unprivileged server user, the throwaway cluster, timed runs.
# Sourced by bench/run, which sets the globals these functions use (WORK, PGDATA, PGBIN, PORT, ...)
# and reads those they set (CLUSTER_RUNNING, TIMING, LOAD_BEFORE):
# shellcheck disable=SC2034

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
  stop_server "$PGDATA" immediate
  CLUSTER_RUNNING=0
}

# stop_server DIR [MODE]: stops the server of DIR if it runs; immediate (the default) for a cluster
# that is thrown away, fast for one whose files are used afterwards.
stop_server() {
  local dir=$1 mode=${2:-immediate}
  if [[ -f $dir/postmaster.pid ]]; then
    as_pg "$PGBIN/pg_ctl" -D "$dir" -m "$mode" -w -t 300 stop >/dev/null 2>&1 || true
  fi
}

# Stops every server whose PGDATA lies under DIR (restored clusters, a previous run's cluster).
stop_servers_under() {
  local pidfile
  while IFS= read -r pidfile; do
    stop_server "$(dirname "$pidfile")"
  done < <(find "$1" -maxdepth 3 -name postmaster.pid 2>/dev/null)
}

# Stops the cluster cleanly (a shutdown checkpoint), so that a copy of PGDATA made now is consistent.
stop_cluster_clean() {
  stop_server "$PGDATA" fast
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
  wait_archiver_idle_for 600
}

# wait_archiver_idle_for SECONDS: the same with a limit of one's own, for long backlogs.
wait_archiver_idle_for() {
  local limit=$1 i
  for ((i = 0; i < limit * 2; i++)); do
    if [[ -z $(as_pg find "$PGDATA/pg_wal/archive_status" -name '*.ready' -print -quit) ]]; then
      return 0
    fi
    sleep 0.5
  done
  psql_pg -c "SELECT * FROM pg_stat_archiver" >&2 || true
  tail -n 20 "$WORK/logs/postgres.log" >&2
  die "WAL archiving did not catch up within $limit seconds"
}

# Finished segments the archiver has not archived yet.
ready_count() {
  as_pg find "$PGDATA/pg_wal/archive_status" -name '*.ready' | wc -l
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
  # shellcheck disable=SC2016 # the replacements are the literal names
  sed -e "s|$WORK|"'$WORK|g' -e "s|$SOCK|"'$SOCK|g' -e "s|$PROJECT|"'$PROJECT|g'
}

# A name for files and directories: lower case, runs of other characters as one dash.
slug() {
  tr '[:upper:]' '[:lower:]' <<<"$1" | sed -E 's/[^a-z0-9]+/-/g; s/^-|-$//g'
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

# run_step LOG COMMAND...: runs an untimed preparation step as PG_USER, output to LOG.
run_step() {
  local out=$1
  shift
  if ! as_pg "$@" >"$out" 2>&1; then
    tail -n 30 "$out" >&2
    die "this command failed: $*" "its full output is in $out; rerun with --keep to inspect $WORK"
  fi
}

# record VARIANT OP TOOL RUN SIZE BASIS COMMAND...: the row of the last timed run, and the command
# line if it is the first run of this operation and tool.
record() {
  record_row "$@"
  local op=$2 tool=$3
  shift 6
  note_command "$op" "$tool" "$(printf '%q ' "$@" | sed 's/ $//')"
}

# record_row VARIANT OP TOOL RUN SIZE BASIS: appends the last TIMING as a row of results.tsv, with
# the load average when the run started (other work on the machine makes timings noisy, the reports
# show how busy it was); BASIS is the byte count the MB/s figure is based on.
record_row() {
  local variant=$1 op=$2 tool=$3 run=$4 size=$5 basis=$6 wall user sys rss
  read -r wall user sys rss <<<"$TIMING"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$variant" "$op" "$tool" "$run" "$wall" "$user" "$sys" "$rss" \
    "$size" "$basis" "$LOAD_BEFORE" >>"$WORK/results.tsv"
  log "  $op, $tool, run $run: ${wall} s wall, $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') s CPU," \
    "$((rss / 1024)) MiB peak, $((size / 1048576)) MiB"
}

# record_unsupported VARIANT OP TOOL: a row that says this walden cannot do the operation, so that
# the table shows it instead of leaving the row out (once per variant is enough).
record_unsupported() {
  if ! awk -F '\t' -v v="$1" -v o="$2" -v t="$3" '$1 == v && $2 == o && $3 == t { found = 1 } END { exit !found }' \
    "$WORK/results.tsv"; then
    printf '%s\t%s\t%s\tn/a\tn/a\t\t\t\t\t\t\n' "$1" "$2" "$3" >>"$WORK/results.tsv"
    log "  $2, $3: not supported by this walden"
  fi
}

# note_command OP TOOL TEXT: the command line of an operation for the reports, with the work dir
# written as $WORK; only the first one of each operation and tool is kept.
note_command() {
  if ! cut -f 1,2 "$WORK/commands.tsv" | grep -q -F -x "$1"$'\t'"$2"; then
    printf '%s\t%s\t%s\n' "$1" "$2" "$(printf '%s' "$3" | redact | tr '\n' ' ' | sed 's/ *$//')" >>"$WORK/commands.tsv"
  fi
}

# walden_has COMMAND OPTION: whether this walden's COMMAND takes OPTION. Some options the benchmark
# measures are newer than some checkouts; without them the table says so instead of failing.
walden_has() {
  local help
  help=$("$WALDEN" "$1" --help 2>&1) || return 1
  grep -q -E -e "(^|[^-[:alnum:]])$2([^-[:alnum:]]|\$)" <<<"$help"
}

# Seconds since the epoch with microseconds; the decimal point is always a dot.
now() {
  local t=$EPOCHREALTIME
  echo "${t/,/.}"
}

# elapsed START [END]: seconds between two now() values, two decimals.
elapsed() {
  awk -v a="$1" -v b="${2:-$(now)}" 'BEGIN { printf "%.2f", b - a }'
}
