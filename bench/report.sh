#!/usr/bin/env bash
# Turns the raw rows of a bench/run into the Markdown and JSON reports.
#   bench/report.sh WORKDIR OUT.md OUT.json
# WORKDIR holds results.tsv (one row per timed run), meta.tsv (key, value) and commands.tsv
# (operation, tool, command line). Every figure in the tables is a median over the runs.
# Only POSIX awk is used (Debian's default is mawk), so there is nothing extra to install.
set -euo pipefail

work=$1 md=$2 json=$3

# One line per (data, operation, tool), in the order they were first measured:
# data op tool n wall cpu rss_kib size_bytes basis_bytes, then the raw runs as wall/user/sys/rss/size/load;...
summarize() {
  awk -F '\t' '
    function median(list,   v, n, i, j, t) {
      n = split(list, v, " ")
      for (i = 2; i <= n; i++) {            # insertion sort: at most a few dozen values
        t = v[i] + 0
        for (j = i - 1; j >= 1 && v[j] + 0 > t; j--) v[j + 1] = v[j]
        v[j + 1] = t
      }
      return n % 2 ? v[(n + 1) / 2] + 0 : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    {
      k = $1 "\t" $2 "\t" $3
      if (!(k in n)) order[++keys] = k
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
        printf "%s\t%d\t%.3f\t%.3f\t%d\t%d\t%d\t%s\n", k, n[k], median(wall[k]), median(cpu[k]), median(rss[k]),
          median(size[k]), median(basis[k]), raw[k]
      }
    }' "$work/results.tsv"
}

meta() {
  awk -F '\t' -v k="$1" '$1 == k { print $2; found = 1 } END { if (!found) print "?" }' "$work/meta.tsv"
}

# How much the data compresses: PGDATA without pg_wal ÷ the median size of walden's backup repository.
compression() {
  awk -F '\t' -v want="$1" '$1 == want && $2 == "backup" && $3 == "walden" && $8 > 0 { printf "%.1f:1", $9 / $8; found = 1 }
    END { if (!found) printf "?" }' "$2"
}

# The range of the 1-minute load average at the start of a variant's runs.
load_range() {
  awk -F '\t' -v want="$1" '$1 == want { if (n++ == 0 || $11 < lo) lo = $11; if ($11 > hi) hi = $11 }
    END { printf "%.1f to %.1f", lo, hi }' "$work/results.tsv"
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
    { rows[++r] = $0; if ($3 == "walden") walden[$2] = $5 }
    END {
      print "| operation | tool | wall s | CPU s | peak MiB | size MiB | MB/s | walden wall ÷ this |"
      print "|---|---|--:|--:|--:|--:|--:|--:|"
      for (i = 1; i <= r; i++) {
        split(rows[i], f, "\t")
        ratio = (f[3] == "walden" || !(f[2] in walden) || f[5] == 0) ? "—" : sprintf("%.2f", walden[f[2]] / f[5])
        wall = f[5] < 1 ? sprintf("%.3f", f[5]) : sprintf("%.1f", f[5])
        cpu = f[6] < 1 ? sprintf("%.3f", f[6]) : sprintf("%.1f", f[6])
        printf "| %s | %s | %s | %s | %d | %.1f | %.0f | %s |\n", f[2], f[3], wall, cpu, f[7] / 1024 + 0.5,
          mib(f[8]), (f[5] > 0 ? mib(f[9]) / f[5] : 0), ratio
      }
    }' "$summary"
}

