"""Generated text for demo and benchmark content: our own small vocabulary recombined,
so nothing from elsewhere enters the project. Deterministic for a given random.Random."""

import itertools
import random

SUBJECTS = [
    "Bus drivers",
    "Care workers",
    "Nurses",
    "Teachers",
    "Miners",
    "Students",
    "Dock workers",
    "Tenants",
    "Postal workers",
    "Rail staff",
    "Cleaners",
    "Warehouse workers",
    "Oil workers",
    "Librarians",
    "Council workers",
    "Young activists",
    "Pensioners",
    "Call-centre staff",
]
ACTIONS = [
    "walk out over pay",
    "win back sacked rep",
    "defy anti-union law",
    "march on city hall",
    "vote for all-out action",
    "picket the head office",
    "occupy the depot",
    "reject the offer",
    "demand safe staffing",
    "build a strike fund",
    "force the bosses back",
    "set up a new union",
    "fight closure plans",
    "stand firm after arrests",
    "launch a solidarity appeal",
]
THEMES = [
    "The fight goes on",
    "Why the cuts must be stopped",
    "Lessons of the strike wave",
    "What next for the movement",
    "A budget for the rich",
    "No to repression",
    "Build the campaign in every town",
    "Housing is a right",
    "Jobs, not bombs",
    "Defend the right to protest",
    "Free the jailed activists",
    "Nationalise the mines",
]
WORDS = (
    "workers union strike council rent wages hours contract ballot picket meeting branch "
    "campaign solidarity protest court hearing minister government company profits jobs "
    "shift safety depot factory mine hospital school college housing estate tenants "
    "organiser delegate committee demand vote march rally petition leaflet paper members "
    "region city town street square office management offer deal pay claim inflation "
    "pensions budget cuts services public private sector industry energy transport water "
    "rights law police arrest charge fine release support appeal fund donation movement "
    "youth women families community neighbourhood struggle victory defeat pressure action "
    "week month year today tomorrow morning evening weekend spring summer autumn winter"
).split()
LINKS = ("and but so because while after before since although as when until whereas yet").split()
HEADINGS = [
    "Editorial",
    "International news",
    "Workplace news",
    "Campaigns",
    "Youth and students",
    "Feature",
    "Review",
    "Fast news",
    "Letters",
    "Women and the struggle",
    "Environment",
    "Analysis",
]
CATEGORIES = [
    ("International", "Reports and analysis from around the world"),
    ("Workplace", "Strikes, disputes and union news"),
    ("Campaigns", "Local and national campaigns"),
    ("Youth", "Students and young workers"),
    ("Editorial", "The paper's view"),
    ("Review", "Books, films and culture"),
    ("Women", "Women's struggles and rights"),
    ("Environment", "Climate, energy and the planet"),
]
PLACES_EN = [
    "Northport",
    "Eastvale",
    "Kingsmere",
    "Oldbridge",
    "Ashford Vale",
    "Riverton",
    "Millbank",
    "Harrowgate",
    "Westcliff",
    "Stonehaven",
    "Brackley",
    "Southwold",
    "Thornbury",
    "Ravensfield",
]
PLACES_RU = ["Караганда", "Жанаозен", "Актау", "Павлодар", "Темиртау", "Шымкент", "Уральск"]
ORGANISATIONS = [
    "Transport Workers Union",
    "Tenants Alliance",
    "Students Union",
    "Miners Federation",
    "Health Workers Network",
    "Independent Trade Union Centre",
    "Youth for Change",
    "Anti-Cuts Coalition",
    "Defence Campaign",
    "Journalists Association",
]


def _made_up_words(count, seed=1917):
    """Pronounceable words of our own ('tarvek', 'molisan'), always the same list."""
    rng = random.Random(seed)
    onsets = "b d f g k l m n p r s t v z br dr gr kr pl st tr".split()
    vowels = "a e i o u ai ou".split()
    codas = ["", "", "n", "r", "s", "k", "l", "m", "nt", "st"]
    made = set()
    while len(made) < count:
        syllables = rng.randint(2, 3)
        word = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(syllables))
        made.add(word + rng.choice(codas))
    return sorted(made)


def _vocabulary():
    """Real words spread among made-up ones, ranked so that word frequencies follow a Zipf
    curve as in real text: a search for a common word finds many articles, a rarer word
    few. (A small, flat vocabulary put every word in 90% of articles.)"""
    rng = random.Random(1871)
    words = _made_up_words(6000)
    for word in WORDS:
        words.insert(rng.randint(20, 3000), word)
    weights = [1 / (rank + 10) ** 1.05 for rank in range(len(words))]
    return words, list(itertools.accumulate(weights))


VOCABULARY, CUMULATIVE_WEIGHTS = _vocabulary()


def sentence(rng, words=None):
    count = words or rng.randint(9, 22)
    picked = rng.choices(VOCABULARY, cum_weights=CUMULATIVE_WEIGHTS, k=count)
    parts = []
    for i, word in enumerate(picked):
        if i and i % 7 == 0:
            parts.append(rng.choice(LINKS))
        parts.append(word)
    text = " ".join(parts)
    return text[0].upper() + text[1:] + rng.choice(".....?!")


