"""The methodology page: sources, counts, statuses, sign-ups and corrections, licence."""

from letters.models import SignatureStatus


def test_the_methodology_page_explains_the_data(client, db, settings):
    settings.DATA_LICENCE_NAME = "Test Licence 1.0"
    settings.DATA_LICENCE_URL = "https://licence.example.org/"

    html = client.get("/methodology/").content.decode()

    assert '<a href="https://licence.example.org/">Test Licence 1.0</a>' in html
    for heading in [
        "Where the data comes from",
        "Reported and listed counts",
        "Sign-ups and corrections",
    ]:
        assert heading in html
    for status in SignatureStatus:
        assert f'<th scope="row">{status.label}</th>' in html
    assert 'href="/statuses/"' in html


def test_every_page_links_the_methodology_from_its_footer(client, db):
    for url in ["/", "/organisations/", "/methodology/"]:
        html = client.get(url).content.decode()
        footer = html[html.index('<footer class="site-footer">') :]
        assert 'href="/methodology/"' in footer
