"""Events' stored counts of claims and outlets (EventQuerySet.refresh_counts), which matching
and every edit keep up to date and the story overview orders by."""

import pytest

from claims.models import Claim, Event
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


def test_refresh_counts_counts_claims_and_distinct_outlets_of_just_these_events(
    seed_story, django_assert_num_queries
):
    a = make_article(seed_story, "Reuters", ["One said so.", "Two said so.", "Three said so."])
    b = make_article(seed_story, "Reuters", ["Four said so."])
    c = make_article(seed_story, "AP", ["Five said so."])
    both, emptied, other = (
        Event.objects.create(story=seed_story, key=key, claim_count=9, outlet_count=9)
        for key in ("both", "emptied", "other")
    )
    Claim.objects.filter(id__in=[a[0].id, a[1].id, b[0].id, c[0].id]).update(event=both)
    Claim.objects.filter(id=a[2].id).update(event=other)

    with django_assert_num_queries(1):  # however many events
        assert Event.objects.filter(id__in=[both.id, emptied.id]).refresh_counts() == 2

    counts = dict(Event.objects.values_list("key", "claim_count"))
    outlets = dict(Event.objects.values_list("key", "outlet_count"))
    assert (counts["both"], outlets["both"]) == (4, 2)  # two Reuters articles are one outlet
    assert (counts["emptied"], outlets["emptied"]) == (0, 0)
    assert (counts["other"], outlets["other"]) == (9, 9)  # not asked: left alone
