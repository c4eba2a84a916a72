from pathlib import Path

import pytest

from claims.text.segmentation import Span, raw_sentences, repair, segment

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


def sentences(body: str) -> list[str]:
    return [body[s.start : s.end] for s in segment(body)]


def seed_paragraph(number: int, opening: str) -> str:
    """The paragraph (line) of seed `number` that starts with `opening`."""
    text = SEEDS[number].read_text()
    return next(line for line in text.splitlines() if line.startswith(opening))


# Seed paragraphs whose right split the segmenter alone gets wrong.
SEED_CASES = [
    (
        1,
        "Any joint operations",
        [
            "Any joint operations between Russian and U.S. forces were wholly contingent on the "
            "cease-fire holding for several days.",
            "“There is no progress [on the negotiations]. It is stalled,” Col. Thomas said, adding "
            "“we will not move forward until the [U.S.] diplomats tell us to.”",
        ],
    ),
    (
        1,
        "“The cease-fire is not dead,”",
        [
            "“The cease-fire is not dead,” Mr. Kerry told reporters from the sidelines of the U.N. "
            "General Assembly in New York.",
            "“We are going to continue to work. We are going to meet again Friday on some specific "
            "steps.”",
        ],
    ),
    (
        1,
        "“Bombing is continuing.",
        [
            "“Bombing is continuing. Aleppo is still threatened. The population is starving. "
            "And there is a humanitarian convoy that is attacked and there are dead,” "
            "Mr. Ayrault said.",
            "“This is the reality. One must denounce this realty.”",
        ],
    ),
    (
        1,
        "“I’m not going to tell you",
        [
            "“I’m not going to tell you I trust them. … They need to do the right thing, [and] "
            "we’ll see what happens from there,” U.S. Air Force Central Command chief Lt. Gen. "
            "Jeffrey Harrigian told reporters last Tuesday, regarding possible joint operations "
            "with Moscow.",
        ],
    ),
    (
        1,
        "“We are not anticipating",
        [
            "“We are not anticipating any great progress anytime soon,” he told reporters at the "
            "Pentagon Tuesday.",
        ],
    ),
    (
        1,
        "Up until Monday’s airstrike",
        [
            "Up until Monday’s airstrike on the aid convoy, U.N. envoy Staffan de Mistura hailed a "
            "“significant drop in violence” over the first 24 hours of the cease-fire.",
        ],
    ),
    (
        3,
        "U.S. defense officials say",
        [
            "U.S. defense officials say plans to launch joint military operations with Russia are "
            "on hold because continued violence in Syria has broken the seven-day cease-fire "
            "agreement reached by the U.S. and Russia on Sept. 9.",
        ],
    ),
    (
        3,
        "“This is not the vision",
        [
            "“This is not the vision that was put into place more than seven days ago,” said Air "
            "Force Col. John J. Thomas, a spokesman for U.S. Central Command, referring to reports "
            "of continued airstrikes by the Syrian regime.",
        ],
    ),
    (
        3,
        "“We are waiting to see",
        [
            "“We are waiting to see what we’re asked to do,” Thomas said.",
            # Curly opening, straight closing quote: the mark stays with its sentence.
            '“It’s not a situation where we are anticipating any great progress anytime soon."',
        ],
    ),
    (
        4,
        "“We are prepared to extend",
        [
            "“We are prepared to extend the cessation of hostilities, while working to strengthen "
            "it and expand deliveries of assistance,” spokesman John Kirby said in a statement.",
        ],
    ),
    (
        0,
        "The Deir ez-Zor attack",
        [
            'The Deir ez-Zor attack that claimed the lives of\xa0at least 62 servicemen "convinced '
            "the Russians that the Pentagon had no intention of\xa0implementing the main element "
            "of\xa0the deal that was most important to\xa0the Putin government: a joint US-Russian "
            "air campaign against [Daesh] and al-Qaeda through\xa0a Joint Implementation Centre. "
            'And it is entirely credible that it was meant to\xa0do precisely that," the '
            "journalist said.",
        ],
    ),
]


@pytest.mark.parametrize(("seed", "opening", "expected"), SEED_CASES)
def test_seed_paragraphs(seed, opening, expected):
    assert sentences(seed_paragraph(seed, opening)) == expected


