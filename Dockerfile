# syntax=docker/dockerfile:1
# Conveyor: multi-stage build on the current Node LTS, runs as the non-root `node` user (uid/gid set
# by the CONVEYOR_UID / CONVEYOR_GID build args, default 1000:1000), state on the /data volume.

FROM node:24-bookworm-slim AS deps
WORKDIR /app
# better-sqlite3 compiles when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev

FROM node:24-bookworm-slim AS runtime
# git for workspaces, openssh-client for SSH deploy keys; agents' own CLIs (and a docker CLI for
# deploy hooks that need one) are added by images built FROM this one (docs/deploy.md).
RUN apt-get update && apt-get install -y --no-install-recommends git openssh-client ca-certificates tini \
  && rm -rf /var/lib/apt/lists/*
# The `node` user takes the uid/gid the host's files and volumes expect.
ARG CONVEYOR_UID=1000
ARG CONVEYOR_GID=1000
RUN groupmod -o -g "$CONVEYOR_GID" node && usermod -o -u "$CONVEYOR_UID" -g "$CONVEYOR_GID" node \
  && chown -R node:node /home/node
WORKDIR /app
ENV NODE_ENV=production \
    ORCH_DB_PATH=/data/conveyor.db \
    ORCH_WORKDIR=/data/work \
    ORCH_PROJECTS_FILE=/data/projects.json \
    ORCH_HTTP_HOST=0.0.0.0 \
    ORCH_HTTP_PORT=8080
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json main.ts ./
COPY bin ./bin
COPY app ./app
COPY bot ./bot
COPY core ./core
COPY adapters ./adapters
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.ORCH_HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["tini", "--", "node", "bin/conveyor.js"]
CMD ["start"]
