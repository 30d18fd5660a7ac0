"""Republication detection: boilerplate removal, MinHash similarity, LSH clusters, stored lookups."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from propwatch.domain import Article
from propwatch.errors import NotFoundError
from propwatch.republication import (
    Copy,
    SignatureParams,
    find_clusters,
    index_missing,
    republications_of,
    similarity,
    text_signature,
)
from propwatch.republication.shingles import story_lines, word_shingles
from propwatch.settings import Settings
from propwatch.storage import ArticleStore

SETTINGS = Settings(data_dir=Path("/nonexistent"))
PARAMS = SignatureParams.from_settings(SETTINGS)
_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sta", "vi", "tor", "pe", "da", "gu", "shi", "ber", "on", "ax"]


def story(seed: int, paragraphs: int = 4) -> str:
    """A text of random (but pronounceable) words: two stories share no run of five words."""
    rng = random.Random(seed)
    words = ["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(400)]
    return "\n".join(
        " ".join(rng.choice(words) for _ in range(rng.randint(30, 45))).capitalize() + "."
        for _ in range(paragraphs)
    )


def edited_copy(text: str, seed: int, site: str) -> str:
    """The text as another site republishes it: own header and footer, a few words changed, respaced."""
    rng = random.Random(seed)
    words = text.split(" ")
    for index in rng.sample(range(len(words)), 4):
        words[index] = "changed"
    body = " ".join(words).upper() if seed % 2 else "  ".join(words)
    return (
        f"Share this\n{site.upper()} EXCLUSIVE\n{body}\n"
        f"This article originally appeared on {site}.\n"
        f"Subscribe to our newsletter for more from {site}!\n© 2024 {site}. All rights reserved."
    )


def test_boilerplate_lines_are_dropped_and_text_folded() -> None:
    text = (
        "Breaking\nThe  Minister SAID the alliance is a threat to peace.\n"
        "Subscribe to our newsletter!\n© 2024 Example Media\nRead more: other stories\n"
        "This article was originally published on example.org.\nPhoto: Reuters\n"
        "Follow us on https://t.me/example @example #news"
    )
    assert story_lines(text) == ["the minister said the alliance is a threat to peace"]


def test_long_paragraph_mentioning_a_newsletter_is_story_text() -> None:
    paragraph = "The ministry's newsletter said " + " ".join(f"word{n}" for n in range(40))
    assert story_lines(paragraph) == [paragraph.lower().replace("'", " ")]


def test_shingles_of_short_texts() -> None:
    assert word_shingles("one two three", 5) == {"one two three"}
    assert word_shingles("a b c d e f", 5) == {"a b c d e", "b c d e f"}


def test_edited_copy_is_similar_and_other_stories_are_not() -> None:
    original = story(1)
    copy = edited_copy(original, 3, "copysite.example")
    assert similarity(text_signature(original, PARAMS), text_signature(copy, PARAMS)) >= PARAMS.threshold
    assert similarity(text_signature(original, PARAMS), text_signature(story(2), PARAMS)) < 0.1
    # Signatures are stable: the same text always gets the same one.
    assert (text_signature(original, PARAMS) == text_signature(original, PARAMS)).all()


def planted() -> tuple[dict[str, str], list[Copy]]:
    """Ten unrelated stories; story 0 republished by three sites (edited), story 1 by one."""
    texts: dict[str, str] = {}
    copies: list[Copy] = []

    def add(text: str, outlet: str, published: date | None) -> None:
        article = Article(text=text)
        texts[article.id] = text
        copies.append(Copy(article.id, f"https://{outlet}/a/{article.id}", outlet, published))

    # The copies come before their origin in the input: the origin is found by date, not by order.
    add(edited_copy(story(0), 1, "mirror-one.example"), "mirror-one.example", date(2024, 3, 5))
    add(edited_copy(story(0), 2, "mirror-two.example"), "mirror-two.example", None)
    add(edited_copy(story(0), 3, "mirror-three.example"), "mirror-three.example", date(2024, 3, 3))
    add(edited_copy(story(1), 4, "mirror-one.example"), "mirror-one.example", date(2024, 4, 2))
    for seed in range(10):
        add(story(seed) + "\nSubscribe to our newsletter!", "origin.example", date(2024, 3, 1 + seed))
    # Two different stories under one long site footer must stay apart.
    footer = "\n".join(story(100 + n, 1) for n in range(1))
    add(story(20) + "\n" + footer, "footer.example", date(2024, 5, 1))
    add(story(21) + "\n" + footer, "footer.example", date(2024, 5, 2))
    return texts, copies


def test_planted_republications_are_found_with_their_origin() -> None:
    texts, copies = planted()
    signatures = {article_id: text_signature(text, PARAMS) for article_id, text in texts.items()}
    clusters = find_clusters(signatures, copies, PARAMS)
    assert [len(cluster.copies) for cluster in clusters] == [4, 2]
    first, second = clusters
    assert first.origin.outlet == "origin.example" and first.origin.published == date(2024, 3, 1)
    assert first.cluster_id == first.origin.article_id
    assert [copy.outlet for copy in first.copies] == [
        "origin.example",
        "mirror-three.example",
        "mirror-one.example",
        "mirror-two.example",  # undated: last
    ]
    assert first.outlets == (
        "origin.example",
        "mirror-three.example",
        "mirror-one.example",
        "mirror-two.example",
    )
    assert second.origin.published == date(2024, 3, 2)
    assert [copy.outlet for copy in second.copies] == ["origin.example", "mirror-one.example"]
    # Shuffling the input changes nothing.
    shuffled = list(copies)
    random.Random(5).shuffle(shuffled)
    reordered = dict(sorted(signatures.items(), reverse=True))
    assert find_clusters(reordered, shuffled, PARAMS) == clusters


def test_republications_of_a_stored_article(database_url: str) -> None:
    texts, copies = planted()
    by_id = {copy.article_id: copy for copy in copies}
    with ArticleStore.open(database_url) as store:
        for article_id, text in texts.items():
            copy = by_id[article_id]
            store.save_article(Article(text=text, url=copy.url, outlet=copy.outlet, published=copy.published))
        assert index_missing(store, SETTINGS) == len(texts)  # as every command that stores does
        mirror_two = next(copy for copy in copies if copy.outlet == "mirror-two.example")
        found = republications_of(mirror_two.article_id[:8], store, SETTINGS)
        assert found is not None
        assert found.origin.outlet == "origin.example"
        assert found.origin.published == date(2024, 3, 1)
        assert len(found.copies) == 4 and len(found.outlets) == 4
        assert {copy.url for copy in found.copies} == {
            copy.url for copy in copies if copy.article_id in found.article_ids
        }
        loner = next(copy for copy in copies if copy.outlet == "footer.example")
        assert republications_of(loner.article_id, store, SETTINGS) is None
        with pytest.raises(NotFoundError):
            republications_of("0123456789abcdef", store, SETTINGS)
        # Other settings: the signatures are made again, the answer is the same.
        finer = Settings(data_dir=Path("/nonexistent"), republication_num_perm=64)
        index_missing(store, finer)
        again = republications_of(mirror_two.article_id, store, finer)
        assert again is not None and again.article_ids == found.article_ids


def test_an_exact_copy_from_another_outlet_is_a_republication_with_the_earliest_as_origin(
    database_url: str,
) -> None:
    text = story(40)
    with ArticleStore.open(database_url) as store:
        first = Article(text=text, url="https://rt.example/a", outlet="RT", published=date(2023, 1, 10))
        assert store.save_article(first)
        proxy = Article(text=text, url="https://proxy.example/a", outlet="Proxy", published=date(2023, 1, 5))
        assert not store.save_article(proxy)  # the same text: one article, met again elsewhere
        assert not store.save_article(proxy)  # met there again: nothing new
        assert not store.save_article(Article(text=text))  # pasted again, from nowhere: no place
        found = republications_of(first.id, store, SETTINGS)
        assert found is not None
        assert [(c.outlet, c.published) for c in found.copies] == [
            ("Proxy", date(2023, 1, 5)),
            ("RT", date(2023, 1, 10)),
        ]
        assert found.origin.outlet == "Proxy" and set(found.article_ids) == {first.id}
        # A text met again at the very same place is no republication.
        lone = Article(text=story(41), url="https://rt.example/b", outlet="RT")
        store.save_article(lone)
        store.save_article(lone.model_copy(update={"origin": "another/file.txt"}))
        assert republications_of(lone.id, store, SETTINGS) is None


def test_the_same_place_at_another_date_or_headline_is_another_appearance(database_url: str) -> None:
    """A re-crawl of one address with a later date had replaced the first crawl in the cluster, which
    then named a later copy elsewhere the origin; two dated appearances at one outlet showed none."""
    text = story(42)
    with ArticleStore.open(database_url) as store:
        first = Article(
            text=text, url="https://sputnik.example/a", outlet="Sputnik", published=date(2022, 2, 1)
        )
        store.save_article(first)
        store.save_article(first.model_copy(update={"published": date(2022, 2, 10), "title": "A (updated)"}))
        store.save_article(Article(text=text, outlet="Other Site", published=date(2022, 2, 8)))
        found = republications_of(first.id, store, SETTINGS)
        assert found is not None
        assert [(c.outlet, c.published) for c in found.copies] == [
            ("Sputnik", date(2022, 2, 1)),
            ("Other Site", date(2022, 2, 8)),
            ("Sputnik", date(2022, 2, 10)),
        ]
        assert found.origin.published == date(2022, 2, 1)
        lone = Article(text=story(43), outlet="Sputnik", published=date(2022, 1, 25), title="One")
        store.save_article(lone)
        store.save_article(lone.model_copy(update={"published": date(2022, 2, 3), "title": "Two"}))
        again = republications_of(lone.id, store, SETTINGS)
        assert again is not None and [c.title for c in again.copies] == ["One", "Two"]


def test_texts_without_words_are_copies_of_nothing() -> None:
    empty = [text_signature(t, PARAMS) for t in ("https://t.me/rybar/12345", "🔥🔥🔥 !!!", "")]
    assert similarity(empty[0], empty[1]) == similarity(empty[1], empty[2]) == 0.0


def test_a_story_line_naming_a_channel_is_story_text() -> None:
    line = "The ministry said on its Telegram channel that the talks would resume in Geneva next week."
    assert story_lines(f"{line}\nSubscribe to our Telegram channel!") == [
        "the ministry said on its telegram channel that the talks would resume in geneva next week"
    ]


def test_a_copy_missing_a_third_of_its_sentences_is_found() -> None:
    sentences = story(42, paragraphs=30).split("\n")
    shortened = "\n".join(s for i, s in enumerate(sentences) if i % 3 != 1)
    signatures = {"a": text_signature("\n".join(sentences), PARAMS), "b": text_signature(shortened, PARAMS)}
    assert 0.5 <= similarity(signatures["a"], signatures["b"]) < 0.7
    clusters = find_clusters(signatures, [Copy(article_id="a"), Copy(article_id="b")], PARAMS)
    assert [set(c.article_ids) for c in clusters] == [{"a", "b"}]


def test_another_threshold_bands_the_stored_signatures_again_without_hashing_the_texts(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from propwatch.republication import signatures as stored

    with ArticleStore.open(database_url) as store:
        for seed in range(3):
            store.save_article(Article(text=story(50 + seed)))
        assert index_missing(store, SETTINGS) == 3
        monkeypatch.setattr(stored, "text_signature", lambda *_: pytest.fail("hashed a text again"))
        stricter = Settings(data_dir=Path("/nonexistent"), republication_threshold=0.8)
        assert index_missing(store, stricter) == 3 and index_missing(store, stricter) == 0


def test_a_cluster_stops_at_its_cap(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from propwatch.republication import signatures as stored

    monkeypatch.setattr(stored, "MAX_CLUSTER", 3)
    text = story(60)
    with ArticleStore.open(database_url) as store:
        ids = []
        for n in range(6):
            article = Article(text=f"{text}\nEdition {n} of the day, with its own closing words here.")
            store.save_article(article)
            ids.append(article.id)
        index_missing(store, SETTINGS)
        found = republications_of(ids[0], store, SETTINGS)
        assert found is not None and len(found.article_ids) == 3


def test_an_article_deleted_while_the_store_is_signed_is_skipped(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On PostgreSQL the signature of an article deleted between the read and the write broke `show`
    # with a foreign-key error; hashing now happens outside the write, and the deleted one is skipped.
    from propwatch.republication import signatures

    with ArticleStore.open(database_url) as store:
        stored = [
            Article(text=f"Story number {n}: the ministry said the bridge would open late.") for n in range(3)
        ]
        for article in stored:
            store.save_article(article)
        real = signatures.text_signature
        deleted: list[str] = []

        def deleting_one(text: str, params):  # type: ignore[no-untyped-def]
            if not deleted:
                with ArticleStore.open(database_url) as other:
                    other.delete_articles([stored[1].id])
                deleted.append(stored[1].id)
            return real(text, params)

        monkeypatch.setattr(signatures, "text_signature", deleting_one)
        assert index_missing(store, SETTINGS) == 2
        assert store.count_articles() == 2


def test_an_old_store_is_signed_once_and_a_read_only_one_still_read(tmp_path: Path) -> None:
    # Signing the whole store at each first view took 40 s at 25,000 articles, and failed read-only;
    # signing the viewed article alone lost the near-copies of a store made by an older propwatch.
    from sqlalchemy import func, select

    from propwatch.storage.schema import minhash_signatures

    path = tmp_path / "old.db"
    text = story(70)
    with ArticleStore.open(f"sqlite:///{path}") as store:
        first = Article(text=text, url="https://a.example/1", outlet="A")
        store.save_article(first)
        store.save_article(Article(text=text, url="https://b.example/2", outlet="B"))  # the same text
        for seed in range(3):
            store.save_article(Article(text=story(80 + seed)))
        edited = Article(text=story(80) + " One more closing line of the story.", outlet="C")
        store.save_article(edited)
    with ArticleStore.open(f"sqlite:///file:{path}?mode=ro&uri=true", create=False) as replica:
        # unsigned and cannot be signed: exact copies only
        again = republications_of(first.id, replica, SETTINGS)
        assert again is not None and len(again.copies) == 2
        assert republications_of(edited.id, replica, SETTINGS) is None
    with ArticleStore.open(f"sqlite:///{path}") as store:
        found = republications_of(edited.id, store, SETTINGS)  # its near-copy, stored unsigned too
        assert found is not None and {copy.outlet for copy in found.copies} == {"C", None}
        with store._engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(minhash_signatures)).scalar() == 5


def test_a_re_dated_appearance_is_one_appearance_at_its_earliest_date() -> None:
    """A feed stamping <updated> with the day had added one "republication" a day of an unchanged page;
    a headline read again without its markdown hashes had too."""
    from propwatch.republication.minhash import build_cluster

    url = "https://a.example/1"
    copies = [Copy("a" * 16, url, "A", date(2026, 11, day), "The budget") for day in (5, 1, 3)]
    copies.append(Copy("a" * 16, url, "A", date(2026, 11, 7), "# The budget"))
    copies.append(Copy("a" * 16, "https://b.example/1", "B", date(2026, 11, 2), "The budget"))
    cluster = build_cluster(copies)
    assert [(c.outlet, c.published) for c in cluster.copies] == [
        ("A", date(2026, 11, 1)),
        ("B", date(2026, 11, 2)),
    ]
