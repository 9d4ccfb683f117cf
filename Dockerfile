# Production image: the portal served by daphne (HTTP + WebSocket) behind nginx.

# Front-end packages from the npm registry (package-lock.json), never a CDN.
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=dev

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production
WORKDIR /app

RUN useradd --create-home --uid 1000 portal
COPY pyproject.toml README.md ./
COPY portal ./portal
COPY search ./search
COPY manage.py ./
COPY --from=assets /app/node_modules ./node_modules
RUN pip install --no-cache-dir . && mkdir -p media/public media/private static_collected \
    && chown -R portal /app/media
COPY scripts/docker-entrypoint.sh /usr/local/bin/portal-entrypoint
USER portal
EXPOSE 8000
ENTRYPOINT ["portal-entrypoint"]
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "--proxy-headers", "portal.asgi:application"]
