"""Benchmark corpus: phrase lists per language (en, de, es, fr), so the text is not lorem ipsum.

Data only, read by ``bench.text``. Sentences are built as connector + subject + verb + object +
adverbial, which gives real words (hyphenation dictionaries, font coverage, line breaking behave
as they do on real articles) with roughly the right sentence lengths. Every string is NFC.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Vocabulary:
    connectors: tuple[str, ...]
    subjects: tuple[str, ...]
    verbs: tuple[str, ...]
    objects: tuple[str, ...]
    adverbials: tuple[str, ...]
    conjunctions: tuple[str, ...]
    heading_words: tuple[str, ...]
    list_items: tuple[str, ...]
    table_headers: tuple[str, ...]


EN = Vocabulary(
    connectors=("In practice", "At first", "Over time", "For most members", "In the end",
                "Since then", "Even so", "In our experience", "Looking back", "Every year"),
    subjects=("the cooperative", "every member", "the general assembly", "our small team",
              "the hosting collective", "a new member", "the working group", "the federation",
              "each project", "the client", "the network", "the treasurer", "the developers",
              "the union", "the founding group", "the support rota", "the editorial collective",
              "a worker-owned studio", "the local council", "the community"),
    verbs=("discusses", "decides on", "shares", "maintains", "reviews", "publishes", "funds",
           "documents", "rejects", "supports", "organises", "rewrites", "plans", "hosts",
           "questions", "protects", "builds", "measures", "improves", "explains"),
    objects=("the weekly meeting", "a fair hourly rate", "the free software licence",
             "the server infrastructure", "the annual budget", "the shared calendar",
             "a long-term contract", "the rules of membership", "the open source library",
             "the mailing list", "every pull request", "the backup strategy",
             "the solidarity fund", "a training programme", "the accessibility audit",
             "the invoice template", "the governance handbook", "a mutual aid network",
             "the migration plan", "the security policy"),
    adverbials=("without a manager", "by consensus", "across three countries",
                "after a long debate", "within a few weeks", "with other coops",
                "for the first time", "on a shared server", "during the congress",
                "in plain language", "at the end of each month", "with great care",
                "before the next assembly", "in every release", "for the whole sector"),
    conjunctions=("and", "but", "because", "while", "so"),
    heading_words=("Democracy", "Ownership", "Hosting", "Federation", "Wages", "Clients",
                   "Solidarity", "Governance", "Free software", "Onboarding", "Budgets",
                   "Security", "Training", "Growth", "Care work", "Infrastructure"),
    list_items=("write the decision down", "rotate the facilitator", "publish the minutes",
                "pay everyone the same rate", "keep a reserve of three months",
                "review the contract together", "say no to harmful clients",
                "document the server setup", "share tools with other coops",
                "hold a retrospective every quarter"),
    table_headers=("Coop", "Country", "Members", "Founded", "Sector", "Hours", "Rate", "Share"),
)

DE = Vocabulary(
    connectors=("In der Praxis", "Am Anfang", "Mit der Zeit", "Für die meisten Mitglieder",
                "Am Ende", "Seitdem", "Trotzdem", "Nach unserer Erfahrung", "Rückblickend",
                "Jedes Jahr"),
    subjects=("die Genossenschaft", "jedes Mitglied", "die Generalversammlung",
              "unser kleines Team", "das Hosting-Kollektiv", "ein neues Mitglied",
              "die Arbeitsgruppe", "der Verband", "jedes Projekt", "die Kundin",
              "das Netzwerk", "die Kassenwartin", "die Entwicklerinnen", "die Gewerkschaft",
              "die Gründungsgruppe", "der Supportdienst", "das Redaktionskollektiv",
              "ein selbstverwaltetes Studio", "der Gemeinderat", "die Gemeinschaft"),
    verbs=("bespricht", "entscheidet über", "teilt", "pflegt", "überprüft", "veröffentlicht",
           "finanziert", "dokumentiert", "lehnt ab", "unterstützt", "organisiert",
           "schreibt neu", "plant", "betreibt", "hinterfragt", "schützt", "baut", "misst",
           "verbessert", "erklärt"),
    objects=("das wöchentliche Plenum", "einen fairen Stundensatz", "die freie Softwarelizenz",
             "die Serverinfrastruktur", "den Jahreshaushalt", "den gemeinsamen Kalender",
             "einen langfristigen Vertrag", "die Regeln der Mitgliedschaft",
             "die quelloffene Bibliothek", "die Mailingliste", "jeden Pull-Request",
             "die Datensicherung", "den Solidaritätsfonds", "ein Schulungsprogramm",
             "die Barrierefreiheitsprüfung", "die Rechnungsvorlage", "das Satzungshandbuch",
             "ein Netz gegenseitiger Hilfe", "den Migrationsplan", "die Sicherheitsrichtlinie"),
    adverbials=("ohne Chef", "im Konsens", "über drei Länder hinweg", "nach langer Debatte",
                "innerhalb weniger Wochen", "gemeinsam mit anderen Kollektiven",
                "zum ersten Mal", "auf einem gemeinsamen Server", "während des Kongresses",
                "in einfacher Sprache", "am Ende jedes Monats", "mit großer Sorgfalt",
                "vor der nächsten Versammlung", "in jeder Version", "für die ganze Branche"),
    conjunctions=("und", "aber", "denn", "während", "also"),
    heading_words=("Demokratie", "Eigentum", "Hosting", "Föderation", "Löhne", "Kundschaft",
                   "Solidarität", "Selbstverwaltung", "Freie Software", "Einarbeitung",
                   "Haushalt", "Sicherheit", "Weiterbildung", "Wachstum", "Sorgearbeit",
                   "Infrastruktur"),
    list_items=("die Entscheidung aufschreiben", "die Moderation wechseln",
                "das Protokoll veröffentlichen", "allen denselben Stundensatz zahlen",
                "eine Rücklage für drei Monate bilden", "den Vertrag gemeinsam prüfen",
                "schädlichen Kunden absagen", "die Serverkonfiguration dokumentieren",
                "Werkzeuge mit anderen Kollektiven teilen",
                "jedes Quartal eine Rückschau halten"),
    table_headers=("Kollektiv", "Land", "Mitglieder", "Gegründet", "Branche", "Stunden",
                   "Satz", "Anteil"),
)

ES = Vocabulary(
    connectors=("En la práctica", "Al principio", "Con el tiempo", "Para la mayoría",
                "Al final", "Desde entonces", "Aun así", "Según nuestra experiencia",
                "Visto en retrospectiva", "Cada año"),
    subjects=("la cooperativa", "cada socia", "la asamblea general", "nuestro pequeño equipo",
              "el colectivo de alojamiento", "una nueva socia", "el grupo de trabajo",
              "la federación", "cada proyecto", "la clienta", "la red", "la tesorera",
              "las desarrolladoras", "el sindicato", "el grupo fundador",
              "el turno de soporte", "el colectivo editorial", "un estudio autogestionado",
              "el ayuntamiento", "la comunidad"),
    verbs=("discute", "decide sobre", "comparte", "mantiene", "revisa", "publica", "financia",
           "documenta", "rechaza", "apoya", "organiza", "reescribe", "planifica", "aloja",
           "cuestiona", "protege", "construye", "mide", "mejora", "explica"),
    objects=("la reunión semanal", "una tarifa justa por hora", "la licencia de software libre",
             "la infraestructura de servidores", "el presupuesto anual",
             "el calendario compartido", "un contrato a largo plazo",
             "las normas de admisión", "la biblioteca de código abierto",
             "la lista de correo", "cada solicitud de cambios", "la estrategia de copias",
             "el fondo de solidaridad", "un programa de formación",
             "la auditoría de accesibilidad", "la plantilla de facturas",
             "el manual de gobernanza", "una red de apoyo mutuo", "el plan de migración",
             "la política de seguridad"),
    adverbials=("sin jefes", "por consenso", "en tres países", "tras un largo debate",
                "en pocas semanas", "con otras cooperativas", "por primera vez",
                "en un servidor compartido", "durante el congreso", "en lenguaje claro",
                "a final de cada mes", "con mucho cuidado", "antes de la próxima asamblea",
                "en cada versión", "para todo el sector"),
    conjunctions=("y", "pero", "porque", "mientras", "así que"),
    heading_words=("Democracia", "Propiedad", "Alojamiento", "Federación", "Salarios",
                   "Clientes", "Solidaridad", "Gobernanza", "Software libre", "Acogida",
                   "Presupuestos", "Seguridad", "Formación", "Crecimiento", "Cuidados",
                   "Infraestructura"),
    list_items=("escribir la decisión", "rotar la facilitación", "publicar el acta",
                "pagar a todas la misma tarifa", "guardar una reserva de tres meses",
                "revisar el contrato en común", "decir no a clientes dañinos",
                "documentar la configuración del servidor",
                "compartir herramientas con otras cooperativas",
                "hacer una retrospectiva cada trimestre"),
    table_headers=("Cooperativa", "País", "Socias", "Fundada", "Sector", "Horas", "Tarifa",
                   "Parte"),
)

FR = Vocabulary(
    connectors=("En pratique", "Au début", "Avec le temps", "Pour la plupart des membres",
                "Au bout du compte", "Depuis", "Malgré tout", "D'après notre expérience",
                "Avec le recul", "Chaque année"),
    subjects=("la coopérative", "chaque membre", "l'assemblée générale",
              "notre petite équipe", "le collectif d'hébergement", "une nouvelle associée",
              "le groupe de travail", "la fédération", "chaque projet", "la cliente",
              "le réseau", "la trésorière", "les développeuses", "le syndicat",
              "le groupe fondateur", "l'équipe de support", "le collectif éditorial",
              "un atelier autogéré", "la mairie", "la communauté"),
    verbs=("discute", "décide de", "partage", "maintient", "relit", "publie", "finance",
           "documente", "refuse", "soutient", "organise", "réécrit", "planifie", "héberge",
           "interroge", "protège", "construit", "mesure", "améliore", "explique"),
    objects=("la réunion hebdomadaire", "un tarif horaire équitable",
             "la licence de logiciel libre", "l'infrastructure des serveurs",
             "le budget annuel", "le calendrier partagé", "un contrat de longue durée",
             "les règles d'adhésion", "la bibliothèque libre", "la liste de diffusion",
             "chaque demande de fusion", "la stratégie de sauvegarde",
             "le fonds de solidarité", "un programme de formation",
             "l'audit d'accessibilité", "le modèle de facture", "le guide de gouvernance",
             "un réseau d'entraide", "le plan de migration", "la politique de sécurité"),
    adverbials=("sans patron", "par consensus", "dans trois pays", "après un long débat",
                "en quelques semaines", "avec d'autres coopératives", "pour la première fois",
                "sur un serveur partagé", "pendant le congrès", "en langage clair",
                "à la fin de chaque mois", "avec beaucoup de soin",
                "avant la prochaine assemblée", "dans chaque version", "pour tout le secteur"),
    conjunctions=("et", "mais", "car", "tandis que", "donc"),
    heading_words=("Démocratie", "Propriété", "Hébergement", "Fédération", "Salaires",
                   "Clientèle", "Solidarité", "Gouvernance", "Logiciel libre", "Accueil",
                   "Budgets", "Sécurité", "Formation", "Croissance", "Soin",
                   "Infrastructure"),
    list_items=("écrire la décision", "faire tourner l'animation", "publier le compte rendu",
                "payer tout le monde au même tarif", "garder trois mois de réserve",
                "relire le contrat ensemble", "refuser les clients nuisibles",
                "documenter la configuration du serveur",
                "partager les outils avec d'autres coopératives",
                "faire un bilan chaque trimestre"),
    table_headers=("Coopérative", "Pays", "Membres", "Fondée", "Secteur", "Heures", "Tarif",
                   "Part"),
)

VOCABULARIES: dict[str, Vocabulary] = {"en": EN, "de": DE, "es": ES, "fr": FR}
LANGUAGES: tuple[str, ...] = tuple(VOCABULARIES)
