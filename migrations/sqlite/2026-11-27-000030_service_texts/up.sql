-- What to bring, a note and the national service key of each service (R21,
-- R22). `requirements` is a JSON array of strings.
ALTER TABLE services ADD COLUMN requirements TEXT NOT NULL DEFAULT '[]';
ALTER TABLE services ADD COLUMN note TEXT;
ALTER TABLE services ADD COLUMN leika TEXT;

-- A database seeded before this migration holds the Kaarst services without
-- texts: they get the shipped ones (domain/src/kaarst/texts.rs; a test keeps
-- both equal). Only the shipped offices' and services' ids are touched, and
-- only while their texts are empty. On a fresh database there are no rows
-- yet: the seed brings the texts.
UPDATE services SET
    requirements = '["Gültiger Personalausweis oder Reisepass jeder Person, die umzieht","Wohnungsgeberbestätigung: die vom Vermieter oder Wohnungsgeber unterschriebene Bestätigung des Einzugs","Für Kinder ohne eigenes Ausweisdokument: die Geburtsurkunde","Wer eine andere Person anmeldet: deren Ausweisdokument und eine schriftliche Vollmacht"]',
    note = 'Bitte innerhalb von zwei Wochen nach dem Einzug anmelden. Die Anmeldung ist gebührenfrei; die neue Anschrift wird in den Personalausweis eingetragen.',
    leika = '99115005000000'
WHERE office_id = 'buergerbuero' AND id = 'anmeldung'
    AND requirements = '[]' AND note IS NULL AND leika IS NULL;

UPDATE services SET
    requirements = '["Gültiger Personalausweis oder Reisepass","Die neue Anschrift im Ausland oder, wenn Sie eine Nebenwohnung aufgeben, die Anschrift Ihrer Hauptwohnung"]',
    note = 'Abmelden muss sich nur, wer ins Ausland zieht oder eine Nebenwohnung aufgibt; wer innerhalb Deutschlands umzieht, meldet sich nur am neuen Wohnort an. Möglich frühestens eine Woche vor und spätestens zwei Wochen nach dem Auszug; gebührenfrei.',
    leika = '99115005070000'
WHERE office_id = 'buergerbuero' AND id = 'abmeldung'
    AND requirements = '[]' AND note IS NULL AND leika IS NULL;

UPDATE services SET
    requirements = '["Ihr bisheriger Personalausweis oder Reisepass; beim ersten Ausweis die Geburtsurkunde","Ein aktuelles biometrisches Passfoto, seit Mai 2025 nur digital: von einem Fotostudio elektronisch übermittelt oder im Bürgerbüro aufgenommen","Gebühr: 37,00 EUR; unter 24 Jahren 22,80 EUR","Bei Minderjährigen: Zustimmung aller Sorgeberechtigten und deren Ausweisdokumente"]',
    note = 'Der Antrag wird persönlich gestellt; Kinder kommen mit. Der neue Ausweis wird zentral hergestellt und ist nach einigen Wochen abholbereit (Termin „Ausweisdokument abholen“).',
    leika = '99008001000000'
WHERE office_id = 'buergerbuero' AND id = 'personalausweis'
    AND requirements = '[]' AND note IS NULL AND leika IS NULL;

UPDATE services SET
    requirements = '["Ihr bisheriger Reisepass oder Personalausweis; beim ersten Pass die Geburtsurkunde","Ein aktuelles biometrisches Passfoto, seit Mai 2025 nur digital: von einem Fotostudio elektronisch übermittelt oder im Bürgerbüro aufgenommen","Gebühr: 70,00 EUR; unter 24 Jahren 37,50 EUR","Bei Minderjährigen: Zustimmung aller Sorgeberechtigten und deren Ausweisdokumente"]',
    note = 'Der Antrag wird persönlich gestellt; Kinder kommen mit. Der neue Pass wird zentral hergestellt und ist nach einigen Wochen abholbereit (Termin „Ausweisdokument abholen“).',
    leika = '99085001000000'
WHERE office_id = 'buergerbuero' AND id = 'reisepass'
    AND requirements = '[]' AND note IS NULL AND leika IS NULL;

UPDATE services SET
    requirements = '["Die Geburtsurkunde des Kindes und, falls vorhanden, sein bisheriges Ausweisdokument","Ein aktuelles biometrisches Passfoto des Kindes, seit Mai 2025 nur digital: von einem Fotostudio elektronisch übermittelt oder im Bürgerbüro aufgenommen","Zustimmung aller Sorgeberechtigten und deren Ausweisdokumente","Gebühr unter 24 Jahren: Reisepass 37,50 EUR, Personalausweis 22,80 EUR"]',
    note = 'Seit dem 1. Januar 2024 werden Kinderreisepässe weder neu ausgestellt noch verlängert; ausgestellte gelten bis zu ihrem Ablaufdatum. Für Kinder wird stattdessen ein Reisepass oder ein Personalausweis beantragt. Das Kind kommt mit.',
    leika = NULL
