from pathlib import Path

import pytest

from articles.ingest.clean import clean_text, furniture_reason, line_key

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# Per seed: the first and last sentence of the reporting, a few from the middle, and every
# line of chrome. Everything else in the file is reporting and must come out verbatim.
SEED_CASES = {
    "000_fce1e03549333a94.txt": {
        "first": "The US-led coalition airstrike on the Syrian Arab Army (SAA) besieged",
        "last": 'would not greenlight "any cooperation with\xa0Russia on\xa0Syria."',
        "middle": [
            "The journalist doubted that the air raid was unintentional.",
            "For their part, radical groups refused to\xa0do the same.",
            "According to\xa0CENTCOM, the planes targeted a Daesh fighting position.",
        ],
        "chrome": [
            "- Sputnik International",
            "World",
            "Get the latest news from around the world, live coverage, off-beat stories, "
            "features and analysis.",
            "Pentagon 'Had no Intention of Implementing' Main Part of Russia-US Deal on Syria",
            "© AP Photo / Manish SwarupUS Defense Secretary Ashton Carter",
            "US Defense Secretary Ashton Carter - Sputnik International",
            "Subscribe",
            "A man walks on the rubble of damaged buildings after an airstrike on the rebel held "
            "al-Qaterji neighbourhood of Aleppo, Syria September 25, 2016 - Sputnik International",
            "Syrian Ceasefire Failed 'Because Some in Washington Wanted It to Fail'",
            "Newsfeed",
            "0",
            "To participate in the discussion",
            "log in or register",
            "loader",
            "Chats",
            "Заголовок открываемого материала",
        ],
    },
    "001_f905e831ff7172e5.txt": {
        "first": "Negotiations between Washington and Moscow on potential cooperation",
        "last": "a “significant drop in violence” over the first 24 hours of the cease-fire.",
        "middle": [
            "“We are not anticipating any great progress anytime soon,” he told reporters at the "
            "Pentagon Tuesday.",
            "“The cease-fire is not dead,” Mr. Kerry told reporters",
            "That pact was reached last October, after several near-misses between Russian "
            "fighters and U.S. aircraft in the skies over Syria.",
        ],
        "chrome": [
            "- The Washington Times - Tuesday, September 20, 2016",
            "Sign up for Daily Newsletters",
            "Manage Newsletters",
            "Copyright © 2020 The Washington Times, LLC. Click here for reprint permission.",
            "Please read our comment policy before commenting.",
            "Click to Read More and View Comments",
            "Click to Hide",
        ],
    },
    "002_91a21abd64638276.txt": {
        "first": "When Secretary of State John Kerry meets with Russian counterpart Sergey Lavrov",
        "last": "“That’s what we’ve been urging them to do since they came in.”",
        "middle": [
            "He concluded, “They haven’t done either of those things.”",
            "Last month Carter publicly spoke about his concerns, using another name for ISIS.",
            "That is another key win for Moscow.",
        ],
        "chrome": [
            "US, Moscow set to discuss Syria pact Pentagon may not want",
            "Source: CNN",
            'Be the first to comment at "US, Moscow set to discuss Syria pact Pentagon may not '
            'want"',
            "Write your comment",
            "This site uses Akismet to reduce spam. Learn how your comment data is processed.",
        ],
    },
    "003_cac267b27a17f661.txt": {
        "first": "U.S. defense officials say plans to launch joint military operations with Russia",
        "last": "The Russians are targeting al Nusra militants and are supporting Assad's regime.",
        "middle": [
            "But that planning effort has not included direct discussions with the Russians.",
            "“We haven’t had any mil-to-mil contact [with Russia] at all because we are not "
            "authorized to,” Thomas said.",
            "The U.S. has not previously targeted al Nusra.",
        ],
        "chrome": [
            "The U.S. Military Just Froze Its Plans To Cooperate With Russia In Syria",
            "21 September 2016",
            "Source :",
        ],
    },
    "004_e7e81859fba7527d.txt": {
        "first": "As the Syria cease-fire agreement falls apart, the Pentagon continues to plan",
        "last": "to discuss the failure of the agreement so far.",
        "middle": [
            "“It’s a city with good international air service,” was all that one Pentagon "
            "official would say.",
            "And he dismissed statements from Syria that the cease-fire expired Monday.",
            "On Monday, the State Department insisted the agreement is not dead, despite the many "
            "violations.",
        ],
        "chrome": [],
    },
}


