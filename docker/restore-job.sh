#!/usr/bin/env bash
# The restore Job: restores this instance's repository (WALDEN_REPO) into PGDATA, on the StatefulSet's volume
# while the StatefulSet is scaled to 0.
#
#   TARGET_TIME  point in time with a zone, e.g. '2026-02-13 14:30:00 UTC'; unset: the latest state
#   BACKUP_ID    the backup to start from, or LATEST; unset: the newest one that ends before TARGET_TIME
#                (LATEST without TARGET_TIME)
#   AUTO_START   true (default): PostgreSQL is started here, replays to the target and is promoted (walden
#                checks that the target was reached and puts the previous PGDATA back otherwise), then it
#                is shut down cleanly so the StatefulSet can start it.
#                false: only the files and recovery settings are written; the StatefulSet's server replays
#                and promotes on its next start.
#
# Extra arguments go to "walden restore" (e.g. --no-keep, --target-action pause). WALDEN_BIN (default: walden)
# names walden; STOP_TIMEOUT (seconds, default 600) bounds the shutdown after AUTO_START.
set -euo pipefail

walden=${WALDEN_BIN:-walden}

say() {
  printf 'walden-restore-job: %s\n' "$*" >&2
}

# fail MESSAGE HINT [STATUS]: every refusal says what is wrong and what to do
fail() {
  say "$1"
  say "HINT: $2"
  exit "${3:-1}"
}

pgdata=${PGDATA:-}
[[ -n $pgdata ]] || fail "PGDATA is not set: there is no data directory to restore into" \
  "set PGDATA to the StatefulSet's data directory (same volume, same path), e.g. /var/lib/postgresql/data/pgdata" 2
pgdata=${pgdata%/}
[[ -n ${WALDEN_REPO:-} ]] || fail "WALDEN_REPO is not set: there is no repository to restore from" \
  "set WALDEN_REPO to this instance's repository (the Job takes it from the same ConfigMap as the StatefulSet)" 2

auto_start=${AUTO_START:-true}
case ${auto_start,,} in
  true | yes | 1) auto_start=true ;;
  false | no | 0) auto_start=false ;;
  *)
    fail "AUTO_START is '$auto_start', which is neither true nor false" \
      "set AUTO_START=true to replay and promote here, or AUTO_START=false to leave that to the StatefulSet's next start" 2
    ;;
esac

stop_timeout=${STOP_TIMEOUT:-600}
[[ $stop_timeout =~ ^[0-9]+$ ]] || fail "STOP_TIMEOUT is '$stop_timeout', not a number of seconds" "set STOP_TIMEOUT=600, or leave it unset" 2

# A server still running on this volume in another pod is invisible from here (another PID namespace); a
# restore under it would destroy the cluster. A cleanly stopped server leaves no postmaster.pid.
if [[ -f $pgdata/postmaster.pid && ${POSTMASTER_PID_IS_STALE:-false} != true ]]; then
  fail "$pgdata/postmaster.pid exists: PostgreSQL may still be running on this volume in another pod, or it was killed without a clean shutdown; nothing was changed" \
    "scale the StatefulSet to 0 and wait until its pod is gone (kubectl scale statefulset NAME --replicas=0), then run the Job again; if no server uses this volume, set POSTMASTER_PID_IS_STALE=true"
fi

args=(--repo "$WALDEN_REPO" restore --pgdata "$pgdata")
[[ -n ${TARGET_TIME:-} ]] && args+=(--target-time "$TARGET_TIME")
[[ -n ${BACKUP_ID:-} ]] && args+=(--backup "$BACKUP_ID")
[[ $auto_start == false ]] && args+=(--no-start)
args+=("$@")

say "restoring ${TARGET_TIME:-the latest state}${BACKUP_ID:+ from backup $BACKUP_ID} from $WALDEN_REPO into $pgdata (AUTO_START=$auto_start)"
status=0
"$walden" "${args[@]}" || status=$?
if ((status != 0)); then
  fail "the restore failed (walden exited with status $status, its message is above)" \
    "fix what walden reports and run the Job again; do not scale the StatefulSet up before a restore has succeeded" "$status"
fi

if [[ $auto_start == false ]]; then
  say "restored; PostgreSQL replays the WAL and opens on the StatefulSet's next start: scale it up again"
  exit 0
fi

# The server walden started is left running, promoted; the StatefulSet needs the volume, so it stops here.
# SIGINT is PostgreSQL's fast shutdown (what pg_ctl stop -m fast sends); pg_ctl itself refuses to run as
# root, which a Job may be.
pid_file=$pgdata/postmaster.pid
if [[ ! -f $pid_file ]]; then
  say "restored; PostgreSQL is not running (the target action stopped it): scale the StatefulSet up again"
  exit 0
fi
pid=$(head -n 1 "$pid_file")
[[ $pid =~ ^[0-9]+$ ]] || fail "$pid_file does not start with a process id ('$pid'); the restored server's state is unknown" \
  "look at $pgdata/log/walden-restore.log; stop the server by hand before scaling the StatefulSet up"
say "stopping the restored PostgreSQL (process $pid) so the StatefulSet can start it"
kill -INT "$pid" 2>/dev/null || true
waited=0
while kill -0 "$pid" 2>/dev/null; do
  if ((waited >= stop_timeout * 10)); then
    fail "the restored PostgreSQL (process $pid) did not stop within $stop_timeout s" \
      "the Job's pod ends now, which kills it, and the StatefulSet's next start runs crash recovery (safe); $pgdata/log/walden-restore.log says why it was slow (often WAL still being archived); raise STOP_TIMEOUT for the next restore"
  fi
  sleep 0.1
  waited=$((waited + 1))
done
if [[ -f $pid_file ]]; then
  fail "the restored PostgreSQL (process $pid) ended without a clean shutdown ($pid_file is still there)" \
    "look at $pgdata/log/walden-restore.log; starting the StatefulSet runs crash recovery, which is safe, but check the data"
fi
say "restored and promoted; PostgreSQL was shut down cleanly: scale the StatefulSet up again"
