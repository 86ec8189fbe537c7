# The one image of Huntaze's long-lived processes, on ECS Fargate (infra/lib/worker-stack.ts): the task's command
# picks the npm script: `worker` (default), `worker:onlyfans`, `db:migrate`, `backup`, or `start` for the
# private-network web tier.
#
# NEVER BUILT ON THE DEVELOPMENT MACHINES OR IN CI: containers cannot run there (podman builds FROM scratch but
# cannot start a container, so no RUN step can execute) and base images cannot be pulled. The release builds and
# pushes it (`npm run ops:aws -- release`). infra/lib/image.test.ts checks this file and runs its entry commands
# on the host instead.
#
# Pins: Node 22.23.5 and npm 11.19.1 as amplify.yml (bump them with scripts/ci/with-node22.sh), on Debian bookworm
# like the machines. Debian packages are not pinned to a revision: bookworm-security replaces Chromium's version with
# each fix and drops the old one, so a pinned browser would stop the build at the next advisory.

FROM node:22.23.5-bookworm-slim AS build
WORKDIR /app
RUN npm install --global npm@11.19.1 --no-audit --no-fund
# Dependencies first (a layer that changes only with the lockfile); postinstall runs `prisma generate`, which
# reads the schema and prisma.config.ts. npm 11 honours package.json allowScripts (no dependency install scripts).
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:22.23.5-bookworm-slim
# Debian's Chromium for the OnlyFans worker (never a downloaded browser) and pg_dump 15, the major of the RDS
# engine (infra/lib/data-stack.ts), for `npm run backup`.
RUN apt-get update \
  && apt-get install --yes --no-install-recommends chromium postgresql-client-15 ca-certificates \
  && rm -rf /var/lib/apt/lists/* \
  && npm install --global npm@11.19.1 --no-audit --no-fund \
  && npm cache clean --force \
  && groupadd --gid 10001 huntaze \
  && useradd --uid 10001 --gid 10001 --create-home --home-dir /home/huntaze --shell /usr/sbin/nologin huntaze
WORKDIR /app
# Owned by root: the app's user can read its code but not change it; only Next's cache directory is its own
# (the web server writes optimized images and fetch results there).
COPY --from=build /app /app
RUN mkdir -p /app/.next/cache && chown 10001:10001 /app/.next/cache
# script-shell: npm runs a script through `sh -c`, and Debian's dash forks the command instead of replacing itself,
# so the SIGTERM that npm forwards on a task stop would kill the shell and orphan the worker without its drain; bash
# execs a single command, so the script's own process gets the signal (infra/lib/image.test.ts drills it).
# logs-max=0 and no update check: npm writes nothing and calls nothing before the script starts.
# APP_COMMIT: the commit the image is built from (`docker build --build-arg APP_COMMIT=<sha>`, as the release does),
# the build the processes report; declared after the last RUN so a new commit rebuilds no layer.
ARG APP_COMMIT
ENV APP_COMMIT=$APP_COMMIT \
  NODE_ENV=production \
  NEXT_TELEMETRY_DISABLED=1 \
  npm_config_script_shell=/bin/bash \
  npm_config_logs_max=0 \
  npm_config_update_notifier=false
# The only writable places when the task's root filesystem is read-only: Fargate mounts a fresh volume on each,
# with the owner and mode they have here (ECS bind mounts + VOLUME).
VOLUME ["/tmp", "/home/huntaze", "/app/.next/cache"]
USER 10001:10001
ENTRYPOINT ["npm", "run"]
CMD ["worker"]
