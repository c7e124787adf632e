#!/usr/bin/env bash
# Turns the raw rows of a bench/run into the Markdown and JSON reports.
#   bench/report.sh WORKDIR OUT.md OUT.json
# WORKDIR holds results.tsv (one row per timed run, or an "n/a" row for an operation this walden
# lacks), archive.tsv (one row per run of the archive scenario) and archive-calls.tsv (one row per
# archive_command call), meta.tsv (key, value) and commands.tsv (operation, tool, command line).
# Every figure in the tables is a median over the runs.
# Only POSIX awk is used (Debian's default is mawk), so there is nothing extra to install.
set -euo pipefail

work=$1 md=$2 json=$3

# Shared by the awk programs: the median of a space-separated list.
AWK_MEDIAN='
  function median(list,   v, n, i, j, t) {
    n = split(list, v, " ")
    if (n == 0) return ""
    for (i = 2; i <= n; i++) {            # insertion sort: at most a few hundred values
      t = v[i] + 0
      for (j = i - 1; j >= 1 && v[j] + 0 > t; j--) v[j + 1] = v[j]
      v[j + 1] = t
    }
    return n % 2 ? v[(n + 1) / 2] + 0 : (v[n / 2] + v[n / 2 + 1]) / 2
  }'

# One line per (data, operation, tool), in the order they were first measured:
# data op tool n wall cpu rss_kib size_bytes basis_bytes, then the raw runs as wall/user/sys/rss/size/load;...
# An operation this walden cannot do has n = 0 and "n/a" for wall.
summarize() {
  awk -F '\t' "$AWK_MEDIAN"'
    {
      k = $1 "\t" $2 "\t" $3
      if (!(k in seen)) { seen[k] = 1; order[++keys] = k }
      if ($5 == "n/a") next
      n[k]++
      wall[k] = wall[k] " " $5
      cpu[k] = cpu[k] " " ($6 + $7)
      rss[k] = rss[k] " " $8
      size[k] = size[k] " " $9
      basis[k] = basis[k] " " $10
      raw[k] = raw[k] (raw[k] == "" ? "" : ";") $5 "/" $6 "/" $7 "/" $8 "/" $9 "/" $11
    }
    END {
      for (i = 1; i <= keys; i++) {
        k = order[i]
        if (!n[k]) { printf "%s\t0\tn/a\t\t\t\t\t\n", k; continue }
        printf "%s\t%d\t%.3f\t%.3f\t%d\t%d\t%d\t%s\n", k, n[k], median(wall[k]), median(cpu[k]), median(rss[k]),
          median(size[k]), median(basis[k]), raw[k]
      }
    }' "$work/results.tsv"
}

# One line per (data, archiving configuration):
# data tool n written_seg_per_s archived_seg_per_s waiting_at_end drain_s ms_queued ms_single calls_queued calls_single,
# then the raw runs as load_s/written_bytes/archived/waiting/drain_s/load;... (n = 0: not supported).
summarize_archive() {
  awk -F '\t' -v calls="$work/archive-calls.tsv" -v seg="$(meta wal_segment_bytes)" "$AWK_MEDIAN"'
    FILENAME == calls {
      # data tool run phase segment waiting exit start end; the times may have a decimal comma
      if ($7 != 0) next
      gsub(",", ".", $8); gsub(",", ".", $9)
      c = $1 "\t" $2 "\t" $4
      ms[c] = ms[c] " " ($9 - $8) * 1000
      count[c]++
      next
    }
    {
      k = $1 "\t" $2
      if (!(k in seen)) { seen[k] = 1; order[++keys] = k }
      if ($3 == "n/a") next
      n[k]++
      written[k] = written[k] " " ($4 > 0 ? $5 / seg / $4 : 0)
      archived[k] = archived[k] " " ($4 > 0 ? $6 / $4 : 0)
      waiting[k] = waiting[k] " " $7
      drain[k] = drain[k] " " $8
      raw[k] = raw[k] (raw[k] == "" ? "" : ";") $4 "/" $5 "/" $6 "/" $7 "/" $8 "/" $9
    }
    END {
      for (i = 1; i <= keys; i++) {
        k = order[i]
        if (!n[k]) { printf "%s\t0\t\t\t\t\t\t\t\t\t\n", k; continue }
        q = k "\tqueued"; s = k "\tsingle"
        printf "%s\t%d\t%.3f\t%.3f\t%s\t%.2f\t%s\t%s\t%d\t%d\t%s\n", k, n[k], median(written[k]), median(archived[k]),
          median(waiting[k]), median(drain[k]), median(ms[q]), median(ms[s]), count[q], count[s], raw[k]
      }
    }' "$work/archive-calls.tsv" "$work/archive.tsv"
}

