"""Legacy Central European code pages a detector scores alike, stray NUL bytes, and UTF-8 with a pasted
paragraph in another encoding: decoded right, or said, never silently garbled."""

from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.errors import BinaryInputError
from propwatch.ingest.alphabets import alphabet_fit
from propwatch.ingest.decode import decode_bytes, sniff_binary
from propwatch.settings import Settings

CZECH = (
    "Rusko znovu obviňuje Západ z provokací\n\nNázor\n\n03.02.2022, Praha.\n\n"
    "Ruská propaganda opakuje, že NATO se rozšiřuje na východ a ohrožuje bezpečnost Ruska. "
    "Podle Kremlu jsou Spojené státy odpovědné za veškeré napětí v Evropě. Žádný důkaz však nepředložil.\n\n"
    "Čeští analytici upozorňují, že tyto výroky jsou součástí dlouhodobé dezinformační kampaně, "
    "která má oslabit důvěru občanů v demokratické instituce. Řada médií přebírá tato tvrzení bez ověření.\n"
)
SLOVAK = (
    "Rusko opäť obviňuje Západ z provokácií. Podľa Kremľa sú Spojené štáty zodpovedné za napätie v "
    "Európe. Žiadny dôkaz však nepredložil. Slovenskí analytici upozorňujú, že ide o dezinformačnú kampaň.\n"
)
HUNGARIAN = (
    "Oroszország ismét provokációval vádolja a Nyugatot. A Kreml szerint az Egyesült Államok felelős az "
    "európai feszültségért. Bizonyítékot azonban nem mutatott be. A magyar elemzők szerint ez "
    "dezinformációs kampány része.\n"
)
CROATIAN = (
    "Rusija ponovno optužuje Zapad za provokacije. Prema Kremlju, Sjedinjene Države su odgovorne za "
    "napetosti u Europi. Međutim, nije predočio nikakav dokaz. Hrvatski analitičari upozoravaju da je "
    "riječ o dezinformacijskoj kampanji.\n"
)
ENGLISH = (
    "The US and NATO need such agreements that drive Russia into a corner. Earlier, on Wednesday, the "
    "ministry said the answers did not address its main concerns.\n\n"
) * 3


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path)


# cp1252 reads the same bytes as "obviòuje", "elemzõk"; ISO-8859-15 as "opä» … Podµa … ¹táty".
@pytest.mark.parametrize("text", [CZECH, SLOVAK, HUNGARIAN, CROATIAN], ids=["cs", "sk", "hu", "hr"])
@pytest.mark.parametrize("codec", ["cp1250", "iso8859-2"])
def test_central_european_code_pages_are_not_read_as_cp1252(
    settings: Settings, text: str, codec: str
) -> None:
    assert decode_bytes(text.encode(codec), "article.txt", settings) == text


# Western texts whose cp1250 reading spells Czech or Slovak letters ("ŕ", "č", "ů", "ň"), often beside a
# foreign name ("Orbán", "Viganò"), or a DOS page's Polish ("Nńchster"): a9fec12 read them so.
WESTERN = {
    "fr-orban": "Le Premier ministre hongrois Viktor Orbán est arrivé à Rome. Sa dernière visite remonte à "
    "2019. Orbán a déclaré que la Hongrie s'opposait aux sanctions.\n",
    "it-orban": "Il primo ministro ungherese Viktor Orbán è arrivato a Roma. La sua ultima visita si è "
    "conclusa nel 2019. Orbán ha detto che l'Ungheria si oppone alle sanzioni.\n",
    "fr-derniere": "Viktor Orbán a fait sa dernière visite en 2019. Les chercheurs développent une crème "
    "solaire.\n",
    "it-perche": "Secondo Orbán non c’è stato nulla da fare, perchè la città è già chiusa e non si può più "
    "entrare.\n",
    "it-piu": "Le 16 Più Grandi Bugie che il Governo degli Stati Uniti ha C",
    "de-naechster": "Nächster Inflationsschock! Ein Euro kostet jetzt 117 Cent \n\nEs wird einfach nicht "
    "besser: Die Inflat",
    "de-vigano": "Global Health Governance muss als solches abgelehnt und bekämpft werden.\n\nErzbischof "
    "Viganò: Vertrag der WHO ist ein Angriff auf die nationale Souveränität und Teil eines „globalen Puts",
}


@pytest.mark.parametrize("text", WESTERN.values(), ids=WESTERN.keys())
@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_western_text_keeps_its_code_page(settings: Settings, text: str, codec: str) -> None:
    data = text.encode(codec, errors="replace")
    assert decode_bytes(data, "article.txt", settings) == data.decode(codec)


# Short texts whose few letters the alphabet alone cannot tell apart: "že" is "ľe" in cp1250, Hungarian
# "ő" the word "he", "č." the abbreviation of "číslo".
@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Rusija ponovno optužuje Zapad za provokacije. Prema Kremlju, Sjedinjene Države su", "iso8859-2"),
        ("Kreml tvrdí, že dodávky zbraní jen prodlužují válku.", "iso8859-2"),
        ("Orbán Viktor szerint ő nem fogja támogatni a szankciókat, mert ő a magyar érdeket védi.", "cp1250"),
        ("Podle zákona č. 123/2020 Sb. musí být žádost podána do 30 dnů. Tel. č. úřadu je níže.", "cp1250"),
        ("Nord Stream 2 największym problemem niemieckiej polityki\n\nGa", "cp1250"),
    ],
)
def test_short_central_european_texts_keep_their_code_page(settings: Settings, text: str, codec: str) -> None:
    assert decode_bytes(text.encode(codec), "article.txt", settings) == text


