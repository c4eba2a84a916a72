"""The synthetic story behind bench/web.py: 2,000 articles from 40 outlets, ~25 claims each.

Real sentences are the templates: the seed story's reporting and the ECB+ news documents. An
event is the first few sentences of one document with its names and numbers replaced once (so
every report of it names the same people and places); each article reports a handful of
events, big ones far more often than small ones (a Zipf law), in words of its own (a dropped
filler word, a synonym, now and then a different number), and fills the rest with background
sentences whose names are drawn afresh. No database here: `story()` returns plain data.
"""

import datetime
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ECB = Path("/work/shared/eval/ecbplus")

OUTLETS = [
    "Reuters",
    "Associated Press",
    "Agence France-Presse",
    "BBC News",
    "Al Jazeera",
    "Sputnik International",
    "RT",
    "The Guardian",
    "The Washington Times",
    "CNN",
    "Military Times",
    "Deutsche Welle",
    "France 24",
    "TASS",
    "Xinhua",
    "Anadolu Agency",
    "The New York Times",
    "The Washington Post",
    "Los Angeles Times",
    "The Independent",
    "The Telegraph",
    "NPR",
    "CBC News",
    "ABC News Australia",
    "Haaretz",
    "The Times of Israel",
    "Daily Sabah",
    "Hurriyet Daily News",
    "Asharq Al-Awsat",
    "The National",
    "Gulf News",
    "Dawn",
    "The Hindu",
    "South China Morning Post",
    "The Japan Times",
    "Kyiv Post",
    "The Moscow Times",
    "Euronews",
    "Politico",
    "Middle East Eye",
]

# Replacement names: surnames, places and organisations, mixed (a template does not say which
# kind a capitalised word is; news text is full of all three).
NAMES = [
    "Abbas",
    "Adler",
    "Ahmadi",
    "Aleppo",
    "Almeida",
    "Antakya",
    "Arslan",
    "Aziz",
    "Baker",
    "Balakian",
    "Barzani",
    "Basra",
    "Becker",
    "Benali",
    "Bergstrom",
    "Bishop",
    "Brandt",
    "Caldwell",
    "Carver",
    "Castellano",
    "Chen",
    "Dabiq",
    "Dalton",
    "Darwish",
    "Demir",
    "Duarte",
    "Duma",
    "Edlib",
    "Erbil",
    "Farah",
    "Fischer",
    "Fontaine",
    "Gallagher",
    "Garcia",
    "Gaziantep",
    "Grant",
    "Haddad",
    "Hakimi",
    "Hama",
    "Hasakah",
    "Hartmann",
    "Homs",
    "Hussein",
    "Ivanova",
    "Jansen",
    "Jarablus",
    "Kadri",
    "Karimov",
    "Kessler",
    "Khalil",
    "Kobani",
    "Kowalski",
    "Kurtz",
    "Latakia",
    "Lindqvist",
    "Lombardi",
    "Madani",
    "Manbij",
    "Marchetti",
    "Mardin",
    "Markov",
    "Mendes",
    "Mosul",
    "Nasser",
    "Navarro",
    "Nikolaev",
    "Novak",
    "Obeid",
    "Okafor",
    "Olsen",
    "Ortega",
    "Palmyra",
    "Petrov",
    "Qamishli",
    "Quinn",
    "Rahimi",
    "Raqqa",
    "Rashid",
    "Reyes",
    "Romero",
    "Rostov",
    "Saleh",
    "Salinas",
    "Sanders",
    "Sarkis",
    "Sharif",
    "Sokolov",
    "Suwayda",
    "Tabqa",
    "Tadmur",
    "Tartus",
    "Torres",
    "Volkov",
    "Walsh",
    "Weber",
    "Yilmaz",
    "Zahran",
    "Zakaria",
    "Zeller",
    "Harmon",
    "Ellison",
    "Whitaker",
    "Prescott",
    "Langley",
    "Redfield",
    "Ashworth",
    "Kincaid",
    "Marlowe",
    "Thornbury",
]

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
]
STORY_MONTHS = ["August", "September", "October"]

