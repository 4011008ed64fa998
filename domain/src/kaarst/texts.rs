//! What to bring to each shipped Kaarst service, a note, and its national
//! service key where one is known (R21, R22). The migration
//! `2026-11-27-000030_service_texts` writes the same texts into databases
//! seeded before it; a test in `persistence/tests/services.rs` keeps the two
//! equal. Applied migrations are never edited: changing a text here needs a
//! new migration that updates it where it still reads as before, and that
//! test then has to redo both.
//!
//! Fees are the federal ones (Personalausweis, Reisepass, Führungszeugnis);
//! where a fee is set by the state or the city, the text names the fee
//! without an amount.

/// Office, service, what to bring (in the order shown), note, LeiKa key.
pub(super) type Texts = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    Option<&'static str>,
);

pub(super) const TEXTS: &[Texts] = &[
    (
        "buergerbuero",
        "anmeldung",
        &[
            "Gültiger Personalausweis oder Reisepass jeder Person, die umzieht",
            "Wohnungsgeberbestätigung: die vom Vermieter oder Wohnungsgeber unterschriebene Bestätigung des Einzugs",
            "Für Kinder ohne eigenes Ausweisdokument: die Geburtsurkunde",
            "Wer eine andere Person anmeldet: deren Ausweisdokument und eine schriftliche Vollmacht",
        ],
        "Bitte innerhalb von zwei Wochen nach dem Einzug anmelden. Die Anmeldung ist gebührenfrei; die neue Anschrift wird in den Personalausweis eingetragen.",
        Some("99115005000000"),
    ),
    (
        "buergerbuero",
        "abmeldung",
        &[
            "Gültiger Personalausweis oder Reisepass",
            "Die neue Anschrift im Ausland oder, wenn Sie eine Nebenwohnung aufgeben, die Anschrift Ihrer Hauptwohnung",
        ],
        "Abmelden muss sich nur, wer ins Ausland zieht oder eine Nebenwohnung aufgibt; wer innerhalb Deutschlands umzieht, meldet sich nur am neuen Wohnort an. Möglich frühestens eine Woche vor und spätestens zwei Wochen nach dem Auszug; gebührenfrei.",
        Some("99115005070000"),
    ),
    (
        "buergerbuero",
        "personalausweis",
        &[
            "Ihr bisheriger Personalausweis oder Reisepass; beim ersten Ausweis die Geburtsurkunde",
            "Ein aktuelles biometrisches Passfoto, seit Mai 2025 nur digital: von einem Fotostudio elektronisch übermittelt oder im Bürgerbüro aufgenommen",
            "Gebühr: 37,00 EUR; unter 24 Jahren 22,80 EUR",
            "Bei Minderjährigen: Zustimmung aller Sorgeberechtigten und deren Ausweisdokumente",
        ],
        "Der Antrag wird persönlich gestellt; Kinder kommen mit. Der neue Ausweis wird zentral hergestellt und ist nach einigen Wochen abholbereit (Termin „Ausweisdokument abholen“).",
        Some("99008001000000"),
    ),
    (
        "buergerbuero",
        "reisepass",
        &[
            "Ihr bisheriger Reisepass oder Personalausweis; beim ersten Pass die Geburtsurkunde",
            "Ein aktuelles biometrisches Passfoto, seit Mai 2025 nur digital: von einem Fotostudio elektronisch übermittelt oder im Bürgerbüro aufgenommen",
            "Gebühr: 70,00 EUR; unter 24 Jahren 37,50 EUR",
            "Bei Minderjährigen: Zustimmung aller Sorgeberechtigten und deren Ausweisdokumente",
        ],
        "Der Antrag wird persönlich gestellt; Kinder kommen mit. Der neue Pass wird zentral hergestellt und ist nach einigen Wochen abholbereit (Termin „Ausweisdokument abholen“).",
        Some("99085001000000"),
    ),
    (
        "buergerbuero",
        "kinderreisepass",
        &[
            "Die Geburtsurkunde des Kindes und, falls vorhanden, sein bisheriges Ausweisdokument",
            "Ein aktuelles biometrisches Passfoto des Kindes, seit Mai 2025 nur digital: von einem Fotostudio elektronisch übermittelt oder im Bürgerbüro aufgenommen",
            "Zustimmung aller Sorgeberechtigten und deren Ausweisdokumente",
            "Gebühr unter 24 Jahren: Reisepass 37,50 EUR, Personalausweis 22,80 EUR",
        ],
        "Seit dem 1. Januar 2024 werden Kinderreisepässe weder neu ausgestellt noch verlängert; ausgestellte gelten bis zu ihrem Ablaufdatum. Für Kinder wird stattdessen ein Reisepass oder ein Personalausweis beantragt. Das Kind kommt mit.",
        None,
    ),
    (
        "buergerbuero",
        "ausweis-abholung",
        &[
            "Ihr bisheriger Personalausweis oder Reisepass; er wird entwertet",
            "Beim Personalausweis: der PIN-Brief, der Ihnen per Post zugeschickt wurde",
            "Wer für eine andere Person abholt: deren schriftliche Vollmacht, ihr bisheriges Dokument und der eigene Personalausweis oder Reisepass",
        ],
        "Bitte erst buchen, wenn das Dokument fertig ist: Personalausweis und Reisepass werden zentral hergestellt, das dauert einige Wochen.",
        None,
    ),
    (
        "buergerbuero",
        "beglaubigung",
        &[
            "Das Original jedes Dokuments",
            "Die Kopien, die beglaubigt werden sollen",
            "Gültiger Personalausweis oder Reisepass",
            "Gebühr je Beglaubigung",
        ],
        "Eine Unterschrift, die beglaubigt werden soll, wird vor Ort geleistet: bitte das Schriftstück noch nicht unterschreiben. Amtliche Beglaubigungen gelten für die Vorlage bei Behörden.",
        Some("99014002035000"),
    ),
    (
        "buergerbuero",
        "meldebescheinigung",
        &[
            "Gültiger Personalausweis oder Reisepass",
            "Für eine Lebensbescheinigung: das Formular der Stelle, die sie verlangt (etwa der Rentenversicherung)",
            "Für eine Bescheinigung über eine andere Person: deren schriftliche Vollmacht und Ausweisdokument",
            "Gebühr für die Meldebescheinigung",
        ],
        "Lebensbescheinigungen für die Rente und andere Sozialleistungen sind gebührenfrei.",
        Some("99115003000000"),
    ),
    (
        "buergerbuero",
        "fuehrungszeugnis",
        &[
            "Gültiger Personalausweis oder Reisepass",
            "Für ein erweitertes Führungszeugnis: die schriftliche Aufforderung der Stelle, die es verlangt",
            "Für ein Führungszeugnis zur Vorlage bei einer Behörde: deren Anschrift und Aktenzeichen",
            "Gebühr: 13,00 EUR",
        ],
        "Das Führungszeugnis stellt das Bundesamt für Justiz aus und schickt es per Post an Sie oder an die Behörde. Für ein Ehrenamt kann die Gebühr erlassen werden: bitte eine Bestätigung der Einrichtung mitbringen. Mit der Online-Ausweisfunktion lässt es sich auch beim Bundesamt für Justiz beantragen.",
        Some("99049001000000"),
    ),
    (
        "infobuero-bauen",
        "bauberatung",
        &[
            "Anschrift oder Flurstück des Grundstücks",
            "Unterlagen zum Vorhaben, soweit vorhanden: Lageplan, Skizzen, Fotos",
        ],
        "Die Bauberatung gibt eine erste Einschätzung Ihres Vorhabens; sie ersetzt keine Bauvoranfrage und keinen Bauantrag.",
        Some("99012008000000"),
    ),
    (
        "infobuero-bauen",
        "bauakteneinsicht",
        &[
            "Gültiger Personalausweis oder Reisepass",
            "Anschrift oder Flurstück des Grundstücks",
            "Wer nicht Eigentümerin oder Eigentümer ist: eine schriftliche Vollmacht der Eigentümer",
        ],
        "Einsicht erhalten Eigentümerinnen und Eigentümer und wer ihre Vollmacht oder ein berechtigtes Interesse nachweist. Kopien aus der Akte kosten eine Gebühr.",
        None,
    ),
];