meta() {
  awk -F '\t' -v k="$1" '$1 == k { print $2; found = 1 } END { if (!found) print "?" }' "$work/meta.tsv"
}

# The data variants in the order they were measured (each one notes its PGDATA size first).
variants() {
  awk -F '\t' '$1 ~ /^pgdata_bytes\./ { sub(/^pgdata_bytes\./, "", $1); print $1 }' "$work/meta.tsv"
}

# has_op OPERATION: whether any row of results.tsv is of this operation.
has_op() {
  awk -F '\t' -v op="$1" '$2 == op { found = 1 } END { exit !found }' "$work/results.tsv"
}

has_op_like() {
  awk -F '\t' -v re="$1" '$2 ~ re { found = 1 } END { exit !found }' "$work/results.tsv"
}

# How much the data compresses: PGDATA without pg_wal ÷ the median size of walden's backup repository.
compression() {
  awk -F '\t' -v want="$1" '$1 == want && $2 == "backup" && $3 == "walden" && $8 > 0 { printf "%.1f:1", $9 / $8; found = 1 }
    END { if (!found) printf "?" }' "$2"
}

# The range of the 1-minute load average at the start of a variant's runs.
load_range() {
  awk -F '\t' -v want="$1" -v archive="$work/archive.tsv" '
    $1 != want { next }
    { load = FILENAME == archive ? $9 : $11 }
    load != "" { if (n++ == 0 || load < lo) lo = load; if (load > hi) hi = load }
    END { printf "%.1f to %.1f", lo, hi }' "$work/results.tsv" "$work/archive.tsv"
}

variant_title() {
  case $1 in
    blank) echo "pgbench's default filler (blank)" ;;
    random) echo "random filler (pgbench_accounts.filler = 84 random hex characters)" ;;
    *) echo "$1" ;;
  esac
}

# The table for one data variant. The last column compares walden's wall time with each other tool
# doing the same operation: above 1 walden is slower, below 1 faster.
table() {
  local variant=$1 summary=$2
  awk -F '\t' -v want="$variant" '
    function mib(b) { return b / 1048576 }
    $1 != want { next }
    { rows[++r] = $0; if ($3 == "walden" && $4 > 0) walden[$2] = $5 }
    END {
      print "| operation | tool | wall s | CPU s | peak MiB | size MiB | MB/s | walden wall ÷ this |"
      print "|---|---|--:|--:|--:|--:|--:|--:|"
      for (i = 1; i <= r; i++) {
        split(rows[i], f, "\t")
        if (f[4] == 0) {
          printf "| %s | %s | n/a (not supported by this walden) | — | — | — | — | — |\n", f[2], f[3]
          continue
        }
        ratio = (f[3] == "walden" || !(f[2] in walden) || f[5] == 0) ? "—" : sprintf("%.2f", walden[f[2]] / f[5])
        wall = f[5] < 1 ? sprintf("%.3f", f[5]) : sprintf("%.1f", f[5])
        cpu = f[6] < 1 ? sprintf("%.3f", f[6]) : sprintf("%.1f", f[6])
        printf "| %s | %s | %s | %s | %d | %.1f | %.0f | %s |\n", f[2], f[3], wall, cpu, f[7] / 1024 + 0.5,
          mib(f[8]), (f[5] > 0 ? mib(f[9]) / f[5] : 0), ratio
      }
    }' "$summary"
}

