# MPR in one image: the single executable built by scripts/build.ts (API, UI,
# workers, CLI) on Debian with Debian's ffmpeg.
#
#   docker build -t mpr .
#   docker run -p 8080:8080 -v mpr-data:/data mpr            # embedded defaults (SQLite, folders)
#   docker run -e REDIS_URL=redis://redis:6379 ... mpr         # log and live bus on Redis
#   docker run ... mpr worker                                  # any subcommand: the role is the command
#
# Both stages are Debian bookworm: the executable links the builder's glibc,
# and the final image's ffmpeg (5.1) is the one the test suite runs against.

ARG BUN_VERSION=1.4.5

# --- build: packages, the Vite UI, then `bun build --compile` --------------
FROM oven/bun:${BUN_VERSION}-debian AS build
WORKDIR /src
# Packages first, so a source change does not reinstall them.
# --ignore-scripts: the only install script in bun.lock is ffmpeg-static's
# download of a static ffmpeg (a default-trusted package), useless here: the
# binary cannot load packages at run time and the image uses Debian's ffmpeg.
# Not --omit=optional: Vite's bundler (rolldown, lightningcss) ships its native
# binding as optional platform packages.
COPY package.json bun.lock bunfig.toml ./
RUN bun install --frozen-lockfile --ignore-scripts
COPY . .
RUN bun scripts/build.ts

# --- run: the executable, ffmpeg, tini --------------------------------------
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
# A fixed uid, so a bind-mounted /data can be chowned to it on the host
# (`chown 10001:10001 /srv/mpr`; named volumes are created from the image's
# /data and so owned by mpr already). A /data it cannot write stops mpr at
# start with a message naming the folder, the uid and that chown.
RUN groupadd --system --gid 10001 mpr \
 && useradd --system --uid 10001 --gid mpr --home-dir /data --shell /usr/sbin/nologin mpr \
 && mkdir -p /data \
 && chown mpr:mpr /data
COPY --from=build /src/dist/mpr /usr/local/bin/mpr
ENV MPR_DATA=/data \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /data
VOLUME /data
EXPOSE 8080
USER mpr
# `mpr health` asks http://127.0.0.1:$PORT/api/health: no curl needed.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 CMD ["mpr", "health"]
# tini reaps ffmpeg children and forwards SIGTERM, so `docker stop` shuts MPR down cleanly.
ENTRYPOINT ["tini", "--", "mpr"]
CMD ["start"]
