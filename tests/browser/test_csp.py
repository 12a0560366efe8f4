"""The second wall: even when a payload reaches the built site (here the check's errors are ignored and
the build is not strict), the page's Content-Security-Policy keeps it from running, while the theme's
own scripts still work."""

from __future__ import annotations

import pytest

from ..conftest import MINIMAL_MKDOCS, build_site, page, write_site
from .conftest import _serve

pytestmark = pytest.mark.browser

PAYLOADS = """\
<img src="missing.png" onerror="window.__pwned = (window.__pwned || []).concat('img')">

<svg onload="window.__pwned = (window.__pwned || []).concat('svg')"><circle r="1"/></svg>

<script>window.__pwned = (window.__pwned || []).concat('script')</script>

<a id="go" href="javascript:window.__pwned = ['link']">a link</a>
"""


@pytest.fixture(scope="module")
def planted_site(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = write_site(tmp_path_factory.mktemp("planted"), {
        "docs/index.md": page(body="# Home\n\n[Planted](planted.md)\n"),
        "docs/planted.md": page(title="Planted", body="# Planted\n\n" + PAYLOADS),
    }, MINIMAL_MKDOCS)
    return _serve(str(build_site(root, strict=False)))


def test_planted_payloads_do_not_run(tab, planted_site: str) -> None:  # type: ignore[no-untyped-def]
    # The browser reports each refusal as a DOM event; collecting them needs no waiting on time.
    tab.add_init_script("window.__refused = []; document.addEventListener('securitypolicyviolation',"
                        " e => window.__refused.push(e.sample || e.violatedDirective));")
    tab.goto(planted_site + "planted/", wait_until="networkidle")
    assert "onerror=" in tab.content()  # the payload really is in the page
    tab.locator("#go").click()
    # The inline script, the two handlers and the javascript: link: four refusals, whenever they come.
    tab.wait_for_function("window.__refused.length >= 4")
    assert tab.evaluate("window.__pwned === undefined")


def test_the_theme_still_works_under_the_policy(tab, planted_site: str) -> None:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(planted_site, wait_until="networkidle")
    tab.keyboard.press("/")
    tab.locator(".md-search-result__meta").get_by_text("Type to start searching").wait_for()
    assert errors == []
    policy = tab.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert policy is not None and "script-src 'self'" in policy and "unsafe-inline" not in policy.split(";")[1]
