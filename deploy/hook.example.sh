#!/bin/sh
# Example deploy hook for an app run with Docker Compose (docs/deploy.md, ADR 0027).
#
# Conveyor runs it with `sh -c` in the task's worktree, with exactly these variables (plus PATH and
# HOME): SOURCE_IMAGE (the image to run), TARGET_IMAGE (<deploy.image>:<sha>), EXPECTED_REVISION,
# PREVIOUS_IMAGE (what production ran before; empty on the first deploy), ORCH_TASK_ID,
# ORCH_PROJECT, DOCKER_HOST. Anything else is set in the hook command itself, e.g.
#   "hook": "APP_COMPOSE_FILE=deploy/compose.prod.yml sh deploy/hook.example.sh"
#
# Exit codes (they decide what Conveyor does next):
#   0  deployed: the app runs TARGET_IMAGE and answers (Conveyor then runs its own health loop)
#   1  failed before changing anything (production untouched)
#   2  failed after a change, and the previous version was restored
#   3  failed after a change and could not restore: unknown state, a person must look
#
# The app's compose file names its image through APP_IMAGE: `image: ${APP_IMAGE}`.
set -u

DOCKER=${DOCKER:-docker}
COMPOSE=${COMPOSE:-docker compose}
APP_COMPOSE_FILE=${APP_COMPOSE_FILE:-docker-compose.prod.yml}
APP_SERVICE=${APP_SERVICE:-app}
# A command run inside the service; exit 0 = the app answers.
APP_HEALTH=${APP_HEALTH:-wget -q -O- http://127.0.0.1:8080/healthz}
HEALTH_TRIES=${HEALTH_TRIES:-30}

say() { printf '[hook %s] %s\n' "${ORCH_TASK_ID:-?}" "$*"; }

compose_up() {
  APP_IMAGE=$1 $COMPOSE -f "$APP_COMPOSE_FILE" up -d --no-build "$APP_SERVICE"
}

healthy() {
  i=0
  while [ "$i" -lt "$HEALTH_TRIES" ]; do
    if $COMPOSE -f "$APP_COMPOSE_FILE" exec -T "$APP_SERVICE" sh -c "$APP_HEALTH" >/dev/null 2>&1; then
      return 0
    fi
    i=$((i + 1))
    sleep 1
  done
  return 1
}

# Put PREVIOUS_IMAGE back after a change went wrong: exit 2 when it answers again, else 3.
restore() {
  say "$1"
  if [ -z "${PREVIOUS_IMAGE:-}" ]; then
    say "no previous image to restore (first deploy)"
    exit 3
  fi
  say "restoring $PREVIOUS_IMAGE"
  if compose_up "$PREVIOUS_IMAGE" && healthy; then
    say "previous version restored"
    exit 2
  fi
  say "restoring $PREVIOUS_IMAGE failed"
  exit 3
}

# 1. Checks that change nothing.
[ -n "${SOURCE_IMAGE:-}" ] && [ -n "${TARGET_IMAGE:-}" ] || { say "SOURCE_IMAGE and TARGET_IMAGE are required"; exit 1; }
[ -f "$APP_COMPOSE_FILE" ] || { say "no compose file $APP_COMPOSE_FILE"; exit 1; }
$DOCKER image inspect "$SOURCE_IMAGE" >/dev/null 2>&1 || { say "image $SOURCE_IMAGE not found"; exit 1; }

# 2. Retag (never rebuild): production runs the exact image staging validated.
if [ "$SOURCE_IMAGE" != "$TARGET_IMAGE" ]; then
  $DOCKER tag "$SOURCE_IMAGE" "$TARGET_IMAGE" || { say "cannot tag $TARGET_IMAGE"; exit 1; }
fi

# 3. The change: replace the service's container, without building anything.
say "deploying $TARGET_IMAGE (revision ${EXPECTED_REVISION:-?})"
compose_up "$TARGET_IMAGE" || restore "compose up failed"

# 4. The app must answer before the hook reports success.
healthy || restore "the new version does not answer: $APP_HEALTH"
say "deployed $TARGET_IMAGE"
exit 0
