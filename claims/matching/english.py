"""English at large: how often a word is written, from the word frequencies the `wordfreq`
package ships (read from site-packages; its tables load on first use, about 0.3 s and 40 MB).
The one module that calls wordfreq.

Two readers: occurrence.py weighs the terms of an occurrence's leads by how rare they are in
the occurrence and in English (a figure no other article of the story moves), and
components.py asks whether two claims share anything more telling than common words.
"""

from functools import lru_cache

SENTENCE = 20  # words in a sentence: the chance a sentence holds a word of frequency f is 20 f
VALUE_ZIPF = 5.0  # a number or a date: as frequent as a word of Zipf frequency 5 ("attack")
UNKNOWN = 1e-9  # the frequency of a word wordfreq does not know (a name, mostly)


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """wordfreq's Zipf frequency of the word (log10 of its count per billion words; 0 when
    it does not know the word)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "en")


@lru_cache(maxsize=200_000)
def sentence_chance(term: str, surface: str) -> float:
    """The chance that a sentence of English holds this term (a term of the story index,
    written `surface`): SENTENCE times its frequency; numbers and dates (terms "#7",
    "@sep17") as words of Zipf frequency VALUE_ZIPF."""
    if term[:1] in "#@":
        return SENTENCE * 10.0 ** (VALUE_ZIPF - 9)
    z = zipf(surface)
    return min(1.0, SENTENCE * 10.0 ** (z - 9)) if z > 0 else SENTENCE * UNKNOWN


def is_common(surface: str, below: float) -> bool:
    """Whether the word is written at least as often as a word of Zipf frequency `below`."""
    return zipf(surface) >= below
