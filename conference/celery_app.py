"""The one Celery application. Periodic jobs are registered in ``conference.schedule``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")

app = Celery("conference")
app.config_from_object("django.conf:settings", namespace="CELERY")
# With no broker configured, tasks run in-process (CELERY_TASK_ALWAYS_EAGER), but Celery still
# takes a producer for them: give it the in-memory transport instead of a default AMQP
# connection to localhost (whose "No hostname was supplied" warning `make run` would print).
# settings.CELERY_BROKER_URL stays empty: it is what tells the site no broker is configured.
app.conf.broker_url = app.conf.broker_url or "memory://localhost/"
app.autodiscover_tasks()
