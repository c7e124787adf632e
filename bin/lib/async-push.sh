# shellcheck shell=bash
# The fast path of 'wal-push --async' (see WalPushCommand): PostgreSQL runs archive_command once per WAL file,
# and once the background archiver has pushed a file ahead of that call, answering costs a few milliseconds
# here against a JVM start. The JVM path holds all the logic; this only answers "archived" when the spool
# holds a marker for this very file (device, inode, size, times) in the area of this repository, and returns 1
# (run the JVM) for anything else: other options, a spool others can write, a failure, no archiver, a timeout.

# Returns 0 when the file named by a 'wal-push --async' command line is durable in the repository.
walden_async_push_answered() {
  local repo=${WALDEN_REPO:-} endpoint=${WALDEN_S3_ENDPOINT:-} spool=${WALDEN_SPOOL:-} async=0 verb="" path="" arg
  case ${WALDEN_ARCHIVE_ASYNC:-} in on | ON | On | yes | true | 1) async=1 ;; esac
  while (($#)); do
    arg=$1
    shift
    case $arg in
      --repo | --s3-endpoint | --spool | --compression | --compression-level | --encryption-key-file | --s3-region | \
        --s3-storage-class | --archiver-idle | --archiver-jobs)
        (($#)) || return 1
        case $arg in
          --repo) repo=$1 ;;
          --s3-endpoint) endpoint=$1 ;;
          --spool) spool=$1 ;;
        esac
        shift
        ;;
      --repo=*) repo=${arg#*=} ;;
      --s3-endpoint=*) endpoint=${arg#*=} ;;
      --spool=*) spool=${arg#*=} ;;
      --compression=* | --compression-level=* | --encryption-key-file=* | --s3-region=* | --s3-storage-class=* | \
        --s3-path-style=* | --archiver-idle=* | --archiver-jobs=* | --debug | --json) ;;
      --async) async=1 ;;
      wal-push) [[ -z $verb ]] || return 1; verb=$arg ;;
      -*) return 1 ;;
      *) [[ $verb == wal-push && -z $path ]] || return 1; path=$arg ;;
    esac
  done
  [[ $verb == wal-push && $async == 1 && -n $path && -n $repo ]] || return 1
  # an S3 endpoint may come from the config file, which only the JVM reads
  if [[ $repo == s3://* && -z $endpoint && -e ${WALDEN_CONFIG:-/etc/walden/walden.conf} ]]; then
    return 1
  fi

  # the repository key, as RepositoryKey forms it
  local key
  case $repo in
    s3://*) key="$repo ${endpoint:-aws}" ;;
    *://* | /*) key=$repo ;;
    *)
      cd -P . 2>/dev/null || return 1 # PWD becomes the physical path, as the JVM sees it
      key="$PWD/$repo"
      ;;
  esac
  local name=${path##*/} dir=.
  [[ $path == */* ]] && dir=${path%/*}
  [[ $name =~ ^[0-9A-F]{24}(\.partial|\.[0-9A-F]{8}\.backup)?$|^[0-9A-F]{8}\.history$ ]] || return 1
  spool=${spool:-$dir/walden-spool}
  # the spool's area for this repository: the folder whose 'repository' file holds the key
  local area="" candidate line
  for candidate in "$spool"/*/repository; do
    if read -r line 2>/dev/null <"$candidate" && [[ $line == "$key" ]]; then
      area=${candidate%/repository}
      break
    fi
  done
  [[ -n $area ]] || return 1

  # the file's identity, and the spool and its area: ours, writable by nobody else (else markers could be forged)
  local out
  out=$(stat -c '%d %i %s %.9Y %.9Z %u %a %F' -- "$path" "$spool" "$area" 2>/dev/null) || return 1
  local -a lines
  mapfile -t lines <<<"$out"
  ((${#lines[@]} == 3)) || return 1
  local d i s m c u a t identity
  read -r d i s m c u a t <<<"${lines[0]}"
  [[ $t == "regular file" ]] || return 1
  identity="$d $i $s $m $c"
  local n
  for n in 1 2; do
    read -r d i s m c u a t <<<"${lines[n]}"
    [[ $t == directory && $u == "$EUID" ]] && (((8#$a & 8#022) == 0)) || return 1
  done

  local marker=$area/archived/$name
  walden_marker_matches "$marker" "$identity" && return 0
  # not archived yet: worth waiting only for a ready file, with a live archiver and no failure to report
  [[ -e $dir/archive_status/$name.ready && ! -e $area/failed/$name ]] || return 1
  walden_archiver_runs "$area" || return 1
  local nap status=1 tries=0
  exec {nap}<> <(:) # a pipe nobody writes to: 'read -t' on it sleeps without starting a process
  while ((tries < 6000)); do # 30 s in 5 ms naps, then the JVM takes over
    read -r -t 0.005 -u "$nap" _ || true
    if walden_marker_matches "$marker" "$identity"; then
      status=0
      break
    fi
    [[ ! -e $area/failed/$name ]] || break
    if ((++tries % 100 == 0)) && ! walden_archiver_runs "$area"; then
      break
    fi
  done
  exec {nap}<&-
  return "$status"
}

walden_marker_matches() {
  local line
  [[ -f $1 ]] && read -r line 2>/dev/null <"$1" && [[ $line == "$2" ]]
}

# True when the pid file names a live process, the same one (start time) that wrote it.
walden_archiver_runs() {
  local pid ticks stat
  local -a fields
  read -r pid ticks 2>/dev/null <"$1/archiver.pid" || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  read -r stat 2>/dev/null <"/proc/$pid/stat" || return 1
  read -r -a fields <<<"${stat##*) }"
  [[ ${fields[0]} != Z && ${fields[19]:-} == "$ticks" ]]
}