def seed_text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def paragraphs(body: str) -> list[str]:
    return body.split("\n\n")


@pytest.mark.parametrize("name", sorted(SEED_CASES))
def test_seed_keeps_first_and_last_sentence(name):
    case = SEED_CASES[name]
    body = clean_text(seed_text(name)).body
    assert paragraphs(body)[0].startswith(case["first"])
    assert body.endswith(case["last"])


@pytest.mark.parametrize("name", sorted(SEED_CASES))
def test_seed_keeps_middle_sentences(name):
    body = clean_text(seed_text(name)).body
    for sentence in SEED_CASES[name]["middle"]:
        assert sentence in body


@pytest.mark.parametrize("name", sorted(SEED_CASES))
def test_seed_drops_exactly_its_chrome(name):
    cleaned = clean_text(seed_text(name))
    assert [removed.text for removed in cleaned.removed] == SEED_CASES[name]["chrome"]
    kept = set(paragraphs(cleaned.body))
    for line in SEED_CASES[name]["chrome"]:
        assert line not in kept


@pytest.mark.parametrize("name", sorted(SEED_CASES))
def test_seed_body_is_every_other_line_verbatim(name):
    chrome = set(SEED_CASES[name]["chrome"])
    lines = [line.strip() for line in seed_text(name).splitlines() if line.strip()]
    reporting = [line for line in lines if line not in chrome]
    body = clean_text(seed_text(name)).body
    assert paragraphs(body) == reporting
    assert len(body) > 0.8 * len(seed_text(name)) - 1200


def test_seed_paragraph_counts():
    counts = {name: len(paragraphs(clean_text(seed_text(name)).body)) for name in SEED_CASES}
    assert counts == {
        "000_fce1e03549333a94.txt": 12,
        "001_f905e831ff7172e5.txt": 17,
        "002_91a21abd64638276.txt": 20,
        "003_cac267b27a17f661.txt": 13,
        "004_e7e81859fba7527d.txt": 19,
    }


def test_seed_reasons():
    reasons = {r.text: r.reason for r in clean_text(seed_text("000_fce1e03549333a94.txt")).removed}
    assert reasons["© AP Photo / Manish SwarupUS Defense Secretary Ashton Carter"] == "photo credit"
    assert reasons["US Defense Secretary Ashton Carter - Sputnik International"] == "caption"
    assert reasons["Subscribe"] == "subscription prompt"
    assert reasons["Заголовок открываемого материала"] == "line in another script"
    assert reasons["To participate in the discussion"] == "comment prompt"
    assert reasons["- Sputnik International"] == "outlet/dateline line"
    assert (
        reasons["Pentagon 'Had no Intention of Implementing' Main Part of Russia-US Deal on Syria"]
        == "headline"
    )
    assert (
        reasons["Syrian Ceasefire Failed 'Because Some in Washington Wanted It to Fail'"]
        == "related headline"
    )


def test_seed_001_reasons():
    reasons = {r.text: r.reason for r in clean_text(seed_text("001_f905e831ff7172e5.txt")).removed}
    assert reasons["Sign up for Daily Newsletters"] == "newsletter prompt"
    assert (
        reasons["Copyright © 2020 The Washington Times, LLC. Click here for reprint permission."]
        == "copyright notice"
    )
    assert reasons["Please read our comment policy before commenting."] == "comment prompt"


