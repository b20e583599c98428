# Shell functions the end-to-end benchmarks share (sourced by scripts/bench and
# scripts/bench-upstream-engine; not run on its own). The sourcing script sets:
#   bench_name     prefix of progress messages
#   work           its work directory (pulls go to $work/pulls)
#   upstream_url   the upstream registry's base URL, for push_blob and push_file
# and gets as_root (sudo when not root), digest[NAME] (hex of what push_blob pushed), and the functions.

log() { echo "${bench_name}: [${SECONDS}s] $*" >&2; }
die() { echo "${bench_name}: error: $*" >&2; exit 2; }

as_root=()
if [[ $EUID -ne 0 ]]; then
  command -v sudo >/dev/null || die "installing packages needs root or sudo"
  as_root=(sudo)
fi
declare -A digest=()

# install_packages PACKAGE...: Debian packages, installed without starting their services (a
# policy-rc.d answering 101 while apt runs, as scripts/install-test-deps does), whose services are
# then disabled: nginx's postinst would start it on port 80.
install_packages() (
  command -v apt-get >/dev/null || die "$* not found and apt-get is missing; install them by hand"
  policy=/usr/sbin/policy-rc.d
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# Temporary, from aicache scripts/bench-lib.sh.\nexit 101\n' \
      | "${as_root[@]}" tee "$policy" >/dev/null
    "${as_root[@]}" chmod 755 "$policy"
    trap '"${as_root[@]}" rm -f "$policy"' EXIT
  fi
  apt_install() { "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"; }
  if ! apt_install "$@" >&2; then
    "${as_root[@]}" apt-get update >&2
    apt_install "$@" >&2
  fi
  for package in "$@"; do
    if [[ $package == nginx* ]]; then
      "${as_root[@]}" update-rc.d nginx disable >/dev/null 2>&1 || true
      if [[ -d /run/systemd/system ]]; then "${as_root[@]}" systemctl stop nginx.service >/dev/null 2>&1 || true; fi
    fi
  done
)

# nginx_path: nginx's executable, installing nginx-light (else nginx) when there is none.
nginx_path() {
  local bin
  bin=$(command -v nginx || true)
  [[ -z $bin && -x /usr/sbin/nginx ]] && bin=/usr/sbin/nginx
  if [[ -z $bin ]]; then
    log "installing nginx-light..."
    install_packages nginx-light || install_packages nginx
    bin=$(command -v nginx || echo /usr/sbin/nginx)
    [[ -x $bin ]] || die "nginx was not installed"
  fi
  echo "$bin"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # URL [tries of 0.1 s]
  local _
  for _ in $(seq 1 "${2:-300}"); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.1
  done
  die "$1 did not answer"
}
now() { date +%s.%N; }

# sha256_hex: the sha256 of standard input, as bare hex.
sha256_hex() { openssl dgst -sha256 -r | cut -d' ' -f1; }
location_of() { tr -d '\r' | awk 'tolower($1) == "location:" {print $2}'; }
absolute() { case $1 in http*) echo "$1" ;; *) echo "$upstream_url$1" ;; esac; }
with_query() { case $1 in *\?*) echo "$1&$2" ;; *) echo "$1?$2" ;; esac; }

# random_bytes N: N incompressible bytes (AES-CTR keystream when openssl is there: faster than /dev/urandom).
random_bytes() {
  if command -v openssl >/dev/null; then
    { openssl enc -aes-128-ctr -nosalt -K "$(openssl rand -hex 16)" -iv "$(openssl rand -hex 16)" -in /dev/zero 2>/dev/null || true; } \
      | head -c "$1"
  else
    head -c "$1" /dev/urandom
  fi
}

# push_blob NAME MIB REPO: streams MIB MiB of random bytes into the upstream registry's REPO (POST,
# PATCH with the bytes, PUT with the digest), hashing them on the way; sets digest[NAME]. Nothing
# goes to disk but the registry's copy.
push_blob() {
  local name=$1 mib=$2 repo=$3 fifo=$work/fifo.$1 upload hex hash_pid
  mkfifo "$fifo"
  sha256_hex < "$fifo" > "$work/$name.sha256" &
  hash_pid=$!
  upload=$(curl -sSf -D - -o /dev/null -X POST "$upstream_url/v2/$repo/blobs/uploads/" | location_of)
  upload=$(random_bytes $((mib * 1024 * 1024)) | tee "$fifo" \
    | curl -sSf -D - -o /dev/null -X PATCH -H 'Content-Type: application/octet-stream' -T - "$(absolute "$upload")" \
    | location_of)
  wait "$hash_pid"
  rm -f "$fifo"
  hex=$(cat "$work/$name.sha256")
  [[ $hex =~ ^[0-9a-f]{64}$ ]] || die "hashing blob $name failed"
  curl -sSf -o /dev/null -X PUT --data-binary '' "$(absolute "$(with_query "$upload" "digest=sha256:$hex")")"
  curl -sSf -o /dev/null -I "$upstream_url/v2/$repo/blobs/sha256:$hex" || die "blob $name is not in the upstream registry"
  digest[$name]=$hex
}

