# syntax=docker/dockerfile:1
# Multi-stage build: compile TypeScript and the console in a full image, run on a slim Debian Node 20
# image with ffmpeg and the OCR-B font, as a non-root user.

FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY service ./service
COPY reviewer-ui ./reviewer-ui
COPY applicant-ui ./applicant-ui
COPY ui-shared ./ui-shared
COPY tsconfig.ui.json ./
COPY models ./models
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg fonts-ocr-b espeak-ng ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production PORT=8080 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/models ./models
COPY --from=build /app/service/db/migrations ./service/db/migrations
COPY bin ./bin
RUN useradd --system --uid 10001 --home /app idv && mkdir -p /data && chown idv /data
USER idv
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/service/main.js"]