OTHER_SITE = """\
We use cookies to improve your experience. By continuing you agree to our cookie policy.
Accept all cookies

Kerry and Lavrov Meet Again in Geneva

By Jane Doe

Photo: Reuters/Denis Balibouse
Secretary of State John Kerry arrives in Geneva (AP Photo/Martial Trezzini)
Share this article

Secretary of State John Kerry met his Russian counterpart in Geneva on Friday.

Advertisement

“We made progress,” Kerry said.
Read more: Syria talks collapse as bombs fall on Aleppo
Related: Who is Sergey Lavrov?
The talks will resume next week, officials said.
Share on Facebook
3 comments
Copyright 2016 Example News Group. All rights reserved.
"""


def test_other_site_chrome_goes_and_reporting_stays():
    cleaned = clean_text(OTHER_SITE)
    assert paragraphs(cleaned.body) == [
        "Secretary of State John Kerry met his Russian counterpart in Geneva on Friday.",
        "“We made progress,” Kerry said.",
        "The talks will resume next week, officials said.",
    ]
    assert {r.text: r.reason for r in cleaned.removed} == {
        "We use cookies to improve your experience. By continuing you agree to our cookie "
        "policy.": "cookie notice",
        "Accept all cookies": "cookie notice",
        "Kerry and Lavrov Meet Again in Geneva": "headline",
        "By Jane Doe": "byline",
        "Photo: Reuters/Denis Balibouse": "photo credit",
        "Secretary of State John Kerry arrives in Geneva (AP Photo/Martial Trezzini)": (
            "photo credit"
        ),
        "Share this article": "share prompt",
        "Advertisement": "advertisement",
        "Read more: Syria talks collapse as bombs fall on Aleppo": "read-more link",
        "Related: Who is Sergey Lavrov?": "related headline",
        "Share on Facebook": "share prompt",
        "3 comments": "comment prompt",
        "Copyright 2016 Example News Group. All rights reserved.": "copyright notice",
    }


def test_caption_ending_in_outlet_name_goes():
    text = (
        "Aid trucks wait at the border near Aleppo - Example Daily\n"
        "Aid trucks waited at the border on Monday, the UN said.\n"
    )
    cleaned = clean_text(text)
    assert cleaned.body == "Aid trucks waited at the border on Monday, the UN said."
    assert cleaned.removed[0].reason == "caption"


def test_reporting_that_looks_like_chrome_words_stays():
    lines = [
        "Subscribers to the service were told about the strike.",
        "Share prices fell 3 percent in Moscow after the announcement.",
        "Copyright lawsuits are not part of this story, the lawyer said.",
        "He said:",
        "“No.”",
        "Kirby said in a statement:",
        "“We are prepared to extend the cessation of hostilities.”",
    ]
    cleaned = clean_text("\n".join(lines))
    assert paragraphs(cleaned.body) == [line for line in lines if line != "He said:"]
    assert [r.text for r in cleaned.removed] == ["He said:"]


def test_short_labels_between_paragraphs_go():
    text = "The talks failed on Monday.\nMiddle East\nOfficials blamed Russia.\n"
    cleaned = clean_text(text)
    assert cleaned.body == "The talks failed on Monday.\n\nOfficials blamed Russia."
    assert cleaned.removed[0].reason == "short line without sentence punctuation"


def test_line_in_another_script_goes_only_in_a_latin_article():
    assert clean_text("The talks failed.\nМосква\n").body == "The talks failed."
    russian = "Переговоры провалились в понедельник.\nВ Москве заявили об этом."
    assert clean_text(russian).body == russian.replace("\n", "\n\n")


def test_kept_lines_are_verbatim_but_stripped():
    cleaned = clean_text("   The  talks\u00a0failed on Monday.   \n")
    assert cleaned.body == "The  talks\u00a0failed on Monday."


def test_headline_straight_above_the_reporting_is_the_headline():
    text = "Kerry Meets Lavrov Again\nThe talks in Geneva lasted into the night, officials said."
    cleaned = clean_text(text)
    assert cleaned.body == "The talks in Geneva lasted into the night, officials said."
    assert cleaned.removed[0].reason == "headline"