# push_file FILE REPO: the file as one blob of REPO (a monolithic upload); prints its hex.
push_file() {
  local hex upload
  hex=$(sha256_hex < "$1")
  upload=$(curl -sSf -D - -o /dev/null -X POST "$upstream_url/v2/$2/blobs/uploads/" | location_of)
  curl -sSf -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$1" \
    "$(absolute "$(with_query "$upload" "digest=sha256:$hex")")" || die "pushing $1 to $2 failed"
  echo "$hex"
}

# pull ID URL TIMEOUT: fetches URL, hashing the body; leaves ID.sha256, ID.rc and ID.out (curl's
# write-out "code ttfb total size" on its last line, the client's messages before it).
pull() {
  local out=$work/pulls/$1 rc=0
  python3 "$root/scripts/bench-http.py" get "$2" "$3" --sha256 >"$out.sha256" 2>"$out.out" || rc=$?
  echo "$rc" > "$out.rc"
}
# pull_counting ID URL TIMEOUT: fetches URL, dropping the body; leaves ID.rc and ID.out as pull does.
pull_counting() {
  local out=$work/pulls/$1 rc=0
  python3 "$root/scripts/bench-http.py" get "$2" "$3" 2>"$out.out" || rc=$?
  echo "$rc" > "$out.rc"
}
# pull_herd ID URL CLIENTS HASHING TIMEOUT: CLIENTS pulls of URL started at once (ID.1 to ID.CLIENTS); the
# first HASHING of them hash what they receive (pull), the others only count it (pull_counting). Returns
# once all have ended; their pids go to pids, so that an interrupted run ends them.
pull_herd() {
  local i herd_pids=()
  for i in $(seq 1 "$3"); do
    if ((i <= $4)); then pull "$1.$i" "$2" "$5" & else pull_counting "$1.$i" "$2" "$5" & fi
    herd_pids+=($!)
  done
  pids+=("${herd_pids[@]}")
  for i in "${herd_pids[@]}"; do wait "$i" || true; done
}
# pull_counted_ok ID BYTES: whether a counting pull answered 200 with exactly BYTES bytes.
pull_counted_ok() {
  local out=$work/pulls/$1 rc code size
  rc=$(cat "$out.rc" 2>/dev/null || echo '?')
  code=$(awk '$1 == "WRITEOUT" {c = $2} END {print c}' "$out.out" 2>/dev/null)
  size=$(pull_field "$1" size)
  if [[ $rc == 0 && $code == 200 && $size == "$2" ]]; then
    return 0
  fi
  log "pull $1: exit $rc, HTTP ${code:-none}, $size bytes, want $2 ($(grep -v '^WRITEOUT' "$out.out" | tail -1))"
  return 1
}
# pull_ok ID HEX: whether the pull answered 200 with the right bytes (and says why not).
pull_ok() {
  local out=$work/pulls/$1 code rc got
  rc=$(cat "$out.rc" 2>/dev/null || echo '?')
  got=$(cat "$out.sha256" 2>/dev/null || true)
  code=$(awk '$1 == "WRITEOUT" {c = $2} END {print c}' "$out.out" 2>/dev/null)
  if [[ $rc == 0 && $code == 200 && $got == "$2" ]]; then
    return 0
  fi
  log "pull $1: exit $rc, HTTP ${code:-none}, sha256 ${got:-none}, want $2 ($(grep -v '^WRITEOUT' "$out.out" | tail -1))"
  return 1
}
# pull_field ID ttfb|total|size
pull_field() {
  awk -v f="$2" '$1 == "WRITEOUT" {t = $3; s = $4; z = $5}
    END { if (f == "ttfb") print t; else if (f == "total") print s; else print z }' "$work/pulls/$1.out"
}

# settle_disk: writes every dirty page out before a measurement. Pushing gigabytes upstream, or the
# previous server's cold pull, leaves the kernel writing back for tens of seconds; that writeback
# (its CPU, and every fsync queued behind it) would land in whichever measurement came next.
settle_disk() { sync; }