WHERE office_id = 'buergerbuero' AND id = 'kinderreisepass'
    AND requirements = '[]' AND note IS NULL AND leika IS NULL;

UPDATE services SET
    requirements = '["Ihr bisheriger Personalausweis oder Reisepass; er wird entwertet","Beim Personalausweis: der PIN-Brief, der Ihnen per Post zugeschickt wurde","Wer für eine andere Person abholt: deren schriftliche Vollmacht, ihr bisheriges Dokument und der eigene Personalausweis oder Reisepass"]',
    note = 'Bitte erst buchen, wenn das Dokument fertig ist: Personalausweis und Reisepass werden zentral hergestellt, das dauert einige Wochen.',
    leika = NULL
WHERE office_id = 'buergerbuero' AND id = 'ausweis-abholung'
    AND requirements = '[]' AND note IS NULL AND leika IS NULL;

UPDATE services SET
    requirements = '["Das Original jedes Dokuments","Die Kopien, die beglaubigt werden sollen","Gültiger Personalausweis oder Reisepass","Gebühr je Beglaubigung"]',
    note = 'Eine Unterschrift, die beglaubigt werden soll, wird vor Ort geleistet: bitte das Schriftstück noch nicht unterschreiben. Amtliche Beglaubigungen gelten für die Vorlage bei Behörden.',
    leika = '99014002035000'
WHERE office_id = 'buergerbuero' AND id = 'beglaubigung'
    AND requirements = '[]' AND note IS NULL AND leika IS NULL;

UPDATE services SET
    requirements = '["Gültiger Personalausweis oder Reisepass","Für eine Lebensbescheinigung: das Formular der Stelle, die sie verlangt (etwa der Rentenversicherung)","Für eine Bescheinigung über eine andere Person: deren schriftliche Vollmacht und Ausweisdokument","Gebühr für die Meldebescheinigung"]',
    note = 'Lebensbescheinigungen für die Rente und andere Sozialleistungen sind gebührenfrei.',
    leika = '99115003000000'
WHERE office_id = 'buergerbuero' AND id = 'meldebescheinigung'
    AND requirements = '[]' AND note IS NULL AND leika IS NULL;

UPDATE services SET
    requirements = '["Gültiger Personalausweis oder Reisepass","Für ein erweitertes Führungszeugnis: die schriftliche Aufforderung der Stelle, die es verlangt","Für ein Führungszeugnis zur Vorlage bei einer Behörde: deren Anschrift und Aktenzeichen","Gebühr: 13,00 EUR"]',
    note = 'Das Führungszeugnis stellt das Bundesamt für Justiz aus und schickt es per Post an Sie oder an die Behörde. Für ein Ehrenamt kann die Gebühr erlassen werden: bitte eine Bestätigung der Einrichtung mitbringen. Mit der Online-Ausweisfunktion lässt es sich auch beim Bundesamt für Justiz beantragen.',
    leika = '99049001000000'
WHERE office_id = 'buergerbuero' AND id = 'fuehrungszeugnis'
    AND requirements = '[]' AND note IS NULL AND leika IS NULL;

UPDATE services SET
    requirements = '["Anschrift oder Flurstück des Grundstücks","Unterlagen zum Vorhaben, soweit vorhanden: Lageplan, Skizzen, Fotos"]',
    note = 'Die Bauberatung gibt eine erste Einschätzung Ihres Vorhabens; sie ersetzt keine Bauvoranfrage und keinen Bauantrag.',
    leika = '99012008000000'
WHERE office_id = 'infobuero-bauen' AND id = 'bauberatung'
    AND requirements = '[]' AND note IS NULL AND leika IS NULL;

UPDATE services SET
    requirements = '["Gültiger Personalausweis oder Reisepass","Anschrift oder Flurstück des Grundstücks","Wer nicht Eigentümerin oder Eigentümer ist: eine schriftliche Vollmacht der Eigentümer"]',
    note = 'Einsicht erhalten Eigentümerinnen und Eigentümer und wer ihre Vollmacht oder ein berechtigtes Interesse nachweist. Kopien aus der Akte kosten eine Gebühr.',
    leika = NULL
WHERE office_id = 'infobuero-bauen' AND id = 'bauakteneinsicht'
    AND requirements = '[]' AND note IS NULL AND leika IS NULL;

