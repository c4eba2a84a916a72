"""The pair view's and the review queue's highlight: "Words in highlight are in one claim and
not the other". A tester saw "chemical" and "warehouse" highlighted although both claims say
"chemical warehouse" (in another order), and "fire" although the other claim has "Fire Chief":
a sequence alignment had marked every word out of its order."""

from claims.views.diff import word_diff


def marked(parts):
    return {p.text.strip().strip(".,").lower() for p in parts if p.kind == "only"}


def test_a_word_the_other_claim_has_anywhere_is_not_highlighted():
    a = "A chemical warehouse in Port Ellis burned for six hours on Monday night."
    b = "Flames tore through a chemical storage warehouse in Port Ellis, the fire chief said."
    only_a, only_b = word_diff(a, b)
    assert not {"chemical", "warehouse", "port", "ellis"} & (marked(only_a) | marked(only_b))
    assert {"burned", "six", "hours"} <= marked(only_a)
    assert {"flames", "storage", "chief"} <= marked(only_b)


def test_case_and_edge_punctuation_do_not_count_and_the_text_is_kept_whole():
    a = "The fire broke out at 11 p.m., Reyes said."
    b = "Fire Chief Daniel Reyes said the blaze started after 11 p.m."
    only_a, only_b = word_diff(a, b)
    assert "".join(p.text for p in only_a) == a and "".join(p.text for p in only_b) == b
    assert "fire" not in marked(only_a) and "reyes" not in marked(only_a)
    assert marked(only_a) == {"broke", "out", "at"}
