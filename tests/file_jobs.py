"""Ask for a prepared file as the organizers' buttons do, and download it: the job is built at
commit, in-process, as in the embedded default (no broker)."""

from django.test import TestCase
from django.urls import reverse
from django.utils import translation


def file_job_url(name: str, number: int, lang: str = "en", **kwargs) -> str:
    with translation.override(lang):
        return reverse(f"conference:{name}", kwargs={"number": number, **kwargs})


def request_file(client, number: int, kind: str, query: str = "", lang: str = "en"):
    """POST the button's form; the response (a redirect to the job's page, or why not)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            file_job_url("file_job_new", number, lang), {"kind": kind, "query": query}
        )


def prepared_file(client, number: int, kind: str, query: str = "", lang: str = "en"):
    """Ask for the file, then download it: the download's response."""
    response = request_file(client, number, kind, query, lang)
    assert response.status_code == 302, response.status_code
    page = client.get(response["Location"])
    job = page.context["job"]
    assert job.status == "done", (job.status, job.error)
    return client.get(file_job_url("file_job_download", number, lang, pk=job.pk))