def test_no_headline_where_a_label_sits_between_it_and_the_reporting():
    text = "Kerry Meets Lavrov Again\nMiddle East\nThe talks lasted into the night, officials said."
    assert [r.reason for r in clean_text(text).removed] == [
        "related headline",
        "short line without sentence punctuation",
    ]


def test_line_key_ignores_case_spacing_punctuation_and_digits():
    assert line_key("  Newsfeed ") == line_key("NEWSFEED")
    assert line_key("3 comments") == line_key("12 Comments")
    assert line_key("Get the latest news, live.") == "get the latest news live"
    assert line_key("Newsfeed") != line_key("Newsroom")


TAGLINE = "Get the latest news from around the world, live coverage, off-beat stories, features."
LONG_SENTENCE = (
    "The Pentagon has repeatedly warned that any intelligence sharing with Moscow would expose "
    "American tactics to a military that does not share its goals in Syria."
)
QUOTE = "“We are not anticipating any great progress anytime soon,” he said."


def test_repeated_short_lines_go():
    text = f"Newsfeed\nThe talks failed on Monday.\n{TAGLINE}\n"
    repeated = frozenset({line_key("Newsfeed"), line_key(TAGLINE)})
    cleaned = clean_text(text, repeated_lines=repeated)
    assert cleaned.body == "The talks failed on Monday."
    assert {r.reason for r in cleaned.removed} == {"repeated across this outlet's articles"}


def test_repeated_tagline_stays_without_the_repeat_signal():
    text = f"The talks failed on Monday.\n{TAGLINE}\n"
    assert clean_text(text).body == f"The talks failed on Monday.\n\n{TAGLINE}"


def test_repeated_reporting_sentences_stay():
    text = f"The talks failed on Monday.\n{LONG_SENTENCE}\n{QUOTE}\n"
    repeated = frozenset({line_key(LONG_SENTENCE), line_key(QUOTE)})
    cleaned = clean_text(text, repeated_lines=repeated)
    assert paragraphs(cleaned.body) == ["The talks failed on Monday.", LONG_SENTENCE, QUOTE]
    assert cleaned.removed == []


def test_outlet_line_block_holding_reporting_is_not_a_site_header():
    text = "- Example Daily\nThe talks failed on Monday, officials said.\nRussia blamed the U.S.\n"
    cleaned = clean_text(text)
    assert paragraphs(cleaned.body) == [
        "The talks failed on Monday, officials said.",
        "Russia blamed the U.S.",
    ]
    assert [r.reason for r in cleaned.removed] == ["outlet/dateline line"]


# Page furniture inside the body: kept in the body, never offered as a claim.

FURNITURE = [
    ("August 8, 2012 - 4: 43 pm", "dateline"),
    ("Story Created: Aug 7, 2012 at 9: 56 AM AKDT", "dateline"),
    ("Tuesday, September 20, 2016", "dateline"),
    ("20 Sept. 2016", "dateline"),
    ("2016-09-20", "dateline"),
    ("09/20/2016", "dateline"),
    ("10:43 a.m. ET", "dateline"),
    ("Posted: Sep 20, 2016 7:40 PM ET", "dateline"),
    ("Posted: by staff in World", "dateline"),
    ("Posted on September 20, 2016", "dateline"),
    ("Updated 4: 08 p. m. ET", "dateline"),
    ("UPDATED: TUESDAY, SEPTEMBER 20, 2016, 9: 56 AM", "dateline"),
    ("Last modified on Tuesday 20 September 2016 10.43 BST", "dateline"),
    ("Last updated at 22: 46 GMT", "dateline"),
    ("Published 3 hours ago", "dateline"),
    ("WASHINGTON, DC, September 20, 2016", "dateline"),
    ("Edited time: September 21, 2016 02: 15", "dateline"),
    ("By John Smith", "byline"),
    ("By JOHN SMITH, Associated Press", "byline"),
    ("By John Smith and Jane Doe | Example Daily", "byline"),
    ("Photo: Reuters/Omar Sanadiki", "photo credit"),
    ("Image copyright Getty Images", "photo credit"),
    ("Image copyright", "photo credit"),
    ("Share this", "share prompt"),
    ("Share this article", "share prompt"),
    ("Advertisement", "advertisement"),
    ("Read more", "read-more link"),
    ("http://www.example.com/news/2016/09/20/strike-on-convoy.html", "web address"),
    ("https://example.com/a?id=17", "web address"),
    ("www.example.com/world", "web address"),
    ("//on.freep.com/1Vi8AIe", "web address"),
    ("Read or Share this story: http://on.freep.com/1Vi8AIe", "web address"),
    ("Contributing: Alex Cabrero and Ashley Kewish Photos 0", "byline"),
    ("Additional reporting by Jane Doe in Moscow.", "byline"),
    ("http: / / www. example. com / news / strike - on - aid - convoy. html", "web address"),
    ("WORLD NEWS", "section label"),
    ("MIDDLE EAST |", "section label"),
    ("(CNN) --", "source marker"),
    ("(CNN) —", "source marker"),
    ("BEIRUT, Lebanon (AP) —", "source marker"),
    ("…", "sentence without words"),
]


