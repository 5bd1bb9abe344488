"""The PDF copy of the HTML: footnotes at their call sites, ids as in the fragment, nothing lost;
and the documents of the issue's parts (front matter, one per article, back matter)."""

from __future__ import annotations

import lxml.html
import pytest

from tests.pdf_helpers import english_body, make_rendered_issue
from zine.editions.pdf.markup import FragmentError, make_entry, prepare_fragment
from zine.editions.pdf.parts import css_string, front_part, plan_parts
from zine.model.rendered import RenderedIssue


def front(rendered: RenderedIssue) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(front_part(rendered, plan_parts(rendered), None).html)


def _tree(markup: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(markup, create_parent="div")


def test_footnote_bodies_move_to_their_call_sites() -> None:
    tree = _tree(prepare_fragment(english_body("a"), "a"))
    notes = tree.xpath("//span[@class='pdf-footnote']")
    assert [n.text_content().strip() for n in notes] == [
        "First met at the 34c3, in 2017.", "Counted by hand at the door."]
    first_paragraph = notes[0].getparent()
    assert first_paragraph.tag == "p"
    assert first_paragraph.text_content().startswith("Where this started")


def test_footnote_section_backlinks_and_asides_are_gone() -> None:
    markup = prepare_fragment(english_body("a"), "a")
    assert "doc-footnote" not in markup
    assert "doc-backlink" not in markup
    assert 'class="footnotes"' not in markup
    assert "<aside" not in markup


def test_ids_and_internal_links_carry_the_slug_once() -> None:
    """The shared fragment's ids carry the slug already; the PDF does not prefix them again
    (it once made ``report--report--introduction``)."""
    tree = _tree(prepare_fragment(english_body("report"), "report"))
    assert tree.xpath("//h2/@id") == ["report--introduction"]
    assert "#report--introduction" in tree.xpath("//a/@href")
    assert not [i for i in tree.xpath("//@id") if i.count("report") > 1]


def test_a_dangling_internal_link_loses_its_href_and_keeps_its_text() -> None:
    tree = _tree(prepare_fragment('<p><a href="#nowhere">text</a></p>', "a"))
    assert tree.xpath("//a/@href") == []
    assert tree.text_content() == "text"


def test_attachment_links_are_not_kept() -> None:
    markup = prepare_fragment('<p><a rel="attachment" href="x.txt">x</a></p>', "a")
    assert "attachment" not in markup


def test_the_shared_fragment_is_not_changed() -> None:
    rendered = make_rendered_issue()
    before = {slug: f.html for slug, f in rendered.fragments.items()}
    front_part(rendered, plan_parts(rendered), None)
    assert {slug: f.html for slug, f in rendered.fragments.items()} == before


def test_text_below_the_parser_nesting_limit_is_an_error_not_a_silent_loss() -> None:
    article = make_rendered_issue().fragments["report"].article
    deep = "<div>" * 400 + "deep text" + "</div>" * 400
    with pytest.raises(FragmentError) as caught:
        make_entry(article, deep, make_rendered_issue().zine)
    assert caught.value.article is article


def test_each_article_part_carries_its_language_and_the_issues_page_direction() -> None:
    rendered = make_rendered_issue()
    wrappers = {}
    for part in plan_parts(rendered).articles:
        doc = lxml.html.document_fromstring(part.html)
        assert doc.get("lang") == part.entry.lang if part.entry else False  # the PDF's /Lang
        assert doc.get("dir") == "ltr"  # pages progress as in the issue
        wrappers.update({a.get("id"): (a.get("lang"), a.get("dir")) for a in doc.iter("article")})
    assert wrappers == {
        "article-editorial": ("en", "ltr"), "article-report": ("en", "ltr"),
        "article-arabic": ("ar", "rtl"), "article-japanese": ("ja", "ltr")}
    assert front(rendered).get("lang") == "en"


def test_contents_print_the_page_numbers_they_are_given() -> None:
    rendered = make_rendered_issue()
    plan = plan_parts(rendered)
    pages = {anchor: 11 + 2 * i for i, anchor in enumerate(plan.anchors)}
    doc = lxml.html.document_fromstring(front_part(rendered, plan, pages).html)
    links = doc.xpath("//nav[@role='doc-toc']//a")
    assert [int(a.get("data-page")) for a in links] == [pages[a] for a in plan.anchors]


def test_the_front_matter_holds_a_stub_for_every_link_target_in_other_parts() -> None:
    rendered = make_rendered_issue()
    plan = plan_parts(rendered)
    part = front_part(rendered, plan, None)
    doc = lxml.html.document_fromstring(part.html)
    assert doc.xpath("//div[@class='part-stubs']/div/@id") == plan.anchors
    assert part.stubs == frozenset(plan.anchors)


def test_running_head_text_is_escaped_for_css_inside_html() -> None:
    escaped = css_string('No "masters" </style><script>x</script> \\ ü')
    assert "<" not in escaped and '"' not in escaped[1:-1] and "\\\\" not in escaped
    assert escaped.startswith('"No\\000020') and "\\0000fc" in escaped


def test_contents_links_point_at_every_article_in_reading_order() -> None:
    rendered = make_rendered_issue()
    doc = front(rendered)
    hrefs = doc.xpath("//nav[@role='doc-toc']//a/@href")
    assert hrefs == ["#article-editorial", "#article-report", "#article-arabic",
                     "#article-japanese", "#coops", "#colophon"]


def test_document_dates_come_from_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    rendered = make_rendered_issue()
    doc = front(rendered)
    assert doc.xpath("//meta[@name='dcterms.created']/@content") == ["2023-11-14T22:13:20Z"]


def test_document_dates_default_to_the_issue_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    rendered = make_rendered_issue()
    doc = front(rendered)
    assert doc.xpath("//meta[@name='dcterms.modified']/@content") == ["2019-03-01T00:00:00Z"]


def test_a_rebuild_prepares_only_the_bodies_an_earlier_build_did_not(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDF's copy of each fragment is kept in the part store: the same plan without
    preparing a body again; an edited fragment, or another ``url``, is prepared anew."""
    from dataclasses import replace

    from zine.editions.pdf import markup
    from zine.runtime.cache import BlobStore

    rendered = make_rendered_issue()
    first = plan_parts(rendered, BlobStore(tmp_path, "pdf/x"))

    def not_again(*args: object) -> None:
        raise AssertionError("prepared again")

    monkeypatch.setattr(markup, "prepare_fragment", not_again)
    again = plan_parts(rendered, BlobStore(tmp_path, "pdf/x"))
    assert [p.html for p in again.articles] == [p.html for p in first.articles]
    moved = replace(rendered, zine=replace(rendered.zine, url="https://elsewhere.example/"))
    with pytest.raises(AssertionError, match="prepared again"):
        plan_parts(moved, BlobStore(tmp_path, "pdf/x"))