# The archiving table for one data variant. Each pgBackRest configuration is compared with walden's
# of the same kind (synchronous with synchronous, async with async): walden's time ÷ this one.
archive_table() {
  local variant=$1 summary=$2
  awk -F '\t' -v want="$variant" '
    function num(x, d) { return x == "" ? "—" : sprintf("%." d "f", x) }
    function ms(x) { return x == "" ? "—" : (x < 10 ? sprintf("%.1f", x) : sprintf("%.0f", x)) }
    function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "—" : sprintf("%.2f", a / b) }
    $1 != want { next }
    { rows[++r] = $0; if ($2 ~ /^walden/ && $3 > 0) { queued[$2] = $8; single[$2] = $9 } }
    END {
      print "| archive_command | runs | WAL written seg/s | archived seg/s | waiting at end | drain s | ms per segment, queued | ms per segment, one at a time | walden ÷ this: queued | walden ÷ this: one at a time |"
      print "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
      for (i = 1; i <= r; i++) {
        split(rows[i], f, "\t")
        if (f[3] == 0) {
          printf "| %s | n/a (not supported by this walden) | — | — | — | — | — | — | — | — |\n", f[2]
          continue
        }
        w = f[2]; sub(/^pgBackRest/, "walden", w)
        pair = f[2] !~ /^walden/ && (w in queued)
        printf "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", f[2], f[3], num(f[4], 2), num(f[5], 2),
          num(f[6], 0), num(f[7], 1), ms(f[8]), ms(f[9]), pair ? ratio(queued[w], f[8]) : "—", pair ? ratio(single[w], f[9]) : "—"
      }
    }' "$summary"
}

# What the operations beyond full backup and restore did, for the ones this run measured.
describe_operations() {
  local change
  change="$(meta change_pct) % of the rows of pgbench_accounts updated"
  if [[ $(meta change) == clustered ]]; then
    change+=", one contiguous range of them"
  else
    change+=", chosen at random (most pages change)"
  fi
  if has_op "incr backup"; then
    echo "- incr backup: a full backup, then $change, then walden \`backup --type incr\`"
    echo "  and pgBackRest \`--type=incr\` with block incremental (\`repo1-bundle=y repo1-block=y\`, for its full backup"
    echo "  too); size: what the repository grew by (the incremental backup and the WAL archived during it)"
  fi
  if has_op_like "^delta restore"; then
    echo "- delta restore: the full backup from before the change ($change), restored in place over a"
    echo "  stopped copy of the changed cluster, and over a directory the same tool had just restored from that backup"
    echo "  (identical)"
  fi
  if has_op pitr; then
    echo "- pitr: restore into an empty directory and replay the WAL to a target time, until the server is promoted and"
    echo "  takes connections; the floor copies a plain base backup and uses \`restore_command = 'cp ARCHIVE/%f %p'\`;"
    echo "  MB/s: WAL from after the base backups to the target ÷ wall; CPU s: the tool's own processes only (the server"
    echo "  and its restore_command calls are not children of the timed command)"
  fi
  if [[ -s $work/archive.tsv ]]; then
    echo "- archiving: the archive_command of each configuration while \`pgbench -n -c 4 -j 2 -T $(meta archive_seconds)\` runs:"
    echo "  WAL written and segments archived per second during pgbench, segments waiting (.ready) when it ends and"
    echo "  the seconds until none are; then the median wall time of one call, over $(meta runs) × $(meta segments) calls, when"
    echo "  $(meta segments) segments queue up behind a held archiver (queued) and when each arrives alone (one at a time)"
  fi
}

# The per-variant facts of the scenarios that have them.
describe_variant() {
  local variant=$1 summary=$2 target
  if awk -F '\t' -v v="$variant" '$1 == v && $2 == "backup" && $3 == "walden" { found = 1 } END { exit !found }' "$summary"; then
    echo "zstd level 1 (walden's backup) compresses it $(compression "$variant" "$summary")."
  fi
  target=$(meta "pitr_target.$variant")
  if [[ $target != "?" ]]; then
    echo "pitr: target time $target, $(( $(meta "pitr_wal_bytes.$variant") / 1048576 )) MiB of WAL from after the base backups to it."
  fi
  echo "1-minute load average when the runs started: $(load_range "$variant") ($(meta cores) cores)."
}

