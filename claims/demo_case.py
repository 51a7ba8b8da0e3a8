"""The demo case as data: the French police's use of BriefCam, November 2023 (see README).

`manage.py load_demo` loads it (claims/management/commands/load_demo.py). Rows name each other
by the keys used here; the loader looks each one up by a stable key before creating it. Quotes
marked as back-translated were reported in English and should be checked against the original
recording before real use.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from claims.models import Appearance, Claimant, Evidence, StatusChange
from sources.models import Investigation, Publisher, Source

D = datetime.date


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    group: str


# The roles are the groups a migration creates (claims/migrations/0006_roles_and_guards.py).
DEMO_ACCOUNTS = [
    DemoAccount("editor", "demo-editor-2023", group="Editor"),
    DemoAccount("chief", "demo-chief-2023", group="Chief editor"),
]

PUBLISHERS = {
    "disclose": ("Disclose", Publisher.Kind.MEDIA, "https://disclose.ngo"),
    "france-5": ("France 5", Publisher.Kind.MEDIA, "https://www.france.tv/france-5/"),
    "ministere-interieur": (
        "Ministère de l'Intérieur",
        Publisher.Kind.GOVERNMENT,
        "https://www.interieur.gouv.fr",
    ),
    "cnil": ("CNIL", Publisher.Kind.REGULATOR, "https://www.cnil.fr"),
    "assemblee-nationale": (
        "Assemblée nationale",
        Publisher.Kind.PARLIAMENT,
        "https://www.assemblee-nationale.fr",
    ),
    "lfi": ("La France insoumise", Publisher.Kind.PARTY, "https://lafranceinsoumise.fr"),
    "legifrance": ("Légifrance", Publisher.Kind.GOVERNMENT, "https://www.legifrance.gouv.fr"),
}

TOPICS = {
    "facial-recognition": "Facial recognition",
    "police": "Police",
    "surveillance": "Surveillance",
    "privacy": "Privacy and data protection",
    "olympic-games-2024": "Olympic Games 2024",
}

# key: (lookup, fields)
CLAIMANTS = {
    "darmanin": (
        {"slug": "gerald-darmanin"},
        {
            "name": "Gérald Darmanin",
            "kind": Claimant.Kind.PERSON,
            "role": "Minister of the Interior",
            "affiliation": "Government of France",
        },
    ),
    "saintoul": (
        {"slug": "aurelien-saintoul"},
        {
            "name": "Aurélien Saintoul",
            "kind": Claimant.Kind.PERSON,
            "role": "Deputy for Hauts-de-Seine",
            "affiliation": "La France insoumise",
        },
    ),
    "lfi_group": (
        {"slug": "la-france-insoumise-group"},
        {
            "name": "La France insoumise parliamentary group",
            "kind": Claimant.Kind.ORGANISATION,
            "role": "Parliamentary group, National Assembly",
            "affiliation": "La France insoumise",
        },
    ),
}

# key: (lookup, fields); `publisher` names a key of PUBLISHERS.
SOURCES = {
    "disclose": (
        {
            "url": "https://disclose.ngo/fr/article/la-police-nationale-utilise-illegalement-"
            "un-logiciel-israelien-de-reconnaissance-faciale"
        },
        {
            "title": "La police nationale utilise illégalement un logiciel israélien de "
            "reconnaissance faciale",
            "publisher": "disclose",
            "kind": Source.Kind.INVESTIGATION,
            "language": "fr",
            "published_on": D(2023, 11, 14),
            "accessed_on": D(2023, 11, 21),
        },
    ),
    "cnil_notice": (
        {"title": "BriefCam: the CNIL opens a control procedure at the Ministry of the Interior"},
        {
            "publisher": "cnil",
            "kind": Source.Kind.PRESS_RELEASE,
            "language": "fr",
            "published_on": D(2023, 11, 15),
            "accessed_on": D(2023, 11, 22),
        },
    ),
    "interview": (
        {"title": "Gérald Darmanin interviewed on France 5"},
        {
            "publisher": "france-5",
            "kind": Source.Kind.INTERVIEW,
            "language": "fr",
            "published_on": D(2023, 11, 21),
            "accessed_on": D(2023, 11, 21),
        },
    ),
    "jo_law": (
        {"url": "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000047561974"},
        {
            "title": "Loi n° 2023-380 du 19 mai 2023 relative aux jeux Olympiques et Paralympiques "
            "de 2024",
            "publisher": "legifrance",
            "kind": Source.Kind.LAW,
            "language": "fr",
            "published_on": D(2023, 5, 19),
            "accessed_on": D(2023, 11, 22),
        },
    ),
    "lfi_briefing": (
        {"title": "La France insoumise group press briefing at the National Assembly"},
        {
            "publisher": "lfi",
            "kind": Source.Kind.SOCIAL,
            "language": "fr",
            "published_on": D(2023, 11, 21),
            "accessed_on": D(2023, 11, 21),
        },
    ),
    "report": (
        {
            "title": "La France insoumise announces taking legal action over the use of "
            "facial recognition in the police"
        },
        {
            "kind": Source.Kind.ARTICLE,
            "language": "en",
            "published_on": D(2023, 11, 21),
            "accessed_on": D(2023, 11, 22),
        },
    ),
}

# key: fields; `body` names a publisher, each update's last item a source.
INVESTIGATIONS = {
    "cnil": {
        "slug": "cnil-briefcam-control",
        "title": "CNIL control procedure on the Ministry of the Interior's use of BriefCam",
        "body": "cnil",
        "kind": Investigation.Kind.REGULATORY,
        "opened_on": D(2023, 11, 15),
        "state": Investigation.State.OPEN,
        "initial_state": Investigation.State.OPEN,
        "description": "The data-protection authority announced a control procedure targeting "
        "the Ministry of the Interior after the Disclose investigation.",
        "updates": [
            (
                D(2023, 11, 15),
                Investigation.State.OPEN,
                "The CNIL announces a control procedure targeting the Ministry of the Interior.",
                "cnil_notice",
            )
        ],
    },
    "legal": {
        "slug": "lfi-legal-action-facial-recognition",
        "title": "Legal action by La France insoumise over police use of facial recognition",
        "body": "lfi",
        "kind": Investigation.Kind.LEGAL,
        "opened_on": D(2023, 11, 21),
        "state": Investigation.State.REQUESTED,
        "initial_state": Investigation.State.REQUESTED,
        "description": 'The LFI parliamentary group announced it is "in the process of taking '
        'legal action". The court and the procedure are not yet known.',
        "updates": [
            (
                D(2023, 11, 21),
                Investigation.State.REQUESTED,
                "LFI announces it is taking legal action.",
                "report",
            )
        ],
    },
    "inquiry": {
        "slug": "commission-inquiry-facial-recognition",
        "title": "Requested parliamentary commission of inquiry on police use of facial "
        "recognition",
        "body": "assemblee-nationale",
        "kind": Investigation.Kind.PARLIAMENTARY,
        "opened_on": D(2023, 11, 21),
        "state": Investigation.State.REQUESTED,
        "initial_state": Investigation.State.REQUESTED,
        "description": "Requested by LFI deputies. Its fate is uncertain: the group has already "
        'used its annual "drawing right", which would have obtained the '
        "commission de facto.",
        "updates": [
            (
                D(2023, 11, 21),
                Investigation.State.REQUESTED,
                "LFI deputies ask for a commission of inquiry.",
                "report",
            )
        ],
    },
}

# Each claim with its evidence (source key, stance, excerpt) and its rating history (rating
# slug, facts known on, recorded at, kind, explanation), replayed in order around `published`.
CLAIMS = [
    {
        "slug": "gerald-darmanin-facial-recognition",
        "text": "The French police do not use facial recognition.",
        "quote": "À ma connaissance, nous n'utilisons pas la reconnaissance faciale.",
        "quote_language": "fr",
        "quote_translation": "To my knowledge, we do not use facial recognition.",
        "claimant": "darmanin",
        "said_on": D(2023, 11, 21),
        "language": "fr",
        "summary": "The police use BriefCam, software that includes a facial-recognition "
        "feature, as the minister confirmed in the same interview. Saying that it "
        'is not used "to my knowledge" leaves out that the capability is deployed '
        "and that the CNIL is checking how it is used.",
        "topics": ["facial-recognition", "police", "surveillance"],
        "investigations": ["cnil", "legal", "inquiry"],
        "appearances": [(Appearance.Medium.TV, "France 5", D(2023, 11, 21))],
        "evidence": [
            (
                "disclose",
                Evidence.Stance.CONTRADICTS,
                "The police use video-surveillance software published by the Israeli company "
                "BriefCam, one of whose features allows facial recognition.",
            ),
            (
                "interview",
                Evidence.Stance.CONTEXT,
                "« Nous utilisons BriefCam comme d'autres logiciels, mais sous l'autorité d'un "
                "magistrat. »",
            ),
            (
                "cnil_notice",
                Evidence.Stance.CONTEXT,
                "The CNIL opens a control procedure targeting the Ministry of the Interior.",
            ),
            (
                "jo_law",
                Evidence.Stance.SUPPORTS,
                "The algorithmic video surveillance that the law authorises « ne met en œuvre "
                "aucune technique de reconnaissance faciale »: the legal framework for such "
                "software rules facial recognition out.",
            ),
        ],
        "history": [
            (
                "unverified",
                D(2023, 11, 21),
                at(D(2023, 11, 21), 21),
                StatusChange.Kind.UPDATE,
                "Claim recorded after the minister's interview on France 5. Disclose reported "
                "on 14 November that the police use BriefCam, software with a facial-"
                "recognition feature; whether the feature is used is not established.",
            ),
            (
                "under-investigation",
                D(2023, 11, 15),
                at(D(2023, 11, 22), 10),
                StatusChange.Kind.UPDATE,
                "The CNIL opened a control procedure on 15 November on the Ministry of the "
                "Interior's use of BriefCam. Its findings bear directly on this claim.",
            ),
            (
                "misleading",
                D(2023, 11, 21),
                at(D(2023, 11, 24), 9),
                StatusChange.Kind.UPDATE,
                "The minister confirmed in the same interview that the police use BriefCam, "
                "and Disclose documented that the software includes facial recognition. "
                '"To my knowledge, we do not use" it omits that the capability is deployed. '
                "We will revisit this verdict when the CNIL procedure concludes.",
            ),
        ],
        "published": at(D(2023, 11, 21), 21),
    },
    {
        "slug": "aurelien-saintoul-olympic-law-facial-recognition",
        "text": "Parliament explicitly excluded facial recognition from the 2024 Olympic Games "
        "law.",
        "quote": "Dans notre hémicycle, nous avons débattu de la question de la vidéosurveillance "
        "algorithmique et le Parlement avait explicitement décidé d'empêcher l'usage de "
        "la reconnaissance faciale.",
        "quote_language": "fr",
        "quote_translation": "In our hemicycle, we debated the question of algorithmic video "
        "surveillance and Parliament had explicitly decided to prevent the "
        "use of facial recognition.",
        "claimant": "saintoul",
        "said_on": D(2023, 11, 21),
        "language": "fr",
        "summary": "The Olympic Games law that Parliament adopted allows experimental algorithmic "
        "video surveillance and states that these systems use no facial recognition.",
        "topics": [
            "facial-recognition",
            "olympic-games-2024",
            "surveillance",
        ],
        "investigations": [],
        "appearances": [
            (
                Appearance.Medium.PRESS,
                "LFI group press briefing, National Assembly",
                D(2023, 11, 21),
            )
        ],
        "evidence": [
            (
                "jo_law",
                Evidence.Stance.SUPPORTS,
                "Article 10: the algorithmic processing « ne met en œuvre aucune technique de "
                "reconnaissance faciale ».",
            ),
            ("lfi_briefing", Evidence.Stance.CONTEXT, "The deputy's statement, relayed on X."),
        ],
        "history": [
            (
                "mostly-true",
                D(2023, 11, 21),
                at(D(2023, 11, 22), 11),
                StatusChange.Kind.UPDATE,
                "The 2024 Olympic Games law authorises experimental algorithmic video "
                "surveillance and rules out facial recognition for it.",
            ),
            (
                "true",
                D(2023, 5, 19),
                at(D(2023, 11, 23), 15),
                StatusChange.Kind.CORRECTION,
                'Correction: we first rated this "Mostly true" because we read the exclusion '
                "as a government undertaking. It is written into the law Parliament adopted "
                "(article 10), as the deputy said.",
            ),
        ],
        "published": at(D(2023, 11, 22), 11),
        "editor_note": "French wording back-translated from an English report; check it "
        "against the recording.",
    },
    {
        "slug": "lfi-briefcam-contravenes-the-law",
        "text": "The police's use of BriefCam contravenes the GDPR, the Data Protection Act and "
        "the Olympic Games law.",
        "quote": "L'usage de ce logiciel de reconnaissance faciale et de surveillance "
        "algorithmique contrevient à la loi, que ce soit le RGPD, la loi Informatique et "
        "libertés et, plus récemment, la loi JO.",
        "quote_language": "fr",
        "quote_translation": "The use of this facial recognition and algorithmic surveillance "
        "software contravenes the law, whether the GDPR, the Data "
        "Protection Act and, more recently, the Olympic Games law.",
        "claimant": "lfi_group",
        "said_on": D(2023, 11, 21),
        "language": "fr",
        "summary": "Whether the use is unlawful is the question now before the CNIL, and LFI "
        "has announced legal action. We will rate the claim when they conclude.",
        "topics": ["facial-recognition", "privacy", "police"],
        "investigations": ["cnil", "legal", "inquiry"],
        "appearances": [
            (
                Appearance.Medium.PRESS,
                "LFI group press briefing, National Assembly",
                D(2023, 11, 21),
            )
        ],
        "evidence": [
            (
                "disclose",
                Evidence.Stance.SUPPORTS,
                "Disclose reports the police use BriefCam without the legal framework that "
                "facial recognition requires.",
            ),
            (
                "interview",
                Evidence.Stance.CONTRADICTS,
                "The minister says BriefCam is used « sous l'autorité d'un magistrat ».",
            ),
            (
                "jo_law",
                Evidence.Stance.CONTEXT,
                "The Olympic Games law governs experimental algorithmic video surveillance at "
                "large events, not police investigations in general.",
            ),
            ("cnil_notice", Evidence.Stance.CONTEXT, "The regulator is checking the use."),
        ],
        "history": [
            (
                "under-investigation",
                D(2023, 11, 21),
                at(D(2023, 11, 22), 12),
                StatusChange.Kind.UPDATE,
                "Whether the use breaches the GDPR, the Data Protection Act or the "
                "Olympic Games law is before the CNIL (control procedure opened on "
                "15 November), and LFI announced legal action.",
            ),
        ],
        "published": at(D(2023, 11, 22), 12),
        "editor_note": "French wording back-translated from an English report; check it "
        "against the recording.",
    },
]

# Evidence gathered after the group's claim was last rated: it waits in the chief editor's
# re-review queue. (claim slug, source key, stance, excerpt)
LATE_EVIDENCE = [
    (
        "lfi-briefcam-contravenes-the-law",
        "report",
        Evidence.Stance.CONTEXT,
        'The group says it is "in the process of taking legal action" and asks for a '
        "parliamentary commission of inquiry.",
    ),
]