@pytest.mark.parametrize(("sentence", "reason"), FURNITURE)
def test_page_furniture_is_no_claim(sentence, reason):
    assert furniture_reason(sentence) == reason


@pytest.mark.parametrize(
    "sentence",
    [
        "By Tuesday, the talks had collapsed.",
        "By 6:40 a.m. the fire was under control, the chief said.",
        "Posted guards stood at the gate.",
        "Updated figures showed that 62 soldiers had died.",
        "Updated: the talks resume on Friday.",
        "The strike came on September 17, 2016, at 5:55 p.m.",
        "On Tuesday, September 20, 2016, the convoy was hit.",
        "Photographers were kept away from the site.",
        "Share prices fell 3 percent in Moscow.",
        "Advertisements for the rally filled the square.",
        "Read the statement carefully, he said.",
        "(CNN) -- The ceasefire collapsed on Monday.",
        "U.S. officials said nothing.",
        "He was 95.",
        "Last year the law was changed.",
        "The website http://www.example.com went dark on Monday.",
        "Police said: http://example.com has the suspect's photo and more details.",
        "Contributing factors included the wind and a broken valve.",
        "Reporting by the local paper showed the fire began at 11 p.m.",
        "NO MORE WAR, the banners read.",
        "Syria Ceasefire Collapses As Aid Convoy Is Hit",
    ],
)
def test_reporting_sentences_are_claims(sentence):
    assert furniture_reason(sentence) is None


def test_outlet_and_date_line_goes_as_the_outlet_line():
    """It went as a "related headline", a name for a line of other stories."""
    text = "Library Opening Delayed\n\nFernhill Herald - December 27, 2008\n\nIt opens in May.\n"
    assert [(r.text, r.reason) for r in clean_text(text).removed] == [
        ("Library Opening Delayed", "headline"),
        ("Fernhill Herald - December 27, 2008", "outlet/dateline line"),
    ]


@pytest.mark.parametrize(
    "line",
    ["The Vancouver Sun | Home | News | Sports | Opinion", "Coastal Post - News - Port Ellis"],
)
def test_navigation_bar_goes_as_site_navigation(line):
    """It went as a "caption", a picture's description."""
    removed = clean_text(line + "\n\nThe talks failed on Monday.\n").removed
    assert [(r.text, r.reason) for r in removed] == [(line, "site navigation")]


@pytest.mark.parametrize(
    "line",
    [
        "Talks Fail - The Harbor Gazette - March 24, 2021",  # a title line, dated
        "Aid trucks wait at the border near Aleppo - Example Daily",  # a caption
    ],
)
def test_title_lines_and_captions_are_no_navigation(line):
    removed = clean_text(line + "\n\nThe talks failed on Monday.\n").removed
    assert "site navigation" not in [r.reason for r in removed]
