"""Catalogues for the harvest tests, written as DCAT-AP-SE publishers write them."""

from __future__ import annotations

PREFIXES = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

PUBLISHER = """
<http://dataportal.se/organisation/SE2120000142> a foaf:Organization ;
    foaf:name "Sjöstads kommun"@sv ;
    dcterms:type <http://purl.org/adms/publishertype/LocalAuthority> .
"""


def dataset(n: int, *, title: str | None = None, publisher: str = "SE2120000142",
            extra: str = "", distribution: str | None = None) -> str:  # fmt: skip
    """One dataset in Turtle, with a CSV distribution."""
    title_line = f'dcterms:title "{title or f"Datamängd {n}"}"@sv ;' if title != "" else ""
    dist = (
        distribution
        or f"""
<https://data.example/dataset/{n}/csv> a dcat:Distribution ;
    dcat:accessURL <https://data.example/files/{n}.csv> ;
    dcat:downloadURL <https://data.example/files/{n}.csv> ;
    dcterms:format "text/csv" ;
    dcterms:license <https://creativecommons.org/licenses/by/4.0/deed.sv> .
"""
    )
    return f"""
<https://data.example/dataset/{n}> a dcat:Dataset ;
    {title_line}
    dcterms:description "Beskrivning av datamängd {n}."@sv ;
    dcterms:publisher <http://dataportal.se/organisation/{publisher}> ;
    dcat:keyword "nyckelord"@sv ;
    dcat:contactPoint [ a vcard:Organization ; vcard:fn "Kontaktcenter" ;
                        vcard:hasEmail <mailto:kontakt@sjostad.example> ] ;
    {extra}
    dcat:distribution <https://data.example/dataset/{n}/csv> .
{dist}
"""


def catalogue(*datasets: str, ids: list[int] | None = None, more: str = "") -> str:
    listed = ", ".join(f"<https://data.example/dataset/{n}>" for n in (ids or []))
    links = f"dcat:dataset {listed} ;" if listed else ""
    return f"""{PREFIXES}
<https://data.example/catalog> a dcat:Catalog ;
    dcterms:title "Sjöstads katalog"@sv ;
    dcterms:description "Öppna data"@sv ;
    dcterms:publisher <http://dataportal.se/organisation/SE2120000142> ;
    {links}
    dcterms:license <http://creativecommons.org/publicdomain/zero/1.0/> .
{PUBLISHER}
{more}
{"".join(datasets)}
"""


def simple(*numbers: int, titles: dict[int, str] | None = None) -> str:
    titles = titles or {}
    return catalogue(*(dataset(n, title=titles.get(n)) for n in numbers), ids=list(numbers))