# Capitalised words kept as they are: function words that start sentences and clauses, titles,
# institutions, nationalities, weekdays. Everything else capitalised counts as a name.
KEEP = set(
    [
        "A",
        "An",
        "The",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "Its",
        "He",
        "She",
        "They",
        "We",
        "I",
        "You",
        "His",
        "Her",
        "Their",
        "Our",
        "My",
        "Your",
        "There",
        "Here",
        "In",
        "On",
        "At",
        "Of",
        "For",
        "From",
        "To",
        "By",
        "With",
        "Without",
        "After",
        "Before",
        "During",
        "Since",
        "Until",
        "As",
        "And",
        "But",
        "Or",
        "Nor",
        "So",
        "Yet",
        "If",
        "When",
        "While",
        "Where",
        "What",
        "Who",
        "Whom",
        "Whose",
        "Which",
        "Why",
        "How",
        "Also",
        "However",
        "Meanwhile",
        "Earlier",
        "Later",
        "Still",
        "Then",
        "Now",
        "Today",
        "Yesterday",
        "Tomorrow",
        "According",
        "Although",
        "Though",
        "Because",
        "Despite",
        "Under",
        "Over",
        "About",
        "Around",
        "Both",
        "Each",
        "Every",
        "Some",
        "Many",
        "Most",
        "Several",
        "Another",
        "Other",
        "Such",
        "No",
        "Not",
        "Yes",
        "One",
        "Two",
        "Three",
        "Four",
        "Five",
        "Six",
        "Seven",
        "Eight",
        "Nine",
        "Ten",
        "First",
        "Second",
        "Third",
        "Last",
        "Next",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "President",
        "Minister",
        "Secretary",
        "Foreign",
        "Defense",
        "Defence",
        "State",
        "Department",
        "General",
        "Gen",
        "Col",
        "Colonel",
        "Lt",
        "Lieutenant",
        "Sgt",
        "Capt",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Prime",
        "Army",
        "Air",
        "Force",
        "Navy",
        "Police",
        "Court",
        "Council",
        "Security",
        "Nations",
        "United",
        "House",
        "Senate",
        "Congress",
        "Parliament",
        "Government",
        "Ministry",
        "Office",
        "Agency",
        "National",
        "International",
        "Red",
        "Cross",
        "Crescent",
        "Islamic",
        "Front",
        "Coalition",
        "Joint",
        "Centre",
        "Center",
        "Republic",
        "Arab",
        "Syrian",
        "Russian",
        "American",
        "British",
        "French",
        "Turkish",
        "Iranian",
        "Iraqi",
        "Kurdish",
        "Israeli",
        "European",
        "Chinese",
        "Western",
        "Pentagon",
        "Kremlin",
        "White",
        "North",
        "South",
        "East",
        "West",
        "Northern",
        "Southern",
        "Eastern",
        "Western",
        "Union",
        "Democratic",
        "Republican",
        "Party",
        "Supreme",
        "High",
        "Commission",
        "Committee",
        "Human",
        "Rights",
        "Watch",
        "Amnesty",
        "News",
        "Times",
        "Post",
        "Daily",
        "Press",
        "Reuters",
        "Associated",
        "Christmas",
        "Easter",
        "Ramadan",
        "God",
        "Internet",
    ]
)

SYNONYMS = {
    "said": "stated",
    "told": "informed",
    "killed": "left dead",
    "attack": "assault",
    "strike": "raid",
    "officials": "authorities",
    "people": "persons",
    "near": "close to",
    "announced": "declared",
    "began": "started",
    "about": "around",
    "more than": "over",
    "arrested": "detained",
    "injured": "wounded",
    "city": "town",
    "because": "as",
    "but": "however",
    "large": "big",
    "help": "assistance",
    "reported": "said",
}
FILLERS = {"the", "a", "also", "that", "then", "on", "just", "now", "still", "some"}

TOKEN = re.compile(r"[A-Z][A-Za-z]+(?:['-][A-Za-z]+)*|\d[\d,]*\d|\d")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[\"“A-Z])")


@dataclass(frozen=True)
class ArticleSpec:
    outlet: str
    title: str
    published: datetime.date
    claims: list[str]


def _usable(sentence: str) -> bool:
    """Reporting, not page furniture: long enough, mostly lower-case words, a sentence's end."""
    words = sentence.split()
    return (
        6 <= len(words) <= 60
        and sum(w.islower() for w in words) >= len(words) / 2
        and sentence.rstrip("\"”’')").endswith((".", "!", "?"))
        and not any(junk in sentence for junk in ("http", "www.", "©", "Copyright", "Photo"))
    )


def documents() -> tuple[list[list[str]], list[list[str]]]:
    """(seed documents, ECB+ documents), each a list of usable sentences."""
    seeds = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        lines = [ln.strip() for ln in path.read_text().splitlines() if len(ln.split()) >= 12]
        sentences = [s.strip() for ln in lines for s in SENTENCE_END.split(ln)]
        seeds.append([s for s in sentences if _usable(s)])
    ecb = []
    for split in ("train", "dev"):
        with open(ECB / f"{split}_documents.jsonl") as f:
            for line in f:
                doc = json.loads(line)
                ecb.append([s["text"].strip() for s in doc["sentences"] if _usable(s["text"])])
    return seeds, [d for d in ecb if d]


