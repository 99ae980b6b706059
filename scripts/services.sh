#!/usr/bin/env bash
# Starts the local services the test suite needs (shared by the README's test command and .ci/run).
# s3rver, azurite and the platform fakes are started by the tests themselves (@lithops/testkit);
# Redis and RabbitMQ run as system services: install and start them here when they are missing.
set -uo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && exec 3>&- 3<&-; }

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v rabbitmq-server >/dev/null 2>&1 || need+=(rabbitmq-server)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "[services] installing ${need[*]}"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "[services] missing: ${need[*]} — install them (e.g. sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
fi

if ! port_open 6379; then
  echo "[services] starting Redis on 127.0.0.1:6379"
  mkdir -p /tmp/lithops-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp/lithops-redis --logfile /tmp/lithops-redis/redis.log
fi

if ! port_open 5672; then
  echo "[services] starting RabbitMQ on 127.0.0.1:5672"
  state=/tmp/lithops-rabbitmq
  mkdir -p "$state/mnesia" "$state/log"
  id rabbitmq >/dev/null 2>&1 && chown -R rabbitmq "$state"
  RABBITMQ_NODENAME=rabbit@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 ERL_EPMD_ADDRESS=127.0.0.1 \
    RABBITMQ_MNESIA_BASE="$state/mnesia" RABBITMQ_LOG_BASE="$state/log" \
    nohup rabbitmq-server >"$state/out.log" 2>&1 &
fi

for i in $(seq 1 60); do
  port_open 6379 && port_open 5672 && { echo "[services] Redis and RabbitMQ are up"; exit 0; }
  sleep 1
done
port_open 6379 || { echo "[services] Redis did not start" >&2; exit 1; }
port_open 5672 || { echo "[services] RabbitMQ did not start" >&2; exit 1; }
