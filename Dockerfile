# The web app, the Celery workers and beat all run this image (docker-compose.yml picks the command).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=vendorrisk.settings.production

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. The lock pins every package.
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .

# Static files are collected at build time and served by WhiteNoise; the placeholder secret exists only
# for this step (production settings refuse to import without one) and is not kept in the image.
RUN SECRET_KEY=collectstatic-build-step-placeholder-not-a-secret ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin vendorrisk \
    && mkdir -p /app/var/media \
    && chown -R vendorrisk:vendorrisk /app/var

USER vendorrisk
EXPOSE 8000

CMD ["gunicorn", "vendorrisk.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