peak_rss_mib() { awk '/^VmHWM:/ {printf "%.0f\n", $2 / 1024}' "/proc/$1/status"; }

# ---- the rate-limited upstream front --------------------------------------------------------------

# start_upstream_front REGISTRY_PORT RATE PORT...: nginx in front of the upstream registry, listening
# on each PORT (one per client, so that its access log tells who fetched what), limit_rate RATE per
# connection (nginx units: 25m = 25 MiB/s), Range and Location passed through, bodies streamed (1 MiB
# of buffers, no temp files). Sets nginx_dir, nginx_status (stub_status, not limited) and access_log;
# appends nginx's pid to pids. Needs nginx_bin.
start_upstream_front() {
  local listens="" port
  nginx_dir=$work/nginx
  nginx_status=$(free_port)
  access_log=$nginx_dir/logs/access.log
  mkdir -p "$nginx_dir/logs" "$nginx_dir/tmp"
  for port in "${@:3}"; do
    listens+="    listen 127.0.0.1:$port;"$'\n'
  done
  listens=${listens%$'\n'}
  cat > "$nginx_dir/nginx.conf" <<NGINX
daemon off;
worker_processes 2;
pid $nginx_dir/nginx.pid;
error_log $nginx_dir/logs/error.log warn;
events { worker_connections 1024; }
http {
  log_format bench '\$server_port \$request_method \$uri \$status \$body_bytes_sent \$bytes_sent "\$http_range" \$request_time \$connection';
  access_log $access_log bench;
  client_body_temp_path $nginx_dir/tmp/body;
  proxy_temp_path $nginx_dir/tmp/proxy;
  fastcgi_temp_path $nginx_dir/tmp/fastcgi;
  uwsgi_temp_path $nginx_dir/tmp/uwsgi;
  scgi_temp_path $nginx_dir/tmp/scgi;
  upstream registry {
    server 127.0.0.1:$1;
    keepalive 64;
  }
  server {
$listens
    client_max_body_size 0;
    send_timeout 300s;
    location / {
      proxy_pass http://registry;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      # Passed by default as well; explicit so that nobody adds a cache here without noticing:
      # proxy_cache would drop Range and fetch whole bodies.
      proxy_set_header Range \$http_range;
      proxy_set_header If-Range \$http_if_range;
      # Stream bodies: at most proxy_buffers (1 MiB) of a body in memory per request, never a temp
      # file; nginx reads upstream as the client takes the bytes. Not "proxy_buffering off": nginx
      # 1.22 ignores limit_rate on unbuffered proxied responses.
      proxy_buffering on;
      proxy_max_temp_file_size 0;
      proxy_buffer_size 128k;
      proxy_buffers 8 128k;
      proxy_request_buffering off;
      # Redirects (blob storage) reach the client as upstream sent them.
      proxy_redirect off;
      proxy_read_timeout 300s;
      proxy_send_timeout 300s;
      limit_rate $2;
    }
  }
  server {
    listen 127.0.0.1:$nginx_status;
    access_log off;
    location / { stub_status; }
  }
}
NGINX
  local nginx_args=(-p "$nginx_dir" -c "$nginx_dir/nginx.conf" -e "$nginx_dir/logs/error.log")
  "$nginx_bin" -t -q "${nginx_args[@]}" >"$work/nginx-test.out" 2>&1 \
    || die "nginx rejects its configuration: $(cat "$work/nginx-test.out")"
  "$nginx_bin" "${nginx_args[@]}" 2>>"$nginx_dir/logs/error.log" &
  pids+=($!)
  wait_http "http://127.0.0.1:$nginx_status/"
  wait_http "http://127.0.0.1:$3/v2/"
}

# wait_upstream_idle: until the front writes no response but the status page's own (bounded).
wait_upstream_idle() {
  local quiet=0 writing _
  for _ in $(seq 1 1200); do
    writing=$(curl -s "http://127.0.0.1:$nginx_status/" | awk '/Writing:/ {print $4}')
    if [[ $writing == 1 ]]; then
      quiet=$((quiet + 1))
      ((quiet >= 3)) && return 0
    else
      quiet=0
    fi
    sleep 0.2
  done
  log "warning: upstream still busy after 240 s"
}
# upstream_sent PORT HEX: "body_bytes GET_requests" the front logged for that blob on that port.
upstream_sent() {
  awk -v port="$1" -v hex="$2" '$1 == port && $2 == "GET" && index($3, hex) { bytes += $5; n++ }
    END { printf "%.0f %d\n", bytes, n }' "$access_log"
}