def test_letters_weigh_by_how_common_they_are() -> None:
    french, slovak = (
        alphabet_fit("Orbán est arrivé à Rome, sa dernière"),
        alphabet_fit("Orbán est arrivé ŕ Rome, sa derničre"),
    )
    assert french.languages == {"French"} and french.misfits == 0  # the name's "á" is forgiven
    assert slovak.misfits == 1 and slovak.cost > french.cost + 4  # "ŕ" is no Slovak word, and rare
    assert alphabet_fit("kritizuje, ľe úspory").misfits > alphabet_fit("kritizuje, že úspory").misfits == 0
    assert alphabet_fit("zákon č. 5").misfits == 0
    assert alphabet_fit("mo¿e").misfits == 1  # "¿" is no punctuation inside a word


def test_a_decoding_that_mixes_letters_of_no_one_language_fits_worse() -> None:
    right, wrong = alphabet_fit("obviňuje, přebírá"), alphabet_fit("obviòuje, pøebírá")
    assert right.misfits == 0 and "Czech" in right.languages
    assert wrong.misfits > 0
    assert alphabet_fit("Za¿ó³æ gê¶l¹").misfits > alphabet_fit("Zażółć gęślą").misfits == 0


def test_trailing_nul_padding_is_stripped(settings: Settings) -> None:
    assert decode_bytes(ENGLISH.encode() + b"\x00" * 16, "padded.txt", settings) == ENGLISH


def test_a_stray_nul_is_dropped_and_said(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    data = ENGLISH.replace("Earlier, on", "Earlier,\x00 on", 1).encode()
    with caplog.at_level("WARNING", logger="propwatch.ingest.decode"):
        assert decode_bytes(data, "nul.txt", settings) == ENGLISH
    assert f"nul.txt: 1 NUL byte (the first at byte {data.index(0)}) dropped" in caplog.text


def test_binary_data_full_of_nuls_is_still_refused_saying_where(settings: Settings) -> None:
    data = b"header" + bytes(range(0, 40)) * 20
    with pytest.raises(BinaryInputError, match=r"the first at byte 6\)"):
        decode_bytes(data, "blob.dat", settings)
    assert (
        sniff_binary(b"abc\x00def")
        == "contains NUL bytes (the first at byte 3): looks like binary data, not text"
    )


def test_a_pasted_paragraph_in_another_encoding_is_reported(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    russian = "Москва. Министр иностранных дел России заявил в четверг, что ответы США и НАТО не учитывают."
    pasted = "Российские власти отвергают обвинения".encode("cp1251")
    data = (russian * 3 + "\n\n").encode() + pasted + b"\n"
    with caplog.at_level("WARNING", logger="propwatch.ingest.decode"):
        text = decode_bytes(data, "mixed.txt", settings)
    start = len((russian * 3 + "\n\n").encode())
    assert text.startswith(russian) and "\ufffd" in text
    assert "mixed.txt: " in caplog.text
    assert f"between bytes {start} and {start + len(pasted) - 1} are not valid UTF-8" in caplog.text


# Nordic and Dutch texts whose only letters ä, ö, å, õ, ï, ë a DOS, Mac or HP page reads "more cleanly"
# (hp_roman8's "Pððministeri", cp775's "Oekra’ne", "pÕ"): the Windows or ISO page that spells them wins.
NORDIC = {
    "fi": "Pääministeri sanoi tiistaina, että Suomi jatkaa tukeaan Ukrainalle. Kriitikoiden mukaan tuki on "
    "liian suuri, mutta hallitus kiistää tämän. Kreml kutsui päätöstä provokaatioksi ja uhkasi vastatoimilla "
    "eurooppalaisia yrityksiä vastaan.\n",
    "et": "President ütles teisipäeval, et Eesti jätkab Ukraina toetamist. Kriitikute sõnul on panus liiga "
    "suur, kuid valitsus eitab seda. Kreml nimetas otsust provokatsiooniks ja ähvardas vastumeetmetega.\n",
    "sv": "Statsministern sade på tisdagen att Sverige fortsätter stödet till Ukraina. Enligt kritiker är "
    "bidraget för stort, men regeringen avvisar det. Kreml kallade beslutet en provokation.\n",
    "nl": "De minister zei dinsdag dat Nederland de steun aan Oekraïne voortzet. Volgens critici is de "
    "financiële bijdrage te hoog, maar de regering wijst dat af.\n",
}


@pytest.mark.parametrize("length", [40, 80, 160, None], ids=["40", "80", "160", "all"])
@pytest.mark.parametrize("text", NORDIC.values(), ids=NORDIC.keys())
@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_nordic_text_is_not_read_in_a_dos_mac_or_hp_page(
    settings: Settings, text: str, codec: str, length: int | None
) -> None:
    data = text.encode(codec)[:length]
    assert decode_bytes(data, "article.txt", settings) == data.decode(codec)


@pytest.mark.parametrize("text", NORDIC.values(), ids=NORDIC.keys())
def test_a_long_nordic_text_is_not_read_in_a_dos_mac_or_hp_page(settings: Settings, text: str) -> None:
    assert decode_bytes((text * 8).encode("cp1252"), "article.txt", settings) == text * 8
