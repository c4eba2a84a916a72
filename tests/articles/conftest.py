"""Fixtures the import and job tests share: a story and its editor, signed in."""

import pytest

from articles.models import Role, Story
from tests.conftest import make_user


@pytest.fixture
def story():
    return Story.objects.create(slug="geneva", title="Geneva talks")


@pytest.fixture
def story_editor(story):
    return make_user("edna", story, Role.EDITOR)


@pytest.fixture
def editor_client(client, story_editor):
    client.force_login(story_editor)
    return client
