"""A weekday in a dated article is the last such day on or before the article's date, unless the
sentence looks ahead to it: a tester's event on the Troy office shooting (9 April 2007) was
dated "Tue 3 Apr" from NBC's "was expected to be charged Tuesday" (the 10th)."""

import datetime

from claims.text.dates import dates_in

MONDAY = datetime.date(2007, 4, 9)


def days(text):
    return [m.date for m in dates_in(text, MONDAY)]


def test_a_weekday_told_as_past_is_the_last_one():
    assert days("The shooting happened on Tuesday.") == [datetime.date(2007, 4, 3)]
    assert days("The talks, which ended Friday, will resume soon.") == [datetime.date(2007, 4, 6)]


def test_a_cue_in_another_clause_or_before_a_past_tense_leaves_the_weekday_in_the_past():
    """Found by review: the first rule read all of these as the next weekday."""
    past = [
        ("Police, who will hold a briefing, said the man was arrested Tuesday.", 3),
        ("He said he will not resign after he was arrested on Monday.", 9),
        ("The suspect was found next to the river on Monday.", 9),
        ("The protest continued until Monday.", 9),
        ("The deal, which was expected to close last Tuesday, fell through.", 3),
        ("The man, who was due to appear in court, was arrested Monday.", 9),
    ]
    for text, day in past:  # the article is of Monday 9 April: Tuesday the 3rd, Monday the 9th
        assert days(text) == [datetime.date(2007, 4, day)], text


def test_a_weekday_the_sentence_looks_ahead_to_is_the_next_one():
    assert days("He was expected to be charged Tuesday, police said.") == [
        datetime.date(2007, 4, 10)
    ]
    assert days("Kerry will meet Lavrov on Friday in Geneva.") == [datetime.date(2007, 4, 13)]
    assert days("The hearing is scheduled for Thursday.") == [datetime.date(2007, 4, 12)]
    assert days("The court sits next Wednesday.") == [datetime.date(2007, 4, 11)]


def test_a_stated_date_is_kept_as_stated():
    assert days("He will be charged on April 3, 2007.") == [datetime.date(2007, 4, 3)]
