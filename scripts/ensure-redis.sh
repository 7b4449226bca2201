#!/usr/bin/env bash
# Makes sure a Redis answers on 127.0.0.1:6379 (or $REDIS_HOST:$REDIS_PORT):
# installs redis-server from Debian/Ubuntu packages if it is missing, starts
# it without persistence, and waits until it answers PING. The outage, chaos,
# TLS and cluster tests start redis-servers of their own (the cluster tests
# join three with redis-cli) and make certificates with openssl, so these
# must be installed even when a Redis already answers.
set -euo pipefail

host="${REDIS_HOST:-127.0.0.1}"
port="${REDIS_PORT:-6379}"

# PING over bash's /dev/tcp, so redis-cli is not needed to check (the cluster
# tests need it, to form their cluster: package redis-tools).
ping_redis() {
  (
    exec 3<>"/dev/tcp/$host/$port" || exit 1
    printf 'PING\r\n' >&3
    IFS= read -r -t 2 reply <&3 || exit 1
    [[ "$reply" == +PONG* ]]
  ) 2>/dev/null
}

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if (( ${#missing[@]} )); then
  echo "redis: installing ${missing[*]}"
  sudo_cmd=""
  if [[ "$(id -u)" != 0 ]]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ping_redis; then
  echo "redis: answering on $host:$port"
  exit 0
fi

echo "redis: starting redis-server on $host:$port"
redis-server --daemonize yes --bind "$host" --port "$port" \
  --save "" --appendonly no --dir /tmp --logfile /tmp/tandem-redis.log

for _ in $(seq 1 50); do
  if ping_redis; then
    echo "redis: answering on $host:$port"
    exit 0
  fi
  sleep 0.2
done
echo "redis: started but does not answer on $host:$port; see /tmp/tandem-redis.log" >&2
exit 1