def test_seed_line_breaks_end_sentences():
    text = seed_paragraph(3, "But those attacks") + "\n" + seed_paragraph(3, "Technically")
    body = SEEDS[3].read_text()
    assert text in body
    assert sentences(text) == [
        "But those attacks have continued, including Monday’s bombing of an aid convoy carrying "
        "food supplied by the United Nations to a rural area near Aleppo.",
        "The International Committee of the Red Cross said the strikes killed 20 people and were "
        "a violation of international law.",
        "Technically, the military cooperation between the U.S. and Russia could have begun "
        "Tuesday.",
        "But violations of the cease-fire have halted the planning effort.",
        "Thomas said U.S. military officials began internal planning for the “joint integration "
        "center” that will be the hub for the military cooperation with Russia.",
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "The U.S. and the U.N. agreed on Sept. 9 to meet again. Talks resume Monday.",
            ["The U.S. and the U.N. agreed on Sept. 9 to meet again.", "Talks resume Monday."],
        ),
        (
            "Mr. Smith met Dr. Jones at 9 a.m. Tuesday. They talked until 5 p.m. on Friday.",
            ["Mr. Smith met Dr. Jones at 9 a.m. Tuesday.", "They talked until 5 p.m. on Friday."],
        ),
        (
            "Lt. Gen. Jeffrey Harrigian and Col. John J. Thomas spoke. Gen. Votel did not.",
            ["Lt. Gen. Jeffrey Harrigian and Col. John J. Thomas spoke.", "Gen. Votel did not."],
        ),
        (
            # An abbreviation can still end a sentence when a new one follows.
            "Talks stalled in the U.S. The next day, the U.N. said nothing.",
            ["Talks stalled in the U.S.", "The next day, the U.N. said nothing."],
        ),
        (
            "The envoy [U.S. Amb. John Doe] arrived. He left (at 5 p.m. sharp) without comment.",
            [
                "The envoy [U.S. Amb. John Doe] arrived.",
                "He left (at 5 p.m. sharp) without comment.",
            ],
        ),
        (
            '"We will win," he said. "We always do. Always."',
            ['"We will win," he said.', '"We always do. Always."'],
        ),
        (
            "“Stop! Now!” he shouted. Everyone stopped.",
            ["“Stop! Now!” he shouted.", "Everyone stopped."],
        ),
        (
            # A lone attribution after a closed quotation joins the quotation.
            "“It is over. We lost.” He said. Then he walked away.",
            ["“It is over. We lost.” He said.", "Then he walked away."],
        ),
        (
            "“It is over.” Mr. Ayrault told reporters. Then he walked away.",
            ["“It is over.” Mr. Ayrault told reporters.", "Then he walked away."],
        ),
        (
            # ...but a whole sentence about the speaker does not.
            "“It is over.” He said he would resign on Friday.",
            ["“It is over.”", "He said he would resign on Friday."],
        ),
    ],
)
def test_news_abbreviations_and_quotations(body, expected):
    assert sentences(body) == expected


def test_repair_joins_what_a_segmenter_splits_wrongly():
    text = 'Chief Lt. Gen. Jeffrey Harrigian spoke. “Stalled,” he said. Soon." Done.'
    wrong = ["Chief Lt.", "Gen. Jeffrey Harrigian spoke.", "“Stalled,”", "he said.", "Soon.", '"']
    cursor, spans = 0, []
    for piece in [*wrong, "Done."]:
        start = text.index(piece, cursor)
        spans.append((start, start + len(piece)))
        cursor = start + len(piece)
    assert [text[a:b] for a, b in repair(text, spans)] == [
        "Chief Lt. Gen. Jeffrey Harrigian spoke.",
        "“Stalled,” he said.",
        'Soon."',
        "Done.",
    ]


def test_repair_keeps_right_boundaries():
    text = "The U.S. and Russia met. They agreed. Talks end Sept. 30."
    assert repair(text, raw_sentences(text)) == raw_sentences(text)
    assert len(raw_sentences(text)) == 3


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_seed_offsets_are_exact(seed):
    body = seed.read_text()
    spans = segment(body)
    assert spans
    previous_end = 0
    for span in spans:
        text = body[span.start : span.end]
        assert text and text == text.strip()
        assert span.start >= previous_end
        assert "\n" not in text
        previous_end = span.end
    covered = "".join(body[s.start : s.end] for s in spans)
    assert "".join(covered.split()) == "".join(body.split())  # nothing lost


def test_empty_and_blank_input():
    assert segment("") == []
    assert segment("\n\n   \n\n\t\n") == []
    body = "First one.\n\n   \n\nSecond one."
    assert segment(body) == [Span(0, 10), Span(body.index("Second"), len(body))]


def test_paragraph_offsets_are_added_back():
    body = "Headline without a stop\n\nMr. Kerry spoke. He left.\n\n  Indented too.  "
    assert sentences(body) == [
        "Headline without a stop",
        "Mr. Kerry spoke.",
        "He left.",
        "Indented too.",
    ]


@pytest.mark.slow
def test_very_long_input_without_punctuation():
    body = "word " * 200_000 + "\n\n" + "“unclosed quote " * 20_000
    spans = segment(body)
    assert spans
    assert body[spans[0].start : spans[0].end].startswith("word word")
    assert body[spans[-1].start : spans[-1].end].endswith("quote")
    assert all(body[s.start : s.end] == body[s.start : s.end].strip() for s in spans)


def test_only_this_module_calls_the_segmenter():
    root = Path(__file__).resolve().parents[2]
    callers = {
        path.relative_to(root).as_posix()
        for folder in ("articles", "claims", "config")
        for path in (root / folder).rglob("*.py")
        if "syntok" in path.read_text() or "pysbd" in path.read_text()
    }
    assert callers == {"claims/text/segmentation.py"}