write_markdown() {
  local summary=$1 archive=$2 variant
  {
    echo "# walden benchmark: pgbench scale $(meta scale), $(meta date)"
    echo
    echo "Produced by \`bench/run\` (see bench/README.md for the method). Every figure is the median of"
    echo "$(meta runs) runs; wal-push figures are per 16 MiB segment, the median of $(meta runs) × $(meta segments) pushes"
    echo "into fresh repositories. $(meta noise)"
    echo
    echo "- machine: $(meta cpu), $(meta cores) cores, $(meta memory) RAM, $(meta os), kernel $(meta kernel)"
    echo "- versions: walden $(meta walden) (commit $(meta walden_commit)), $(meta java); pgBackRest $(meta pgbackrest); PostgreSQL $(meta postgres)"
    echo "- walden options that were there to measure: $(meta walden_features)"
    echo "- wall s: elapsed time; CPU s: user + system of the tool's process tree (not the PostgreSQL server's);"
    echo "  peak MiB: largest resident set of one process of the tree; size MiB: repository, copy or restored"
    echo "  directory (for wal-push: stored bytes per segment); MB/s: PGDATA without pg_wal (wal-push: 16 MiB) ÷ wall,"
    echo "  with MB = 2^20 bytes"
    describe_operations
    while IFS= read -r variant; do
      echo
      echo "## Data: $(variant_title "$variant")"
      echo
      echo "PGDATA $(( $(meta "pgdata_bytes.$variant") / 1048576 )) MiB without pg_wal, pg_wal $(( $(meta "pgwal_bytes.$variant") / 1048576 )) MiB when measured."
      describe_variant "$variant" "$summary"
      if grep -q "^$variant"$'\t' "$summary"; then
        echo
        table "$variant" "$summary"
      fi
      if grep -q "^$variant"$'\t' "$archive"; then
        echo
        echo "WAL archiving under pgbench ($(meta archive_seconds) s):"
        echo
        archive_table "$variant" "$archive"
      fi
    done < <(variants)
    echo
    echo "## Commands"
    echo
    echo "Run as the OS user that owns PGDATA ($(meta pg_user)), with PGHOST=127.0.0.1, PGPORT, PGUSER=postgres set;"
    echo "\$WORK is the work dir, \$PGDATA = \$WORK/pgdata."
    echo
    echo '```'
    awk -F '\t' '{ printf "# %s, %s\n%s\n", $1, $2, $3 }' "$work/commands.tsv"
    echo '```'
    echo
    echo "archive_command during each tool's backups (pgbackrest-block: incr and delta; both: while the rows change;"
    echo "pitr: from the base backups on):"
    echo
    echo '```'
    awk -F '\t' '$1 ~ /^archive_command\./ { sub(/^archive_command\./, "", $1); printf "# %s\n%s\n", $1, $2 }' "$work/meta.tsv"
    echo '```'
    local conf
    for conf in "$work"/pgbackrest*.conf.shown; do
      echo
      echo "pgBackRest configuration \`$(basename "$conf" .shown)\` (\`--config\`):"
      echo
      echo '```ini'
      cat "$conf"
      echo '```'
    done
  } >"$md"
}

