from datetime import date
from pathlib import Path

import pytest

from articles.ingest.clean import clean_text
from articles.ingest.metadata import detect_metadata
from articles.ingest.types import Metadata

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

SEED_METADATA = {
    "000_fce1e03549333a94.txt": Metadata(
        outlet="Sputnik International",
        title="Pentagon 'Had no Intention of Implementing' Main Part of Russia-US Deal on Syria",
    ),
    "001_f905e831ff7172e5.txt": Metadata(
        outlet="The Washington Times", published=date(2016, 9, 20)
    ),
    "002_91a21abd64638276.txt": Metadata(
        outlet="CNN", title="US, Moscow set to discuss Syria pact Pentagon may not want"
    ),
    "003_cac267b27a17f661.txt": Metadata(
        title="The U.S. Military Just Froze Its Plans To Cooperate With Russia In Syria",
        published=date(2016, 9, 21),
    ),
    "004_e7e81859fba7527d.txt": Metadata(),
}


def seed_text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(SEED_METADATA))
def test_seed_metadata(name):
    assert detect_metadata(seed_text(name)) == SEED_METADATA[name]


@pytest.mark.parametrize("name", sorted(SEED_METADATA))
def test_title_is_the_line_clean_drops_as_headline(name):
    title = detect_metadata(seed_text(name)).title
    headlines = [r.text for r in clean_text(seed_text(name)).removed if r.reason == "headline"]
    assert headlines == ([title] if title else [])


BODY = "\n\nThe talks failed on Monday, officials said.\n"


@pytest.mark.parametrize(
    "line",
    [
        "Tuesday, September 20, 2016",
        "September 20, 2016",
        "Sept. 20, 2016",
        "Sep 20 2016",
        "20 September 2016",
        "Tue 20 Sept 2016",
        "2016-09-20",
        "Published: September 20, 2016",
        "Updated September 20, 2016 10:32 a.m. ET",
        "September 20, 2016 - 4: 43 pm",
        "Story Created: Sep 20, 2016 at 9: 56 AM AKDT",
        "Last modified on Tuesday 20 September 2016 10.43 BST",
    ],
)
def test_dateline_formats(line):
    assert detect_metadata(line + BODY).published == date(2016, 9, 20)


def test_impossible_date_is_not_a_date():
    assert detect_metadata("February 30, 2016" + BODY).published is None


def test_dates_in_the_reporting_are_not_the_publication_date():
    text = "The talks failed on September 20, 2016, officials said.\nSeptember 21, 2016\n"
    assert detect_metadata(text).published is None


def test_outlet_line_with_date():
    meta = detect_metadata("- Example Daily - Sept. 20, 2016\n" + BODY)
    assert (meta.outlet, meta.published) == ("Example Daily", date(2016, 9, 20))


def test_source_line_names_outlet():
    assert detect_metadata("The talks failed.\nSource: Reuters\n").outlet == "Reuters"


def test_source_line_naming_nobody_states_nothing():
    assert detect_metadata("The talks failed.\nSource :\n") == Metadata()


def test_source_domain_is_a_domain_not_an_outlet():
    meta = detect_metadata("The talks failed.\nSource: https://www.example.com/world/1\n")
    assert (meta.outlet, meta.domain) == ("", "example.com")


def test_byline():
    text = "Kerry Meets Lavrov\n\nBy Jane Doe\n\nThe talks failed on Monday, officials said.\n"
    meta = detect_metadata(text)
    assert (meta.title, meta.byline, meta.outlet) == ("Kerry Meets Lavrov", "Jane Doe", "")


def test_byline_with_outlet():
    meta = detect_metadata("By Andrew Tilghman, Military Times" + BODY)
    assert (meta.byline, meta.outlet) == ("Andrew Tilghman", "Military Times")


def test_byline_with_role_is_no_outlet():
    meta = detect_metadata("By JANE DOE and John Roe, Staff Writer" + BODY)
    assert (meta.byline, meta.outlet) == ("JANE DOE and John Roe", "")


def test_sentence_starting_with_by_is_no_byline():
    assert detect_metadata("By Monday, the talks had failed.\n").byline == ""


def test_nothing_stated_gives_empty_metadata():
    text = "The talks failed on Monday.\n“We tried,” Kerry said.\n"
    assert detect_metadata(text) == Metadata()


def test_title_needs_headline_shape():
    assert detect_metadata("The talks failed on Monday." + BODY).title == ""
    assert detect_metadata("Newsletters" + BODY).title == ""
    assert detect_metadata("Did the ceasefire ever have a chance?" + BODY).title == (
        "Did the ceasefire ever have a chance?"
    )


def test_chrome_above_the_headline_is_not_the_title():
    text = "Sign up for our newsletter\n\nKerry Meets Lavrov Again\n\n21 September 2016" + BODY
    meta = detect_metadata(text)
    assert (meta.title, meta.published) == ("Kerry Meets Lavrov Again", date(2016, 9, 21))


# Shapes of issue 14: a headline on a line of its own, a title line that states the outlet and
# the date, a copyright notice that names the outlet.

REPORTING = "The talks failed on Monday, officials said.\nBoth sides blamed the other.\n"


def test_headline_straight_above_the_reporting_is_the_title():
    meta = detect_metadata("Ceasefire collapses as aid convoy is hit\n" + REPORTING)
    assert meta.title == "Ceasefire collapses as aid convoy is hit"


