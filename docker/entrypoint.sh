#!/usr/bin/env bash
# Runs before PostgreSQL in the walden image, then runs the command it is given ("$@": in the image, the
# official postgres entrypoint and "postgres", which initializes an empty PGDATA and starts the server).
#
# WALDEN_CLONE_FROM unset or empty: the command runs as it is.
# WALDEN_CLONE_FROM=REPO and PGDATA empty or missing: PGDATA becomes a clone of the newest state in REPO
#   (another instance's repository), or of WALDEN_CLONE_TARGET_TIME, from WALDEN_CLONE_BACKUP_ID when set.
#   The clone archives into WALDEN_REPO, its own repository. The files are restored without starting
#   PostgreSQL: the server the command starts replays the WAL and opens. A marker file in PGDATA
#   (walden-clone-from) records the source.
# WALDEN_CLONE_FROM=REPO and PGDATA not empty: the command runs only if the marker names that same REPO
#   (a restarted pod); a clone that was killed half way (walden's journal PGDATA.walden-restore is there) is
#   made again; anything else is refused and nothing is touched.
#
# WALDEN_BIN (default: walden) and PGDATA say where walden and the data directory are.
set -euo pipefail

readonly MARKER=walden-clone-from
walden=${WALDEN_BIN:-walden}

say() {
  printf 'walden-entrypoint: %s\n' "$*" >&2
}

# fail MESSAGE HINT [STATUS]: every refusal says what is wrong and what to do
fail() {
  say "$1"
  say "HINT: $2"
  exit "${3:-1}"
}

if (($# == 0)); then
  fail "no command to run after the clone check" \
    "give the command that starts PostgreSQL, e.g. walden-entrypoint docker-entrypoint.sh postgres" 2
fi

source_repo=${WALDEN_CLONE_FROM:-}
if [[ -z $source_repo ]]; then
  exec "$@"
fi

pgdata=${PGDATA:-}
if [[ -z $pgdata ]]; then
  fail "WALDEN_CLONE_FROM is set, but PGDATA is not: there is no data directory to clone into" \
    "set PGDATA to the data directory, e.g. /var/lib/postgresql/data/pgdata"
fi
# "dir/" would give "dir//walden-clone-from" and a journal inside PGDATA instead of beside it
pgdata=${pgdata%/}
marker=$pgdata/$MARKER
journal=$pgdata.walden-restore

same_repo() {
  [[ ${1%/} == "${2%/}" ]]
}

# the names in directory $1, dot files included
entries_of() {
  local paths
  shopt -s nullglob dotglob
  paths=("$1"/*)
  shopt -u nullglob dotglob
  entries=("${paths[@]##*/}")
}

if [[ -e $pgdata && ! -d $pgdata ]]; then
  fail "PGDATA $pgdata is a file, not a directory; nothing was changed" \
    "point PGDATA at a directory (missing or empty for a clone)"
fi

entries=()
[[ -d $pgdata ]] && entries_of "$pgdata"
if ((${#entries[@]} > 0)); then
  if [[ -f $marker ]]; then
    cloned_from=$(head -n 1 "$marker")
    if same_repo "$cloned_from" "$source_repo"; then
      say "PGDATA $pgdata was cloned from $source_repo on an earlier start; starting it as it is (WALDEN_CLONE_FROM can be removed now)"
      exec "$@"
    fi
    fail "PGDATA $pgdata was cloned from $cloned_from, but WALDEN_CLONE_FROM asks for a clone of $source_repo; nothing was changed" \
      "to start the cluster in PGDATA, unset WALDEN_CLONE_FROM; to clone $source_repo, give this instance an empty volume (or point PGDATA at a new, empty directory)"
  fi
  if [[ -f $journal ]]; then
    # a clone killed half way (pod evicted, node lost): walden undoes what it wrote before it restores again
    say "found an interrupted restore into $pgdata ($journal); cloning again"
  else
    if [[ ${entries[*]} == lost+found ]]; then
      fail "PGDATA $pgdata holds only lost+found: it is the root of a volume, which is never empty; nothing was changed" \
        "point PGDATA at a subdirectory of the volume, e.g. $pgdata/pgdata"
    fi
    if [[ -f $pgdata/PG_VERSION && ! -f $pgdata/global/pg_control ]]; then
      # walden restores pg_control last: without it this is a restore that stopped half way
      fail "PGDATA $pgdata holds a restore that stopped half way (no global/pg_control) and no $MARKER marker; nothing was changed" \
        "remove everything in $pgdata (it cannot be started), then start the container again to clone $source_repo"
    fi
    shown=${entries[*]:0:3}
    ((${#entries[@]} > 3)) && shown+=" ..."
    fail "PGDATA $pgdata is not empty (it holds $shown) and has no $MARKER marker, so it is not a clone of $source_repo; WALDEN_CLONE_FROM asks for a clone, which needs an empty directory; nothing was changed" \
      "to start the cluster already in PGDATA, unset WALDEN_CLONE_FROM; to clone $source_repo, give this instance an empty volume (or point PGDATA at a new, empty directory)"
  fi
fi

own_repo=${WALDEN_REPO:-}
if [[ -z $own_repo ]]; then
  fail "WALDEN_CLONE_FROM is set, but WALDEN_REPO is not: the clone would have no repository to archive its WAL and backups into; nothing was changed" \
    "set WALDEN_REPO to this instance's own repository (not $source_repo)"
fi
if same_repo "$own_repo" "$source_repo"; then
  fail "WALDEN_REPO and WALDEN_CLONE_FROM both name $source_repo: the clone would archive into the source's repository; nothing was changed" \
    "give this instance its own WALDEN_REPO, e.g. one prefix or folder per instance"
fi

args=(--repo "$own_repo" restore --from "$source_repo" --pgdata "$pgdata" --no-start)
what="the newest state"
if [[ -n ${WALDEN_CLONE_TARGET_TIME:-} ]]; then
  args+=(--target-time "$WALDEN_CLONE_TARGET_TIME")
  what="the state at $WALDEN_CLONE_TARGET_TIME"
fi
if [[ -n ${WALDEN_CLONE_BACKUP_ID:-} ]]; then
  args+=(--backup "$WALDEN_CLONE_BACKUP_ID")
  what+=" from backup $WALDEN_CLONE_BACKUP_ID"
fi

say "cloning $what of $source_repo into $pgdata (this instance archives into $own_repo)"
status=0
"$walden" "${args[@]}" || status=$?
if ((status != 0)); then
  fail "the clone from $source_repo failed (walden exited with status $status, its message is above); PostgreSQL was not started" \
    "fix what walden reports and start the container again: an empty or half-restored PGDATA is cloned again" "$status"
fi

# written only after walden succeeded, and renamed into place, so a marker always means a complete clone
tmp=$pgdata/.$MARKER.tmp
{
  printf '%s\n' "$source_repo"
  printf '# cloned by walden-entrypoint at %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$what"
  printf '# the first line names the source; a start with the same WALDEN_CLONE_FROM keeps this cluster\n'
} >"$tmp"
if ((EUID == 0)); then
  # PostgreSQL runs as the owner of PGDATA and must be able to read everything in it
  chown --reference="$pgdata" "$tmp"
fi
mv -f "$tmp" "$marker"
say "cloned $source_repo into $pgdata; PostgreSQL replays its WAL on this start, then archives into $own_repo; take a backup of this instance once it is up"
exec "$@"