write_json() {
  local summary=$1 archive=$2
  awk -F '\t' -v metafile="$work/meta.tsv" -v commandsfile="$work/commands.tsv" -v archive="$archive" '
    # char by char: in a gsub replacement, awks differ on what backslashes mean
    function esc(s,   out, i, c) {
      out = ""
      for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c == "\\" || c == "\"") out = out "\\" c
        else if (c == "\t") out = out "\\t"
        else out = out c
      }
      return out
    }
    function value(k, s) {
      return (k ~ /^(scale|runs|segments|cores|change_pct|archive_seconds|pitr_wal_mb|wal_segment_bytes)$|_bytes\./ && s ~ /^[0-9]+$/) ? s : "\"" esc(s) "\""
    }
    function num(x) { return x == "" ? "null" : x }
    function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "null" : sprintf("%.3f", a / b) }
    BEGIN {
      while ((getline line < metafile) > 0) {
        split(line, m, "\t"); meta[m[1]] = m[2]; metaorder[++mk] = m[1]
        if (m[1] ~ /^pgdata_bytes\./) { v = m[1]; sub(/^pgdata_bytes\./, "", v); variants[++vk] = v }
      }
      while ((getline line < commandsfile) > 0) cmds[++ck] = line
    }
    FILENAME == archive {
      arows[++ar] = $0
      if ($2 ~ /^walden/ && $3 > 0) { key = $1 "\t" $2; aqueued[key] = $8; asingle[key] = $9 }
      next
    }
    { rows[++r] = $0; if ($3 == "walden" && $4 > 0) walden[$1 "\t" $2] = $5 }
    END {
      printf "{\n  \"meta\": {"
      for (i = 1; i <= mk; i++) printf "%s\n    \"%s\": %s", (i > 1 ? "," : ""), esc(metaorder[i]), value(metaorder[i], meta[metaorder[i]])
      printf "\n  },\n  \"variants\": ["
      for (v = 1; v <= vk; v++) {
        printf "%s\n    {\"data\": \"%s\", \"results\": [", (v > 1 ? "," : ""), variants[v]
        first = 1
        for (i = 1; i <= r; i++) {
          split(rows[i], f, "\t")
          if (f[1] != variants[v]) continue
          if (f[4] == 0) {
            printf "%s\n      {\"operation\": \"%s\", \"tool\": \"%s\", \"supported\": false, \"note\": \"not supported by this walden\"}",
              (first ? "" : ","), esc(f[2]), esc(f[3])
            first = 0
            continue
          }
          ratio_w = (f[3] == "walden" || !((f[1] "\t" f[2]) in walden) || f[5] == 0) ? "null" : sprintf("%.3f", walden[f[1] "\t" f[2]] / f[5])
          printf "%s\n      {\"operation\": \"%s\", \"tool\": \"%s\", \"supported\": true, \"runs\": %d, \"wall_s\": %s, \"cpu_s\": %s, \"peak_rss_mib\": %.1f, \"size_mib\": %.2f, \"mb_per_s\": %.1f, \"walden_wall_ratio\": %s, \"raw\": [",
            (first ? "" : ","), esc(f[2]), esc(f[3]), f[4], f[5], f[6], f[7] / 1024, f[8] / 1048576, (f[5] > 0 ? f[9] / 1048576 / f[5] : 0), ratio_w
          first = 0
          n = split(f[10], runs, ";")
          for (j = 1; j <= n; j++) {
            split(runs[j], x, "/")
            printf "%s{\"wall_s\": %s, \"user_s\": %s, \"sys_s\": %s, \"peak_rss_kib\": %s, \"size_bytes\": %s, \"load_1min_before\": %s}", (j > 1 ? ", " : ""), x[1], x[2], x[3], x[4], x[5], x[6]
          }
          printf "]}"
        }
        printf "\n    ], \"archiving\": ["
        first = 1
        for (i = 1; i <= ar; i++) {
          split(arows[i], f, "\t")
          if (f[1] != variants[v]) continue
          if (f[3] == 0) {
            printf "%s\n      {\"archive_command\": \"%s\", \"supported\": false, \"note\": \"not supported by this walden\"}", (first ? "" : ","), esc(f[2])
            first = 0
            continue
          }
          w = f[2]; sub(/^pgBackRest/, "walden", w); w = f[1] "\t" w
          pair = f[2] !~ /^walden/ && (w in aqueued)
          printf "%s\n      {\"archive_command\": \"%s\", \"supported\": true, \"runs\": %d, \"wal_written_segments_per_s\": %s, \"archived_segments_per_s\": %s, \"waiting_at_end\": %s, \"drain_s\": %s, \"ms_per_segment_queued\": %s, \"ms_per_segment_one_at_a_time\": %s, \"calls_queued\": %d, \"calls_one_at_a_time\": %d, \"walden_ratio\": {\"ms_queued\": %s, \"ms_one_at_a_time\": %s}, \"raw\": [",
            (first ? "" : ","), esc(f[2]), f[3], num(f[4]), num(f[5]), num(f[6]), num(f[7]), num(f[8]), num(f[9]), f[10], f[11],
            pair ? ratio(aqueued[w], f[8]) : "null", pair ? ratio(asingle[w], f[9]) : "null"
          first = 0
          n = split(f[12], runs, ";")
          for (j = 1; j <= n; j++) {
            split(runs[j], x, "/")
            printf "%s{\"pgbench_s\": %s, \"wal_written_bytes\": %s, \"archived_during_pgbench\": %s, \"waiting_at_end\": %s, \"drain_s\": %s, \"load_1min_before\": %s}", (j > 1 ? ", " : ""), x[1], x[2], x[3], x[4], x[5], x[6]
          }
          printf "]}"
        }
        printf "\n    ]}"
      }
      printf "\n  ],\n  \"commands\": ["
      for (i = 1; i <= ck; i++) {
        split(cmds[i], c, "\t")
        printf "%s\n    {\"operation\": \"%s\", \"tool\": \"%s\", \"command\": \"%s\"}", (i > 1 ? "," : ""), esc(c[1]), esc(c[2]), esc(c[3])
      }
      printf "\n  ]\n}\n"
    }' "$archive" "$summary" >"$json"
}

summary=$(mktemp)
archive=$(mktemp)
trap 'rm -f "$summary" "$archive"' EXIT
summarize >"$summary"
summarize_archive >"$archive"
write_markdown "$summary" "$archive"
write_json "$summary" "$archive"