def test_headline_after_chrome_and_straight_above_the_reporting_is_the_title():
    text = "Subscribe\nGlobal Wire: Talks Collapse In Geneva\n" + REPORTING
    assert detect_metadata(text).title == "Global Wire: Talks Collapse In Geneva"


def test_title_line_states_headline_outlet_and_date():
    text = "Headline - The Harbor Gazette - Wednesday, March 24, 2021\n\n" + REPORTING
    assert detect_metadata(text) == Metadata(
        outlet="The Harbor Gazette", title="Headline", published=date(2021, 3, 24)
    )


@pytest.mark.parametrize(
    "line",
    [
        "Port strike ends | Harbor Gazette | 2021-03-24",
        "Port strike ends — Harbor Gazette — March 24, 2021 - 4:43 pm",
    ],
)
def test_title_line_with_other_separators(line):
    meta = detect_metadata(line + "\n" + REPORTING)
    assert (meta.title, meta.outlet, meta.published) == (
        "Port strike ends",
        "Harbor Gazette",
        date(2021, 3, 24),
    )


def test_headline_holding_a_dash_stays_whole():
    text = "Syria - the truce is over - March 24, 2021\n\n" + REPORTING
    meta = detect_metadata(text)
    assert (meta.title, meta.outlet, meta.published) == (
        "Syria - the truce is over - March 24, 2021",
        "",
        None,
    )


def test_outlet_line_at_the_top_wins_over_the_title_line():
    text = "- Harbor Gazette\n\nPort strike ends - Wire Service - March 24, 2021\n\n" + REPORTING
    meta = detect_metadata(text)
    assert (meta.outlet, meta.title) == ("Harbor Gazette", "Port strike ends")


@pytest.mark.parametrize(
    "notice",
    [
        "© 2021 The Harbor Gazette",
        "Copyright © 2021 The Harbor Gazette, LLC. Click here for reprint permission.",
        "(c) 2019-2021 The Harbor Gazette Inc. All rights reserved.",
    ],
)
def test_copyright_notice_names_the_outlet(notice):
    meta = detect_metadata(REPORTING + "\n" + notice + "\n")
    assert (meta.outlet, meta.published) == ("The Harbor Gazette", None)  # a year is no date


def test_copyright_notice_yields_to_what_names_the_outlet_more_directly():
    text = REPORTING + "Source: Wire Service\n© 2021 The Harbor Gazette\n"
    assert detect_metadata(text).outlet == "Wire Service"


@pytest.mark.parametrize(
    "line", ["© AP Photo / Jane Doe", "© 2021 all rights reserved", "Copyright 2021"]
)
def test_photo_credits_and_nameless_notices_name_no_outlet(line):
    assert detect_metadata(REPORTING + line + "\n").outlet == ""


def test_copyright_notice_is_removed_from_the_body():
    cleaned = clean_text(REPORTING + "© 2021 The Harbor Gazette\n")
    assert [(r.text, r.reason) for r in cleaned.removed] == [
        ("© 2021 The Harbor Gazette", "copyright notice")
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Fernhill Herald - December 27, 2008",
        "The Vancouver Sun - Saturday, December 27, 2008",
        "Fernhill Herald | Dec. 27, 2008 - 4:05 pm",
    ],
)
def test_outlet_and_date_line_below_the_headline_states_both(line):
    """A line "Outlet - Date" under the headline came in as "Date not stated"."""
    text = "Library opening delayed again\n\n" + line + BODY
    meta = detect_metadata(text)
    assert (meta.title, meta.published) == ("Library opening delayed again", date(2008, 12, 27))
    assert meta.outlet in ("Fernhill Herald", "The Vancouver Sun")


def test_outlet_and_date_line_above_the_headline_states_both():
    text = "The Vancouver Sun - Saturday, December 27, 2008\n\nLibrary opening delayed again" + BODY
    meta = detect_metadata(text)
    assert (meta.outlet, meta.title) == ("The Vancouver Sun", "Library opening delayed again")
    assert meta.published == date(2008, 12, 27)


@pytest.mark.parametrize(
    "line",
    [
        "BEIRUT - Dec. 27, 2008",  # a place in capitals opens a dateline
        "Updated - Dec. 27, 2008",  # a stamp word
    ],
)
def test_a_dateline_that_need_not_name_an_outlet_states_only_the_date(line):
    meta = detect_metadata("Library opening delayed again\n\n" + line + BODY)
    assert (meta.outlet, meta.published) == ("", date(2008, 12, 27))


def test_a_name_and_date_with_no_headline_elsewhere_names_no_outlet():
    """The line may be the headline itself ("Truce Collapses - Date"): its date is read, but its
    words are taken for no outlet."""
    meta = detect_metadata("Syrian Truce Collapses - September 20, 2016" + BODY)
    assert (meta.outlet, meta.published) == ("", date(2016, 9, 20))


def test_a_name_and_date_in_the_reporting_states_nothing():
    text = "Library opening delayed again" + BODY + "Fernhill Herald - December 27, 2008\n"
    meta = detect_metadata(text)
    assert (meta.outlet, meta.published) == ("", None)


def test_a_stated_outlet_wins_over_the_dated_line():
    text = "Library opening delayed again\n\nFernhill Herald - December 27, 2008" + BODY
    assert detect_metadata(text + "Source: Wire Service\n").outlet == "Fernhill Herald"
    assert detect_metadata("- Daily Example\n\n" + text).outlet == "Daily Example"
