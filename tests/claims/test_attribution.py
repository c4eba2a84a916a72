import pytest

from claims.text.attribution import SPEECH_VERBS, mask_quotations, speaker

# Sentences from the seed articles, as the segmenter gives them.
SEED_SENTENCES = [
    (
        "“The cease-fire is not dead,” Mr. Kerry told reporters from the sidelines of the U.N. "
        "General Assembly in New York.",
        "Mr. Kerry",
    ),
    (
        "American military officials broke off talks with their Russian counterparts after the "
        "collapse of a tenuous cease-fire deal brokered between the two world powers, according "
        "to command spokesman Col. John Thomas.",
        "command spokesman Col. John Thomas",
    ),
    (
        "“This is not the vision that was put into place more than seven days ago,” said Air "
        "Force Col. John J. Thomas, a spokesman for U.S. Central Command, referring to reports of "
        "continued airstrikes by the Syrian regime.",
        "Air Force Col. John J. Thomas",
    ),
    (
        "Defense officials told CNN that, internally, Carter has expressed skepticism the Russians "
        "can be trusted.",
        "Defense officials",
    ),
    (
        "The US-led coalition airstrike on the Syrian Arab Army (SAA) besieged in the city of Deir "
        "ez-Zor confirmed Russia's suspicions that US military officials did not plan on "
        "delivering on Washington's pledge to launch joint military operations against al-Nusra "
        "Front and Daesh, independent investigative journalist Gareth Porter asserted.",
        "independent investigative journalist Gareth Porter",
    ),
    (
        "“We are not anticipating any great progress anytime soon,” he told reporters at the "
        "Pentagon Tuesday.",
        "he",
    ),
    (
        "The International Committee of the Red Cross said the strikes killed 20 people and were a "
        "violation of international law.",
        "The International Committee of the Red Cross",
    ),
    (
        "“I’m not going to tell you I trust them. … They need to do the right thing, [and] we’ll "
        "see what happens from there,” U.S. Air Force Central Command chief Lt. Gen. Jeffrey "
        "Harrigian told reporters last Tuesday, regarding possible joint operations with Moscow.",
        "U.S. Air Force Central Command chief Lt. Gen. Jeffrey Harrigian",
    ),
    (
        # Curly opening, straight closing quote; "tell" inside the quotation is not the verb.
        '“We won’t move forward until the diplomats and senior leaders tell us to," Thomas told '
        "reporters during a press briefing Tuesday.",
        "Thomas",
    ),
    (
        "“The Russians got off on the wrong foot in Syria. They said they were coming in to fight "
        "ISIL,” he said.",
        "he",
    ),
    (
        "“It’s a city with good international air service,” was all that one Pentagon official "
        "would say.",
        "one Pentagon official",
    ),
    (
        "But French Foreign Minister Jean-Marc Ayrault told The Associated Press on Tuesday that "
        "there is not much more Washington, Moscow or the international community can do to "
        "preserve the deal.",
        "French Foreign Minister Jean-Marc Ayrault",
    ),
    (
        "According to\xa0CENTCOM, the planes targeted a Daesh fighting position.",
        "CENTCOM",
    ),
    (
        "On Monday, the State Department insisted the agreement is not dead, despite the many "
        "violations.",
        "the State Department",
    ),
    ("He concluded, “They haven’t done either of those things.”", "He"),
    (
        "And officials say the Pentagon still would not want to share the most sensitive "
        "information with Moscow.",
        "officials",
    ),
    # No attribution.
    (
        "The strike officially brought to an end the peace pact brokered by Secretary of State "
        "John Kerry and Russian Foreign Minister Sergei Lavrov less than a week ago.",
        "",
    ),
    (
        "“We are going to continue to work. We are going to meet again Friday on some specific "
        "steps.”",
        "",
    ),
    (
        # A speaker inside a relative clause is not the sentence's speaker.
        "Specifically, some inside the Pentagon feared the planned joint command center could give "
        "Russian officials a close look, and that Moscow could use the bombing campaign to give a "
        "battlefield advantage to Syrian President Bashar Assad, a longtime Russian ally who "
        "President Obama insists must go.",
        "",
    ),
    (
        # Negated: not a statement attributed to anyone.
        "The U.S. still wants to see Assad encouraged to leave, although U.S. officials can’t "
        "really say how that is more than a hope.",
        "",
    ),
    ("The journalist doubted that the air raid was unintentional.", ""),
]

WRITTEN_SENTENCES = [
    ("Police said the suspect fled on foot.", "Police"),
    ("“Yes,” said agent Mark Roesler in a written statement.", "agent Mark Roesler"),
    ("The minister has repeatedly said the talks failed.", "The minister"),
    ("Kerry and Lavrov said the deal held.", "Kerry and Lavrov"),
    ("Russia's Foreign Ministry on Monday said talks would resume.", "Russia's Foreign Ministry"),
    (
        "A spokeswoman for the ministry, Anna Ivanova, said talks would go on.",
        "A spokeswoman for the ministry, Anna Ivanova",
    ),
    ("Smith, who was there, said it was loud.", "Smith"),
    ("The talks, she noted, are over.", "she"),
    ("“Stop!” he shouted.", "he"),
    ("The deal is dead, said Kirby.", "Kirby"),
    ("Witnesses told AP the blast shook buildings nearby.", "Witnesses"),
    ("Officials in Kiev declined to comment.", ""),
    ("He was told to leave the building.", ""),
    ("The claims were false.", ""),
    ("The United States refused to move.", ""),
    ("It was said that he had left.", ""),
    ("“Nobody said it would be easy,” the coach said.", "the coach"),
]


@pytest.mark.parametrize(("sentence", "expected"), SEED_SENTENCES + WRITTEN_SENTENCES)
def test_speaker(sentence, expected):
    assert speaker(sentence) == expected


def test_speaker_is_a_substring_as_written():
    sentence = "“Fine,” said   Air Force Col. John J. Thomas, a spokesman."
    assert speaker(sentence) == "Air Force Col. John J. Thomas"
    assert speaker(sentence) in sentence


def test_lexicon_is_data_that_can_be_extended():
    assert {"said", "told", "asserted", "noted", "added", "insisted", "declared"} <= SPEECH_VERBS


def test_mask_quotations_keeps_offsets_and_unclosed_quotes():
    text = "“They said so,” he said. “Unclosed said"
    masked = mask_quotations(text)
    assert len(masked) == len(text)
    assert "They" not in masked and "he said." in masked
    assert masked.endswith("“Unclosed said")
