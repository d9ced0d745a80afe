# syntax=docker/dockerfile:1
# Conveyor: multi-stage build, runs as the non-root `node` user, state on the /data volume.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
# better-sqlite3 compiles when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev

FROM node:20-bookworm-slim AS runtime
# git for workspaces; agents' own CLIs are added by images built FROM this one.
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates tini \
  && rm -rf /var/lib/apt/lists/*
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