def paragraph(rng, sentences=None):
    return " ".join(sentence(rng) for _ in range(sentences or rng.randint(2, 5)))


def headline(rng):
    if rng.random() < 0.7:
        return f"{rng.choice(SUBJECTS)} {rng.choice(ACTIONS)}"
    return rng.choice(THEMES)


def kicker(rng):
    return rng.choice(PLACES_EN + PLACES_RU) if rng.random() < 0.6 else ""


def article_body(rng, paragraphs):
    """StreamField data for an article body: paragraphs with a crosshead, quote or note."""
    blocks = []
    for i in range(paragraphs):
        if i and i % 3 == 0:
            blocks.append(("crosshead", " ".join(rng.choice(WORDS) for _ in range(3)).capitalize()))
        blocks.append(("paragraph", f"<p>{paragraph(rng)}</p>"))
    roll = rng.random()
    if roll < 0.25:
        blocks.insert(2, ("quote", {"text": sentence(rng), "attribution": "A striker on the line"}))
    elif roll < 0.35:
        blocks.append(("editors_note", f"<p>{sentence(rng)}</p>"))
    elif roll < 0.45:
        items = "".join(f"<li>{sentence(rng, 6)}</li>" for _ in range(3))
        blocks.append(("fact_box", {"title": "Key facts", "text": f"<ul>{items}</ul>"}))
    return blocks


RU_HEADLINES = [
    "Рабочие требуют повышения зарплаты",
    "Шахтёры объявили забастовку",
    "Свободу арестованным активистам",
    "Профсоюз против новых законов",
    "Студенты вышли на митинг",
    "Солидарность с бастующими нефтяниками",
    "Суд над активистами отложен",
    "Жители протестуют против сноса домов",
]
RU_WORDS = (
    "рабочие профсоюз забастовка зарплата суд митинг активисты шахта завод город "
    "солидарность протест правительство закон свобода требования собрание регион"
).split()


def russian_paragraph(rng):
    words = [rng.choice(RU_WORDS) for _ in range(rng.randint(12, 30))]
    return " ".join(words).capitalize() + "."


# Places and people of the demo's fictional country ----------------------------------------

TOWN_ENDINGS = ["sk", "ovka", "abad", "tau", "kol", "ton", "ford", "port", "ino", "ar"]
TOWN_EXTRAS = ["Junction", "Bay", "Springs", "Heights", "Crossing"]
STREET_KINDS = ["Street", "Street", "Avenue", "Prospect", "Lane", "Road", "Square"]
VENUES = [
    "Trades Hall",
    "Miners' Welfare Hall",
    "Community Centre",
    "Workers' Club",
    "Railway Social Club",
    "Teachers' House",
    "Public Library, meeting room 2",
    "Palace of Culture, small hall",
    "Tenants' Association Hall",
    "Union House",
]
WORKPLACES = [
    "depot",
    "hospital",
    "mine",
    "bus garage",
    "sorting office",
    "warehouse",
    "town hall",
    "refinery",
    "call centre",
    "steelworks",
    "college",
]
DEMANDS = [
    "fair pay",
    "safe staffing",
    "the jailed activists",
    "affordable housing",
    "free public transport",
    "the right to strike",
    "clean air",
    "our hospital",
    "jobs for young people",
    "pensions we can live on",
]
SOCIALS = [
    "Branch social",
    "Fundraising quiz night",
    "Film night",
    "Summer picnic",
    "New Year party",
    "Solidarity concert",
    "Book club",
    "Football for the strike fund",
]
CONFERENCES = [
    "Youth conference",
    "Women's conference",
    "Trade union conference",
    "Housing conference",
    "Delegate conference",
    "Summer school",
]


def _town_roots(count, seed=1905):
    """Short pronounceable roots of our own ('tarvek', 'molis'), always the same list."""
    rng = random.Random(seed)
    onsets = "b d g k l m n p r s t v z sh ch kh br dr st tr".split()
    vowels = "a a e i o u".split()
    codas = ["", "", "n", "r", "l", "k", "m", "s", "t"]
    made = set()
    while len(made) < count:
        syllables = 2 if rng.random() < 0.75 else 3
        word = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(syllables))
        made.add(word + rng.choice(codas))
    return sorted(made)


TOWN_ROOTS = _town_roots(3000)


def town_name(rng):
    """A made-up town ('Tarvekovka', 'Ust-Molis', 'Brakor Springs')."""
    root = rng.choice(TOWN_ROOTS)
    if len(root) <= 6 and rng.random() < 0.5:
        root += rng.choice(TOWN_ENDINGS)
    name = root.capitalize()
    roll = rng.random()
    if roll < 0.07:
        return f"Ust-{name}"
    if roll < 0.13:
        return f"Novo{name.lower()}"
    if roll < 0.19:
        return f"{name} {rng.choice(TOWN_EXTRAS)}"
    return name


def street_address(rng):
    kind = rng.choice(STREET_KINDS)
    return f"{rng.randint(1, 140)} {rng.choice(TOWN_ROOTS).capitalize()} {kind}"
