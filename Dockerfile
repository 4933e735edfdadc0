# syntax=docker/dockerfile:1
# radar-pairing-emulator: the camera (with its built-in radar simulator) or,
# with another command, the radar simulator alone.

# ── build: dev dependencies, TypeScript → dist/ ─────────────────────────────
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev

# ── runtime: production dependencies only, non-root ─────────────────────────
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    RPE_HOST=0.0.0.0 \
    RPE_STATE_DIR=/data \
    RADAR_SIM_HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
COPY --chown=root:root fixtures ./fixtures
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# camera HTTP, built-in radar simulator HTTP and RTSP
EXPOSE 8080 8081 8554
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.RPE_PORT || 8080) + '/emulator/v1/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/cli/camera.js"]
CMD []