def _number(word: str, rng: random.Random) -> str:
    digits = word.replace(",", "")
    if len(digits) == 4 and digits[:2] in ("19", "20"):
        return "2016"  # a year: every event happens in the story's year
    first = str(rng.randint(1, 9))
    rest = "".join(str(rng.randint(0, 9)) for _ in digits[1:])
    out = first + rest
    return f"{int(out):,}" if "," in word else out


def rewrite(sentence: str, names: dict[str, str], rng: random.Random) -> str:
    """The sentence with its names and numbers replaced through `names` (filled as needed)."""
    first = re.search(r"[A-Za-z0-9]", sentence)
    first_at = first.start() if first else -1

    def sub(m: re.Match) -> str:
        word = m.group()
        if word[0].isdigit():
            before = sentence[: m.start()].split()[-1:] or [""]
            after = sentence[m.end() :].split()[:1] or [""]
            by_month = {before[0].strip(".,"), after[0].strip(".,")} & set(MONTHS)
            if by_month and int(word.replace(",", "")) <= 31:
                return word  # a day of the month
            return names.setdefault(word, _number(word, rng))
        if word in MONTHS:
            return names.setdefault(word, rng.choice(STORY_MONTHS))
        if m.start() == first_at or word in KEEP or word.isupper():
            return word
        base, _, tail = word.partition("'")
        new = names.setdefault(base, rng.choice(NAMES))
        return new + ("'" + tail if tail else "")

    return TOKEN.sub(sub, sentence)


def report(fact: str, rng: random.Random) -> str:
    """One outlet's wording of a fact: a filler word dropped, a synonym, now and then another
    number. Names stay: they are what the outlets agree on."""
    words = fact.split(" ")
    if rng.random() < 0.5:
        spots = [i for i, w in enumerate(words) if w in FILLERS and 0 < i < len(words) - 1]
        if spots:
            del words[rng.choice(spots)]
    text = " ".join(words)
    if rng.random() < 0.4:
        found = [w for w in SYNONYMS if re.search(rf"\b{w}\b", text)]
        if found:
            w = rng.choice(found)
            text = re.sub(rf"\b{w}\b", SYNONYMS[w], text, count=1)
    if rng.random() < 0.1:
        numbers = re.findall(r"\b\d{2,3}\b", text)
        if numbers:
            n = rng.choice(numbers)
            text = re.sub(rf"\b{n}\b", str(int(n) + rng.randint(1, 9)), text, count=1)
    return text


def story(
    n_articles: int = 2000, claims_per_article: int = 25, n_events: int = 400, seed: int = 0
) -> list[ArticleSpec]:
    rng = random.Random(seed)
    seeds, ecb = documents()
    rng.shuffle(ecb)
    # The seed story's reporting makes the biggest events (the convoy, Deir ez-Zor, the JIC).
    chunks = [
        doc[i : i + 4] for doc in seeds for i in range(0, len(doc), 4) if len(doc[i : i + 4]) > 1
    ]
    event_docs = (chunks + [doc[:4] for doc in ecb])[:n_events]
    background = [s for doc in ecb[n_events - len(chunks) :] for s in doc[4:]] + [
        s for doc in ecb for s in doc[4:8]
    ]
    events = []
    for n, doc in enumerate(event_docs):
        names: dict[str, str] = {}
        erng = random.Random(f"{seed}-event-{n}")
        events.append([rewrite(s, names, erng) for s in doc])
    event_weights = [1 / (rank + 1) for rank in range(len(events))]
    outlet_weights = [1 / (rank + 3) for rank in range(len(OUTLETS))]
    start = datetime.date(2016, 9, 1)
    articles, bodies = [], set()
    while len(articles) < n_articles:
        picked = list(
            dict.fromkeys(rng.choices(range(len(events)), event_weights, k=rng.randint(2, 5)))
        )
        texts = []
        for k, e in enumerate(picked):
            facts = events[e]
            count = min(len(facts), rng.randint(2, 4) if k == 0 else rng.randint(1, 3))
            texts += [report(f, rng) for f in rng.sample(facts, count)]
        lead, rest = texts[:2], texts[2:]
        target = claims_per_article + rng.randint(-5, 5)
        while len(lead) + len(rest) < target:
            rest.append(rewrite(rng.choice(background), {}, rng))
        rng.shuffle(rest)
        claims = lead + rest
        body = " ".join(claims)
        if body in bodies:
            continue
        bodies.add(body)
        title = " ".join(claims[0].split()[:12]).rstrip(".,;:\"'”")
        articles.append(
            ArticleSpec(
                outlet=rng.choices(OUTLETS, outlet_weights)[0],
                title=title,
                published=start + datetime.timedelta(days=rng.randint(0, 60)),
                claims=claims,
            )
        )
    return articles
