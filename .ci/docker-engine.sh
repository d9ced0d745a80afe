#!/usr/bin/env bash
# A private Docker engine for CI (docs/adr/0017): sourced by .ci/run. Installs Debian's docker.io,
# busybox-static and docker-compose when missing, starts dockerd under a temporary root with no bridge and no
# iptables (measured in docs: ready in < 1 s), exports DOCKER_HOST, and stops and removes it all
# on exit. A DOCKER_HOST that already answers is used as it is.

docker_ping() { # $1 = socket path
  curl -fsS --max-time 2 --unix-socket "$1" http://docker/_ping >/dev/null 2>&1
}

docker_install_missing() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || [ -x /usr/sbin/dockerd ] || missing+=(docker.io)
  dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || missing+=(busybox-static)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  # The compose-file suites validate docker-compose*.yml with Debian's docker-compose 1.29.
  [ -x /usr/bin/docker-compose ] || missing+=(docker-compose)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "ci: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# Start a private dockerd under $1 (a fresh directory); exports DOCKER_HOST.
docker_start() {
  local root="$1"
  CONVEYOR_DOCKER_ROOT="$root"
  mkdir -p "$root"
  setsid /usr/sbin/dockerd --host "unix://$root/docker.sock" --data-root "$root/data" --exec-root "$root/exec" \
    --pidfile "$root/docker.pid" --iptables=false --ip-masq=false --bridge=none --storage-driver=overlay2 \
    >"$root/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 200); do
    if docker_ping "$root/docker.sock"; then
      export DOCKER_HOST="unix://$root/docker.sock"
      echo "ci: private Docker engine at $DOCKER_HOST"
      return 0
    fi
    sleep 0.1
  done
  echo "ci: dockerd did not answer /_ping within 20 s; its log:" >&2
  tail -n 30 "$root/dockerd.log" >&2 || true
  return 1
}

# Stop the daemon started by docker_start and remove its root (safe to call twice).
docker_stop() {
  local root="${CONVEYOR_DOCKER_ROOT:-}"
  [ -n "$root" ] && [ -d "$root" ] || return 0
  local pid
  pid="$(cat "$root/docker.pid" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  # Network namespaces and overlay mounts may outlive the daemon: unmount them, deepest first.
  awk -v root="$root/" 'index($2, root) == 1 { print $2 }' /proc/self/mounts | sort -r | while read -r mount; do
    umount -l "$mount" 2>/dev/null || true
  done
  rm -rf "$root"
  CONVEYOR_DOCKER_ROOT=""
}

# Use DOCKER_HOST when it answers; else install what is missing and start a private engine.
docker_ensure() {
  if [ -n "${DOCKER_HOST:-}" ] && [[ "$DOCKER_HOST" == unix://* ]] && docker_ping "${DOCKER_HOST#unix://}"; then
    echo "ci: using the Docker engine at $DOCKER_HOST"
    return 0
  fi
  docker_install_missing
  docker_start "$(mktemp -d /tmp/conveyor-ci-docker.XXXXXX)"
}
