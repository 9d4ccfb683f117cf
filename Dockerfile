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
COPY locale ./locale
COPY --from=assets /app/node_modules ./node_modules
# The translations are compiled by Babel (a dependency), as `make install` does. The
# release step (`migrate`) writes the collected static files into a volume that takes
# this directory's owner when first created: it must be the portal user's.
RUN pip install --no-cache-dir . \
    && for po in locale/*/LC_MESSAGES/django.po; do pybabel -q compile -D django -i "$po" -o "${po%.po}.mo" || exit 1; done \
    && mkdir -p media/public media/private static_collected \
    && chown -R portal /app/media /app/static_collected
COPY scripts/docker-entrypoint.sh /usr/local/bin/portal-entrypoint
USER portal
EXPOSE 8000
# The entrypoint checks the configuration, then runs the command: `migrate` (the release
# step), `worker` (background tasks) or, by default, the ASGI server.
ENTRYPOINT ["portal-entrypoint"]
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "--proxy-headers", "portal.asgi:application"]
