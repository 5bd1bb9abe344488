"""Render stage, UI strings: the words the editions print around the articles, per language.

Pure data and a few functions; reads and writes nothing. ``strings(language)`` falls back by
primary language and then to English, key by key, so a missing translation never breaks a build.
``format_date`` writes a date the way the language does, without Babel; ``join_list`` joins
names the way it does ("A, B and C").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from types import MappingProxyType

_EN = {
    "translated_by": "translated from {language} by {names}",
    "translated": "translated from {language}",
    "original_language": "original in {language}",
    "also_in": "Also in",
    "languages": "Languages",
    "edition_in": "{language} edition",
    "contents": "Contents",
    "articles": "Articles",
    "read_online": "Read online",
    "by": "by",
    "and": "and",
    "notes": "Notes",
    "download": "Download",
    "download_epub": "Download EPUB",
    "download_pdf": "Download PDF",
    "cover": "Cover",
    "title_page": "Title page",
    "colophon": "Colophon",
    "coop_directory": "The cooperatives in this issue",
    "previous": "Previous",
    "next": "Next",
    "issue_n": "Issue {number}",
    "license": "License",
    "published": "Published",
    "reading_time": "{minutes} min read",
    "section": "Section",
    "back_to_top": "Back to top",
    "skip_to_content": "Skip to content",
    "all_issues": "All issues",
    "pages": "Pages",
    "page_ref": "p. {page}",
    "words": "{count} words",
    "footnote_back": "Back to reference {number}",
    "footnote": "Note {number}",
    "task_done": "done",
    "task_open": "not done",
    "editors": "Edited by",
    "publisher": "Publisher",
    "country": "Country",
    "website": "Website",
    "landmarks": "Landmarks",
    "start_of_content": "Start of content",
    "figure": "Figure",
    "home": "Home",
    "feed": "Atom feed",
    "search": "Search",
    "search_title": "Search the zine",
    "search_needs_js": "Search runs in your browser and needs JavaScript. "
                       "Every article is also listed on the issue pages.",
    "coops_label": "Cooperatives",
    "tags_label": "Tags",
    "all_coops": "All cooperatives",
    "all_tags": "All tags",
    "coop_articles": "Articles naming this cooperative",
    "tag_articles": "Articles tagged “{tag}”",
}

_DE = {
    "translated_by": "Original: {language} · übersetzt von {names}",
    "translated": "Original: {language}", "original_language": "Original: {language}",
    "also_in": "Auch auf", "languages": "Sprachen", "edition_in": "Ausgabe: {language}",
    "articles": "Artikel", "read_online": "Online lesen",
    "contents": "Inhalt", "by": "von", "and": "und", "notes": "Anmerkungen",
    "download": "Herunterladen", "download_epub": "EPUB herunterladen",
    "download_pdf": "PDF herunterladen", "cover": "Umschlag", "title_page": "Titelseite",
    "colophon": "Impressum", "coop_directory": "Die Kooperativen dieser Ausgabe",
    "previous": "Zurück", "next": "Weiter", "issue_n": "Ausgabe {number}", "license": "Lizenz",
    "published": "Erschienen", "reading_time": "{minutes} Min. Lesezeit", "section": "Rubrik",
    "back_to_top": "Nach oben", "skip_to_content": "Zum Inhalt springen",
    "all_issues": "Alle Ausgaben", "pages": "Seiten", "page_ref": "S. {page}",
    "words": "{count} Wörter",
    "footnote_back": "Zurück zum Verweis {number}", "footnote": "Anmerkung {number}",
    "task_done": "erledigt", "task_open": "offen",
    "editors": "Redaktion", "publisher": "Herausgeber", "country": "Land",
    "website": "Website", "landmarks": "Orientierungspunkte", "start_of_content": "Textbeginn",
    "figure": "Abbildung", "home": "Startseite", "feed": "Atom-Feed",
}

_ES = {
    "translated_by": "traducción de {names} (original: {language})",
    "translated": "traducción (original: {language})", "original_language": "original: {language}",
    "also_in": "También en", "languages": "Idiomas", "edition_in": "Edición: {language}",
    "articles": "Artículos", "read_online": "Leer en línea",
    "contents": "Índice", "by": "por", "and": "y", "notes": "Notas", "download": "Descargar",
    "download_epub": "Descargar EPUB", "download_pdf": "Descargar PDF", "cover": "Portada",
    "title_page": "Portadilla", "colophon": "Colofón",
    "coop_directory": "Las cooperativas de este número", "previous": "Anterior",
    "next": "Siguiente", "issue_n": "Número {number}", "license": "Licencia",
    "published": "Publicado", "reading_time": "{minutes} min de lectura", "section": "Sección",
    "back_to_top": "Volver arriba", "skip_to_content": "Ir al contenido",
    "all_issues": "Todos los números", "pages": "Páginas", "words": "{count} palabras",
    "footnote_back": "Volver a la referencia {number}", "footnote": "Nota {number}",
    "task_done": "hecho", "task_open": "pendiente",
    "editors": "Edición", "publisher": "Editorial", "country": "País", "website": "Sitio web",
    "landmarks": "Puntos de referencia", "start_of_content": "Inicio del contenido",
    "figure": "Figura", "home": "Inicio", "feed": "Canal Atom",
}

_FR = {
    "translated_by": "traduction : {names} (original : {language})",
    "translated": "traduction (original : {language})",
    "original_language": "original : {language}", "also_in": "Aussi en",
    "languages": "Langues", "edition_in": "Édition : {language}",
    "articles": "Articles", "read_online": "Lire en ligne",
    "contents": "Sommaire", "by": "par", "and": "et", "notes": "Notes",
    "download": "Télécharger", "download_epub": "Télécharger l’EPUB",
    "download_pdf": "Télécharger le PDF", "cover": "Couverture", "title_page": "Page de titre",
    "colophon": "Colophon", "coop_directory": "Les coopératives de ce numéro",
    "previous": "Précédent", "next": "Suivant", "issue_n": "Numéro {number}",
    "license": "Licence", "published": "Publié", "reading_time": "{minutes} min de lecture",
    "section": "Rubrique", "back_to_top": "Haut de page", "skip_to_content": "Aller au contenu",
    "all_issues": "Tous les numéros", "pages": "Pages", "words": "{count} mots",
    "footnote_back": "Retour à l’appel de note {number}", "footnote": "Note {number}",
    "task_done": "fait", "task_open": "à faire",
    "editors": "Coordination", "publisher": "Éditeur", "country": "Pays",
    "website": "Site web", "landmarks": "Repères", "start_of_content": "Début du contenu",
    "figure": "Figure", "home": "Accueil", "feed": "Flux Atom",
}

_IT = {
    "translated_by": "traduzione di {names} (originale: {language})",
    "translated": "traduzione (originale: {language})",
    "original_language": "originale: {language}", "also_in": "Anche in",
    "languages": "Lingue", "edition_in": "Edizione: {language}",
    "contents": "Indice", "by": "di", "and": "e", "notes": "Note", "download": "Scarica",
    "cover": "Copertina", "title_page": "Frontespizio", "colophon": "Colophon",
    "coop_directory": "Le cooperative di questo numero", "previous": "Precedente",
    "next": "Successivo", "issue_n": "Numero {number}", "license": "Licenza",
    "published": "Pubblicato", "reading_time": "{minutes} min di lettura",
    "section": "Sezione", "back_to_top": "Torna su", "skip_to_content": "Vai al contenuto",
    "all_issues": "Tutti i numeri", "pages": "Pagine", "words": "{count} parole",
    "footnote_back": "Torna al richiamo {number}", "footnote": "Nota {number}",
    "home": "Home", "figure": "Figura",
}

_PT = {
    "translated_by": "tradução de {names} (original: {language})",
    "translated": "tradução (original: {language})", "original_language": "original: {language}",
    "also_in": "Também em", "languages": "Idiomas", "edition_in": "Edição: {language}",
    "contents": "Sumário", "by": "por", "and": "e", "notes": "Notas", "download": "Baixar",
    "cover": "Capa", "title_page": "Folha de rosto", "colophon": "Colofão",
    "coop_directory": "As cooperativas desta edição", "previous": "Anterior",
    "next": "Seguinte", "issue_n": "Número {number}", "license": "Licença",
    "published": "Publicado", "reading_time": "{minutes} min de leitura", "section": "Seção",
    "back_to_top": "Voltar ao topo", "skip_to_content": "Ir para o conteúdo",
    "all_issues": "Todos os números", "pages": "Páginas", "words": "{count} palavras",
    "footnote_back": "Voltar à referência {number}", "footnote": "Nota {number}",
    "home": "Início", "figure": "Figura",
}

_NL = {
    "translated_by": "vertaald uit het {language} door {names}",
    "translated": "vertaald uit het {language}", "original_language": "origineel: {language}",
    "also_in": "Ook in", "languages": "Talen", "edition_in": "Editie: {language}",
    "contents": "Inhoud", "by": "door", "and": "en", "notes": "Noten", "download": "Downloaden",
    "cover": "Omslag", "title_page": "Titelpagina", "colophon": "Colofon",
    "coop_directory": "De coöperaties in dit nummer", "previous": "Vorige", "next": "Volgende",
    "issue_n": "Nummer {number}", "license": "Licentie", "published": "Gepubliceerd",
    "reading_time": "{minutes} min lezen", "section": "Rubriek", "back_to_top": "Naar boven",
    "skip_to_content": "Naar de inhoud", "all_issues": "Alle nummers", "pages": "Pagina’s",
    "words": "{count} woorden", "footnote_back": "Terug naar verwijzing {number}",
    "footnote": "Noot {number}", "home": "Home", "figure": "Afbeelding",
}

_AR = {
    "translated_by": "ترجمة {names} عن {language}", "translated": "مترجم عن {language}",
    "original_language": "الأصل: {language}", "also_in": "متوفر أيضًا بـ",
    "languages": "اللغات", "edition_in": "طبعة: {language}",
    "contents": "المحتويات", "by": "بقلم", "and": "و", "notes": "الحواشي", "download": "تنزيل",
    "cover": "الغلاف", "title_page": "صفحة العنوان", "colophon": "بيانات النشر",
    "coop_directory": "التعاونيات في هذا العدد", "previous": "السابق", "next": "التالي",
    "issue_n": "العدد {number}", "license": "الرخصة", "published": "نُشر",
    "reading_time": "{minutes} دقائق قراءة", "section": "القسم",
    "back_to_top": "العودة إلى الأعلى", "skip_to_content": "انتقل إلى المحتوى",
    "all_issues": "كل الأعداد", "pages": "الصفحات", "words": "{count} كلمة",
    "footnote_back": "العودة إلى الإحالة {number}", "footnote": "حاشية {number}",
    "home": "الرئيسية", "figure": "شكل",
}

_JA = {
    "translated_by": "{names}訳（原文：{language}）", "translated": "翻訳（原文：{language}）",
    "original_language": "原文：{language}", "also_in": "他の言語", "languages": "言語",
    "edition_in": "{language}版",
    "contents": "目次", "by": "著", "and": "、", "notes": "注", "download": "ダウンロード",
    "cover": "表紙", "title_page": "扉", "colophon": "奥付",
    "coop_directory": "この号の協同組合", "previous": "前へ", "next": "次へ",
    "issue_n": "第{number}号", "license": "ライセンス", "published": "発行",
    "reading_time": "{minutes}分で読めます", "section": "セクション",
    "back_to_top": "ページの先頭へ", "skip_to_content": "本文へ移動", "all_issues": "すべての号",
    "pages": "ページ", "words": "{count}語", "footnote_back": "注{number}の参照箇所に戻る",
    "footnote": "注{number}", "home": "ホーム", "figure": "図",
    "search": "検索", "search_title": "ジンを検索", "coops_label": "協同組合", "tags_label": "タグ",
}

_TABLES: dict[str, dict[str, str]] = {
    "en": _EN, "de": _DE, "es": _ES, "fr": _FR, "it": _IT, "pt": _PT, "nl": _NL,
    "ar": _AR, "ja": _JA,
}

_MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
           "September", "Oktober", "November", "Dezember"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre"),
    "pt": ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
           "setembro", "outubro", "novembro", "dezembro"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
    "ar": ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
           "أكتوبر", "نوفمبر", "ديسمبر"),
}

# How each language writes "day month year"; {d} day, {m} month name, {y} year.
_DATE_PATTERNS = {
    "en": "{m} {d}, {y}", "de": "{d}. {m} {y}", "es": "{d} de {m} de {y}", "fr": "{d} {m} {y}",
    "it": "{d} {m} {y}", "pt": "{d} de {m} de {y}", "nl": "{d} {m} {y}", "ar": "{d} {m} {y}",
}

LANGUAGES: tuple[str, ...] = tuple(sorted(_TABLES))


def primary(language: str) -> str:
    return language.replace("_", "-").split("-")[0].lower()


def strings(language: str) -> Mapping[str, str]:
    """UI strings for ``language`` (a BCP 47 tag); missing keys come from English."""
    table = _TABLES.get(primary(language), {})
    return MappingProxyType({**_EN, **table})


# How a language separates the items of a list: (between two items, before the last one).
# Others write ", " and " <and> " with their "and" string.
_LIST_SEPARATORS = {"ja": ("、", "、"), "ar": ("، ", " و")}


def list_separators(count: int, language: str) -> list[str]:
    """The separator written before each of ``count`` items ("" before the first)."""
    lang = primary(language)
    between, last = _LIST_SEPARATORS.get(lang, (", ", f" {strings(language)['and']} "))
    return ["" if i == 0 else last if i == count - 1 else between for i in range(count)]


def join_list(items: Sequence[str], language: str) -> str:
    """``A, B and C`` as ``language`` writes a list (``A, B und C``, ``A、B、C``)."""
    return "".join(sep + item for sep, item in zip(list_separators(len(items), language),
                                                    items, strict=True))


def language_name(tag: str, in_language: str) -> str:
    """The name of language ``tag`` as ``in_language`` writes it ("German", "Deutsch",
    "ドイツ語"), from CLDR through langcodes; the tag itself when it has no name."""
    import langcodes

    try:
        return str(langcodes.Language.get(tag).display_name(in_language))
    except Exception:  # an unregistered tag, or no CLDR data for it
        return tag


def autonym(tag: str) -> str:
    """The language named in itself ("Deutsch", "العربية", "日本語"), for language switchers:
    a reader looks for their own language's name, not its name in the page's language."""
    return language_name(tag, tag)


def translation_credit(names: Sequence[str], original_language: str, language: str) -> str:
    """"translated from German by A and B" in ``language``; without names, "translated from
    German"."""
    ui = strings(language)
    source = language_name(original_language, language)
    if not names:
        return ui["translated"].format(language=source)
    joined = join_list(names, language)
    return ui["translated_by"].format(language=source, names=joined)


def format_date(value: date | None, language: str) -> str:
    """``value`` written out as the language does: "March 1, 2019", "1. März 2019", … ("" for
    an issue without a date)."""
    if value is None:
        return ""
    lang = primary(language)
    if lang == "ja":
        return f"{value.year}年{value.month}月{value.day}日"
    months = _MONTHS.get(lang, _MONTHS["en"])
    pattern = _DATE_PATTERNS.get(lang, _DATE_PATTERNS["en"])
    day = "1er" if lang == "fr" and value.day == 1 else str(value.day)
    return pattern.format(d=day, m=months[value.month - 1], y=value.year)
