# shellcheck shell=bash
# Finding a JDK >= 21 for walden's scripts. Source this file, then call walden_find_java_home.

WALDEN_MIN_JAVA=21

# Prints the feature version of the java binary $1 (e.g. 17, 21, 25), or nothing when it does not run.
walden_java_major() {
  local java=$1 output line version release
  [[ -x $java ]] || return 0
  # the JDK's release file says it without starting a JVM, read with shell builtins only: archive_command
  # runs this once per segment, and each process started costs a millisecond or more
  release=${java%/*/*}/release
  if [[ -r $release ]]; then
    while IFS= read -r line; do
      if [[ $line =~ ^JAVA_VERSION=\"([0-9]+) ]]; then
        version=${BASH_REMATCH[1]}
        if ((version >= 9)); then
          printf '%s\n' "$version"
          return 0
        fi
        break
      fi
    done <"$release"
  fi
  output=$("$java" -version 2>&1) || return 0
  line=$(grep -m1 ' version "' <<<"$output") || return 0
  version=${line#*version \"}
  version=${version%%\"*}
  if [[ $version == 1.* ]]; then   # 1.8.0_402 style
    version=${version#1.}
  fi
  version=${version%%[.+-]*}
  [[ $version =~ ^[0-9]+$ ]] && printf '%s\n' "$version"
  return 0
}

# Prints the JAVA_HOME of a JDK >= 21: $JAVA_HOME if good enough, else the newest /usr/lib/jvm/*,
# else the java on PATH. Prints an error with a hint and returns 1 when there is none.
walden_find_java_home() {
  local major best_home="" best_major=0 java home
  if [[ -n ${JAVA_HOME:-} ]]; then
    major=$(walden_java_major "$JAVA_HOME/bin/java")
    if [[ -n $major ]] && (( major >= WALDEN_MIN_JAVA )); then
      printf '%s\n' "$JAVA_HOME"
      return 0
    fi
  fi
  for java in /usr/lib/jvm/*/bin/java; do
    [[ -x $java ]] || continue
    major=$(walden_java_major "$java")
    if [[ -n $major ]] && (( major >= WALDEN_MIN_JAVA && major > best_major )); then
      best_major=$major
      best_home=${java%/bin/java}
    fi
  done
  if [[ -n $best_home ]]; then
    printf '%s\n' "$best_home"
    return 0
  fi
  if java=$(command -v java); then
    java=$(readlink -f "$java")
    major=$(walden_java_major "$java")
    if [[ -n $major ]] && (( major >= WALDEN_MIN_JAVA )); then
      home=${java%/bin/java}
      printf '%s\n' "$home"
      return 0
    fi
  fi
  echo "walden: no Java $WALDEN_MIN_JAVA or newer found (looked at JAVA_HOME, /usr/lib/jvm/*, java on PATH)" >&2
  echo "HINT: install a JDK $WALDEN_MIN_JAVA+ (e.g. Eclipse Temurin from https://adoptium.net) and set JAVA_HOME to it" >&2
  return 1
}
