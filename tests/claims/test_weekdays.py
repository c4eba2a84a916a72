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


def test_a_weekday_the_sentence_looks_ahead_to_is_the_next_one():
    assert days("He was expected to be charged Tuesday, police said.") == [
        datetime.date(2007, 4, 10)
    ]
    assert days("Kerry will meet Lavrov on Friday in Geneva.") == [datetime.date(2007, 4, 13)]
    assert days("The hearing is scheduled for Thursday.") == [datetime.date(2007, 4, 12)]


def test_a_stated_date_is_kept_as_stated():
    assert days("He will be charged on April 3, 2007.") == [datetime.date(2007, 4, 3)]
