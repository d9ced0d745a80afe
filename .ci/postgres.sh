#!/usr/bin/env bash
# Sourced by .ci/run: the PostgreSQL suites start private clusters from the server binaries
# (tests/support/pg-cluster.ts); install them when missing. CI=true fails those suites without them.
pg_ensure() {
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
}
