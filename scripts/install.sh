#!/usr/bin/env bash
# Installs aicache as a systemd service:
#   /opt/aicache/aicache.jar                  the runnable jar (built with mvn package first)
#   /etc/systemd/system/aicache.service       conf/aicache.service
#   /etc/aicache/aicache.yaml                 conf/aicache.yaml with storage.dataDir /var/lib/aicache;
#                                             an existing file is kept as it is
# then runs systemctl daemon-reload and systemctl enable --now aicache when systemd is PID 1 (else it
# prints those commands).
#
#   scripts/install.sh                        build, install under /, enable and start (as root)
#   scripts/install.sh --root DIR             install under DIR instead (also DESTDIR=DIR or --prefix DIR);
#                                             systemctl is never run for another root
#   scripts/install.sh --no-build             install the jar that is there (proxy-core/target/aicache.jar)
#   scripts/install.sh --jar FILE             install FILE as the jar (implies --no-build)
#   scripts/install.sh --no-systemctl         print the systemctl commands instead of running them
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly JAVA=/usr/bin/java
readonly UNIT=aicache.service

dest=${DESTDIR:-/}
jar=$root/proxy-core/target/aicache.jar
build=yes
run_systemctl=yes

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
}

fail() {
  echo "install.sh: $*" >&2
  exit 2
}

while [[ $# -gt 0 ]]; do
  case $1 in
    --root|--prefix|--destdir)
      [[ $# -ge 2 && -n $2 ]] || fail "$1 needs a directory"
      dest=$2
      shift 2
      ;;
    --jar)
      [[ $# -ge 2 && -n $2 ]] || fail "--jar needs a file"
      jar=$2
      build=no
      shift 2
      ;;
    --no-build) build=no; shift ;;
    --no-systemctl) run_systemctl=no; shift ;;
    -h|--help) usage; exit 0 ;;
    *) fail "unknown option '$1' (see --help)" ;;
  esac
done

dest=${dest%/}
on_this_system=no
if [[ -z $dest ]]; then
  on_this_system=yes
fi
if [[ $on_this_system == yes && ${EUID} -ne 0 ]]; then
  fail "installing under / needs root (or pass --root DIR to install elsewhere)"
fi

if [[ $build == yes ]]; then
  echo "install.sh: building (mvn package -pl proxy-core -am -DskipTests)..."
  mvn -B -q -f "$root/pom.xml" package -pl proxy-core -am -DskipTests
fi
[[ -f $jar ]] || fail "the jar $jar does not exist (build it, or drop --no-build)"

install -d -m 0755 "$dest/opt/aicache" "$dest/etc/systemd/system" "$dest/etc/aicache"
install -m 0644 "$jar" "$dest/opt/aicache/aicache.jar"
echo "install.sh: installed $dest/opt/aicache/aicache.jar"
install -m 0644 "$root/conf/$UNIT" "$dest/etc/systemd/system/$UNIT"
echo "install.sh: installed $dest/etc/systemd/system/$UNIT"

# The service runs as a dynamic user, which must be able to read the configuration: mode 0644.
# Secrets belong in /etc/aicache/aicache.env (see the unit), not here.
config=$dest/etc/aicache/aicache.yaml
if [[ -e $config ]]; then
  echo "install.sh: kept the existing $config"
else
  data_dir_line='  dataDir: "/var/lib/aicache"'
  sed "s|^  dataDir: .*|$data_dir_line|" "$root/conf/aicache.yaml" > "$config.new"
  if ! grep -qxF "$data_dir_line" "$config.new"; then
    rm -f "$config.new"
    fail "conf/aicache.yaml has no '  dataDir:' line to point at /var/lib/aicache"
  fi
  chmod 0644 "$config.new"
  mv "$config.new" "$config"
  echo "install.sh: installed $config (storage.dataDir: /var/lib/aicache)"
fi

if [[ $on_this_system == yes && ! -x $JAVA ]]; then
  echo "install.sh: warning: $JAVA is missing; the unit starts aicache with it (install a JRE 17+)" >&2
fi

commands=("systemctl daemon-reload" "systemctl enable --now aicache")
if [[ $on_this_system == yes && $run_systemctl == yes && -d /run/systemd/system ]]; then
  systemctl daemon-reload
  systemctl enable --now aicache
  echo "install.sh: aicache is enabled and started (systemctl status aicache; journalctl -u aicache)"
else
  if [[ $on_this_system == no ]]; then
    why="installed under $dest, not /"
  elif [[ $run_systemctl == no ]]; then
    why="--no-systemctl"
  else
    why="systemd is not running (PID 1 is $(cat /proc/1/comm 2>/dev/null || echo unknown))"
  fi
  echo "install.sh: not running systemctl ($why); to start the service run:"
  printf '  %s\n' "${commands[@]}"
fi