write_markdown() {
  local summary=$1 variant
  {
    echo "# walden benchmark: pgbench scale $(meta scale), $(meta date)"
    echo
    echo "Produced by \`bench/run\` (see bench/README.md for the method). Every figure is the median of"
    echo "$(meta runs) runs; wal-push figures are per 16 MiB segment, the median of $(meta runs) × $(meta segments) pushes"
    echo "into fresh repositories. $(meta noise)"
    echo
    echo "- machine: $(meta cpu), $(meta cores) cores, $(meta memory) RAM, $(meta os), kernel $(meta kernel)"
    echo "- versions: walden $(meta walden) (commit $(meta walden_commit)), $(meta java); pgBackRest $(meta pgbackrest); PostgreSQL $(meta postgres)"
    echo "- wall s: elapsed time; CPU s: user + system of the tool's process tree (not the PostgreSQL server's);"
    echo "  peak MiB: largest resident set of one process of the tree; size MiB: repository, copy or restored"
    echo "  directory (for wal-push: stored bytes per segment); MB/s: PGDATA without pg_wal (wal-push: 16 MiB) ÷ wall,"
    echo "  with MB = 2^20 bytes"
    for variant in $(cut -f 1 "$summary" | awk '!seen[$0]++'); do
      echo
      echo "## Data: $(variant_title "$variant")"
      echo
      echo "PGDATA $(( $(meta "pgdata_bytes.$variant") / 1048576 )) MiB without pg_wal, pg_wal $(( $(meta "pgwal_bytes.$variant") / 1048576 )) MiB when measured;"
      echo "zstd level 1 (walden's backup) compresses it $(compression "$variant" "$summary")."
      echo "1-minute load average when the runs started: $(load_range "$variant") ($(meta cores) cores)."
      echo
      table "$variant" "$summary"
    done
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
    echo "archive_command during each tool's backups:"
    echo
    echo '```'
    awk -F '\t' '$1 ~ /^archive_command\./ { sub(/^archive_command\./, "", $1); printf "# %s\n%s\n", $1, $2 }' "$work/meta.tsv"
    echo '```'
    echo
    echo "pgBackRest configuration (\`--config\`):"
    echo
    echo '```ini'
    cat "$work/pgbackrest.conf.shown"
    echo '```'
  } >"$md"
}

write_json() {
  local summary=$1
  awk -F '\t' -v metafile="$work/meta.tsv" -v commandsfile="$work/commands.tsv" '
    function esc(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, "\\t", s); return s }
    function value(k, s) { return (k ~ /^(scale|runs|segments|cores)$|_bytes\./ && s ~ /^[0-9]+$/) ? s : "\"" esc(s) "\"" }
    BEGIN {
      while ((getline line < metafile) > 0) { split(line, m, "\t"); meta[m[1]] = m[2]; metaorder[++mk] = m[1] }
      while ((getline line < commandsfile) > 0) { split(line, c, "\t"); cmds[++ck] = line }
    }
    { rows[++r] = $0; if ($3 == "walden") walden[$1 "\t" $2] = $5; if (!($1 in seen)) { seen[$1] = 1; variants[++vk] = $1 } }
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
          ratio = (f[3] == "walden" || !((f[1] "\t" f[2]) in walden) || f[5] == 0) ? "null" : sprintf("%.3f", walden[f[1] "\t" f[2]] / f[5])
          printf "%s\n      {\"operation\": \"%s\", \"tool\": \"%s\", \"runs\": %d, \"wall_s\": %s, \"cpu_s\": %s, \"peak_rss_mib\": %.1f, \"size_mib\": %.2f, \"mb_per_s\": %.1f, \"walden_wall_ratio\": %s, \"raw\": [",
            (first ? "" : ","), esc(f[2]), esc(f[3]), f[4], f[5], f[6], f[7] / 1024, f[8] / 1048576, (f[5] > 0 ? f[9] / 1048576 / f[5] : 0), ratio
          first = 0
          n = split(f[10], runs, ";")
          for (j = 1; j <= n; j++) {
            split(runs[j], x, "/")
            printf "%s{\"wall_s\": %s, \"user_s\": %s, \"sys_s\": %s, \"peak_rss_kib\": %s, \"size_bytes\": %s, \"load_1min_before\": %s}", (j > 1 ? ", " : ""), x[1], x[2], x[3], x[4], x[5], x[6]
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
    }' "$summary" >"$json"
}

summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
summarize >"$summary"
write_markdown "$summary"
write_json "$summary"
