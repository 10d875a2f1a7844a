"""The photo of a handover, uploaded with it, is shown on the public pages and served by type."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from conference.models import Handover
from tests.factories import EditionFactory, HandoverFactory

pytestmark = pytest.mark.django_db


def _image(name: str, kind: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 20, 20)).save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def handover(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return HandoverFactory(
        from_edition=EditionFactory(number=40, year=2038),
        to_edition=EditionFactory(number=41, year=2039),
        # a JPEG whose name says PNG: the type served is read from the bytes
        photo=_image("le-trao-co.png", "JPEG"),
    )


def test_handover_photo_is_served_with_the_type_of_its_bytes(client, handover):
    response = client.get("/editions/40/handover-photo")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=86400"
    served = b"".join(response.streaming_content)  # read to the end: the client closes the file
    with handover.photo.open("rb") as stored:
        assert served == stored.read()


def test_handover_photo_is_404_without_a_photo(client, handover):
    Handover.objects.filter(pk=handover.pk).update(photo="")

    assert client.get("/en/editions/40/handover-photo").status_code == 404
    assert client.get("/en/editions/12345/handover-photo").status_code == 404


def test_handover_photo_is_404_when_its_file_is_gone(client, handover):
    handover.photo.storage.delete(handover.photo.name)

    assert client.get("/editions/40/handover-photo").status_code == 404


@pytest.mark.parametrize("path", ["/editions/41/", "/flag/"])
def test_handover_photo_shown_on_the_public_pages_with_words(client, handover, path):
    cache.clear()  # the public pages are cached; the handover was made in this test
    html = client.get(path).content.decode()

    src = f'src="/editions/40/handover-photo?v={handover.photo.name}"'
    assert src in html
    assert 'alt="Cờ đăng cai được trao cho' in html
