"""DELETE /api/articles/{id}: a token is needed, and the article goes with everything stored of it."""

from __future__ import annotations

from workbench_fixture import Api

TEXT = "The traitors in Washington lie again about NATO and Russia, the spokesman said on Monday."


def test_deleting_needs_a_token_and_removes_the_article(api: Api) -> None:
    created = api.client.post("/api/articles", json={"text": TEXT}, headers=api.auth)
    assert created.status_code == 201, created.text
    article_id = created.json()["id"]

    refused = api.client.delete(f"/api/articles/{article_id}")
    assert refused.status_code == 401
    assert api.client.get(f"/api/articles/{article_id}").status_code == 200

    deleted = api.client.delete(f"/api/articles/{article_id[:8]}", headers=api.auth)
    assert deleted.status_code == 204 and deleted.content == b""
    assert api.client.get(f"/api/articles/{article_id}").status_code == 404
    assert api.client.get("/api/articles").json()["total"] == 0

    again = api.client.delete(f"/api/articles/{article_id}", headers=api.auth)
    assert again.status_code == 404
    assert "no stored article has this id" in again.text


def test_deleting_a_malformed_id_is_not_found(api: Api) -> None:
    response = api.client.delete("/api/articles/not-an-id", headers=api.auth)
    assert response.status_code == 404
    assert "not an article id" in response.text


def test_the_workbench_deletes_for_a_signed_in_browser_after_asking(api: Api) -> None:
    article_id = api.client.post("/api/articles", json={"text": TEXT}, headers=api.auth).json()["id"]
    page = f"/articles/{article_id}"

    assert "Delete this article" not in api.client.get(page).text
    asking = api.client.get(f"{page}/delete", follow_redirects=False)
    assert asking.status_code == 303 and asking.headers["location"].startswith("/login?next=")
    assert api.client.post(f"{page}/delete", follow_redirects=False).status_code == 401

    api.client.post("/login", data={"token": api.secret}, follow_redirects=False)
    assert f'href="{page}/delete"' in api.client.get(page).text
    confirm = api.client.get(f"{page}/delete")
    assert confirm.status_code == 200 and "Delete permanently" in confirm.text and article_id in confirm.text
    assert api.store.count_articles() == 1  # asking deletes nothing

    forged = api.client.post(f"{page}/delete", headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403 and api.store.count_articles() == 1

    done = api.client.post(f"{page}/delete", follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/articles?deleted={article_id}"
    assert api.store.count_articles() == 0
    assert api.client.get(page).status_code == 404
    # The list says what was done, once: nothing had confirmed the deletion (a screen reader heard nothing).
    listed = api.client.get(done.headers["location"]).text
    assert f'role="status" tabindex="-1" id="deleted-notice">Article {article_id} was deleted.' in listed
    assert "deleted=" not in listed.split('id="deleted-notice"')[1]  # not carried into the page's links
    assert "was deleted" not in api.client.get("/articles?deleted=forged-message").text


def test_a_write_looks_its_token_up_once(api: Api, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The middleware refusing unauthenticated bodies and the route's check each verified it (two queries
    # and two writes of last_used_at per request).
    from propwatch.storage.tokens import TokenStore

    calls: list[str] = []
    real = TokenStore.verify

    def counting(self, secret):  # type: ignore[no-untyped-def]
        calls.append(secret)
        return real(self, secret)

    monkeypatch.setattr(TokenStore, "verify", counting)
    response = api.client.post("/api/articles", json={"text": TEXT}, headers=api.auth)
    assert response.status_code == 201 and len(calls) == 1


def test_a_takedown_with_block_refuses_the_text_if_it_is_submitted_again(api: Api) -> None:
    article_id = api.client.post("/api/articles", json={"text": TEXT}, headers=api.auth).json()["id"]
    deleted = api.client.delete(f"/api/articles/{article_id}", params={"block": "true"}, headers=api.auth)
    assert deleted.status_code == 204
    again = api.client.post("/api/articles", json={"text": TEXT}, headers=api.auth)
    assert again.status_code == 409, again.text
    assert "was deleted with --block on" in again.json()["error"]["reason"]
    assert api.store.count_articles() == 0

    # The workbench's confirmation page offers the same, unchecked by default.
    other = TEXT.replace("Monday", "Friday")
    other_id = api.client.post("/api/articles", json={"text": other}, headers=api.auth).json()["id"]
    api.client.post("/login", data={"token": api.secret}, follow_redirects=False)
    confirm = api.client.get(f"/articles/{other_id}/delete").text
    assert 'name="block" value="1"' in confirm and "checked" not in confirm
    done = api.client.post(f"/articles/{other_id}/delete", data={"block": "1"}, follow_redirects=False)
    assert done.status_code == 303
    assert api.client.post("/api/articles", json={"text": other}, headers=api.auth).status_code == 409
    form = api.client.post("/submit", data={"text": other})  # signed in: the form answers as the API
    assert form.status_code == 409 and "was deleted with --block on" in form.text
