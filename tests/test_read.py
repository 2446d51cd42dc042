"""The read stage: every format, every kind of bad input, streaming memory."""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import os
import subprocess
import sys
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from retold.config import ReadConfig
from retold.model import Document, Skipped
from retold.read import (
    document_from_html,
    iter_documents,
    parse_date,
    read_csv,
    read_html,
    read_parquet,
    read_text,
    read_warc,
)

SEEDS = Path(__file__).resolve().parent.parent / "examples" / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
CONFIG = ReadConfig()

TITLE_000 = "Despite a militia warning for December 31, the Pentagon says “US Forces Will Remain in Iraq.”"
TITLE_001 = "Babylon the Great Will Remain in Iraq Despite Militia Warning"
TITLE_004 = "Iraq Announces End of US Combat Mission, but US Says Troops Not Leaving"


def seed(index: int) -> str:
    return SEED_FILES[index].read_bytes().decode("utf-8")


def seed_id(index: int) -> str:
    return SEED_FILES[index].stem


class Skips(list[Skipped]):
    """Collects what the reader reports."""

    def __call__(self, skip: Skipped) -> None:
        self.append(skip)

    def reasons(self) -> list[tuple[str, str, str]]:
        return [(s.path, s.location, s.reason) for s in self]


def read_all(inputs: list[str | os.PathLike[str]], config: ReadConfig = CONFIG) -> tuple[list[Document], Skips]:
    skips = Skips()
    docs = list(iter_documents(inputs, config, skips))
    return docs, skips


def seed_records() -> list[dict[str, object]]:
    return [
        {"id": f"a{i}", "text": seed(i), "title": f"Title {i}", "date": "Nov 23, 2021", "url": f"https://ex.com/{i}"}
        for i in range(len(SEED_FILES))
    ]


def write_jsonl(path: Path, records: list[object]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- text


def test_seed_000_text_title_and_date_exact() -> None:
    skips = Skips()
    [doc] = list(read_text(SEED_FILES[0], CONFIG, skips))
    assert skips == []
    assert doc.id == "000_59eb21ed2f4a8d7b"
    assert doc.path == str(SEED_FILES[0])
    assert doc.location == ""
    assert doc.date == "2021-11-23"
    assert doc.title == TITLE_000
    assert doc.text == seed(0)
    assert doc.text.startswith(" date 2021-11-23 Despite")


def test_seed_titles_without_date_line() -> None:
    docs, skips = read_all([SEEDS])
    assert skips == []
    by_id = {d.id: d for d in docs}
    assert [d.id for d in docs] == [p.stem for p in SEED_FILES]
    assert by_id[seed_id(1)].title == TITLE_001
    assert by_id[seed_id(1)].date is None
    assert by_id[seed_id(2)].date == "2021-11-20"
    assert by_id[seed_id(4)].title == TITLE_004
    assert by_id[seed_id(4)].text.startswith("\n\nIraq Announces")
    for index, doc in enumerate(docs):
        assert doc.text == seed(index)


def test_markdown_title_drops_heading_marks(tmp_path: Path) -> None:
    body = "\n# Babylon the Great Will Remain in Iraq #\n\nUS troops train at Al Asad.\n"
    (tmp_path / "story.md").write_text(body, encoding="utf-8")
    [doc], skips = read_all([tmp_path / "story.md"])
    assert skips == []
    assert (doc.id, doc.title, doc.text) == ("story", "Babylon the Great Will Remain in Iraq", body)


def test_byte_order_mark_is_dropped_and_nothing_else(tmp_path: Path) -> None:
    text = seed(3).replace("\n", "\r\n")
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    [doc], _ = read_all([tmp_path / "bom.txt"])
    assert doc.text == text
    assert doc.title == "Iraqi Resistance Vows To Expel All Remaining US Forces From The Country"


def test_configured_encoding(tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes("Café in Baghdad\n\nA story.\n".encode("latin-1"))
    (tmp_path / "wide.txt").write_bytes("Wide title\n\nA story.\n".encode("utf-16"))
    [doc], skips = read_all([tmp_path / "latin.txt"], ReadConfig(encoding="latin-1"))
    assert (doc.title, doc.text, skips) == ("Café in Baghdad", "Café in Baghdad\n\nA story.\n", [])
    [doc], skips = read_all([tmp_path / "wide.txt"], ReadConfig(encoding="utf-16"))
    assert (doc.title, doc.text, skips) == ("Wide title", "Wide title\n\nA story.\n", [])


def test_multibyte_file_over_limit_in_bytes_but_not_in_chars(tmp_path: Path) -> None:
    text = "é" * 150
    (tmp_path / "accents.txt").write_text(text, encoding="utf-8")  # 300 bytes, 150 chars
    [doc], skips = read_all([tmp_path / "accents.txt"], ReadConfig(max_chars=200))
    assert (doc.text, skips) == (text, [])


# --------------------------------------------------------------------------- records


def test_jsonl_records_and_metadata(tmp_path: Path) -> None:
    records = seed_records()
    del records[1]["id"]
    records[2]["outlet"] = "  The  Washington\tNewsday "
    records[2]["author"] = "Tom O'Connor"
    path = tmp_path / "news.jsonl"
    path.write_text(
        json.dumps(records[0]) + "\n" + json.dumps(records[1]) + "\n\n   \n" + json.dumps(records[2]) + "\n",
        encoding="utf-8",
    )
    docs, skips = read_all([path])
    assert skips == []
    assert [(d.id, d.location) for d in docs] == [("a0", "line 1"), ("news:2", "line 2"), ("a2", "line 5")]
    assert [d.text for d in docs] == [seed(0), seed(1), seed(2)]
    assert docs[0].title == "Title 0"
    assert docs[0].date == "2021-11-23"
    assert docs[0].url == "https://ex.com/0"
    assert docs[2].outlet == "The Washington Newsday"
    assert docs[2].byline == "Tom O'Connor"
    assert all(d.path == str(path) for d in docs)


def test_jsonl_configured_field_names(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "custom.ndjson",
        [{"doc": 17, "body": seed(1), "headline": "H", "published": 1637661600, "site": "Newsweek"}],
    )
    config = ReadConfig(
        text_field="body", id_field="doc", title_field="headline", date_field="published", outlet_field="site"
    )
    [doc], skips = read_all([path], config)
    assert skips == []
    assert (doc.id, doc.text, doc.title, doc.date, doc.outlet) == (
        "17",
        seed(1),
        "H",
        "2021-11-23T10:00:00Z",
        "Newsweek",
    )


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".json.gz", ".jsonl.zst", ".jsonl.zstd"])
def test_compressed_jsonl(tmp_path: Path, suffix: str) -> None:
    data = "".join(json.dumps(r) + "\n" for r in seed_records()).encode("utf-8")
    packed = gzip.compress(data) if suffix.endswith(".gz") else zstandard.ZstdCompressor().compress(data)
    path = tmp_path / f"news{suffix}"
    path.write_bytes(packed)
    docs, skips = read_all([path])
    assert skips == []
    assert [d.id for d in docs] == [f"a{i}" for i in range(len(SEED_FILES))]
    assert [d.text for d in docs] == [seed(i) for i in range(len(SEED_FILES))]
    assert docs[3].location == "line 4"


def test_zstd_several_frames_read_as_one_stream(tmp_path: Path) -> None:
    records = seed_records()
    frames = [zstandard.ZstdCompressor().compress((json.dumps(r) + "\n").encode()) for r in records]
    (tmp_path / "frames.jsonl.zst").write_bytes(b"".join(frames))
    docs, skips = read_all([tmp_path / "frames.jsonl.zst"])
    assert (len(docs), skips) == (len(records), [])


def test_json_array(tmp_path: Path) -> None:
    records = seed_records()[:3]
    del records[2]["id"]
    path = tmp_path / "array.json"
    path.write_text(json.dumps(records, indent=2), encoding="utf-8")
    docs, skips = read_all([path])
    assert skips == []
    assert [(d.id, d.location) for d in docs] == [("a0", "record 1"), ("a1", "record 2"), ("array:3", "record 3")]
    assert [d.text for d in docs] == [seed(0), seed(1), seed(2)]


def test_json_array_larger_than_read_chunks(tmp_path: Path) -> None:
    records = [{"id": f"r{i}", "text": seed(i % 5) + f" #{i}"} for i in range(200)]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(records), encoding="utf-8")  # about 1 MB: many chunks
    docs, skips = read_all([path])
    assert skips == []
    assert [d.text for d in docs] == [r["text"] for r in records]


def test_json_objects_one_after_another(tmp_path: Path) -> None:
    first, second = seed_records()[:2]
    path = tmp_path / "pretty.json"
    path.write_text(json.dumps(first, indent=2) + "\n" + json.dumps(second, indent=2) + "\n", encoding="utf-8")
    docs, skips = read_all([path])
    assert skips == []
    assert [(d.id, d.location, d.text) for d in docs] == [("a0", "line 1", seed(0)), ("a1", "line 8", seed(1))]


def test_csv_and_tsv(tmp_path: Path) -> None:
    records = seed_records()
    del records[1]["id"]
    for name, delimiter in (("news.csv", ","), ("news.tsv", "\t")):
        with open(tmp_path / name, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, ["id", "title", "date", "url", "text"], delimiter=delimiter)
            writer.writeheader()
            writer.writerows(records)
            handle.write("\r\n")  # a blank row is no row
        skips = Skips()
        reader_docs = list(read_csv(tmp_path / name, CONFIG, skips))
        assert skips == []
        stem = name.split(".")[0]
        assert [(d.id, d.location) for d in reader_docs] == [
            ("a0", "row 1"),
            (f"{stem}:2", "row 2"),
            ("a2", "row 3"),
            ("a3", "row 4"),
            ("a4", "row 5"),
        ]
        assert [d.text for d in reader_docs] == [seed(i) for i in range(5)]
        assert reader_docs[0].title == "Title 0"
        assert reader_docs[0].date == "2021-11-23"


def test_csv_field_longer_than_csv_default_limit(tmp_path: Path) -> None:
    text = seed(4) * 40  # 260 kB: over csv's 128 kB default field limit
    with open(tmp_path / "long.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["id", "text"], ["long", text]])
    [doc], skips = read_all([tmp_path / "long.csv"])
    assert (doc.text, skips) == (text, [])


def test_parquet(tmp_path: Path) -> None:
    table = pa.table(
        {
            "id": ["p0", None, "p2"],
            "text": [seed(0), seed(1), seed(2)],
            "title": ["T0", "T1", None],
            "date": pa.array([datetime(2021, 11, 23, tzinfo=UTC), None, None], pa.timestamp("s", tz="UTC")),
            "extra": [1, 2, 3],
        }
    )
    path = tmp_path / "news.parquet"
    pq.write_table(table, path, row_group_size=2)
    skips = Skips()
    docs = list(read_parquet(path, CONFIG, skips))
    assert skips == []
    assert [(d.id, d.location, d.title) for d in docs] == [
        ("p0", "record 1", "T0"),
        ("news:2", "record 2", "T1"),
        ("p2", "record 3", None),
    ]
    assert [d.text for d in docs] == [seed(0), seed(1), seed(2)]
    assert docs[0].date == "2021-11-23T00:00:00Z"


# --------------------------------------------------------------------------- html and warc


def article_page(index: int, *, dated: bool = True, site: str = "The Cradle") -> tuple[str, str]:
    """An HTML page carrying seed ``index`` and the main text trafilatura should find."""
    title, *paragraphs = [p.strip() for p in seed(index).split("\n\n") if p.strip()]
    meta = '<meta property="article:published_time" content="2021-12-29T08:30:00+00:00">' if dated else ""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} | {site}</title>
<meta property="og:site_name" content="{site}"><meta name="author" content="Jane Reporter">{meta}
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<article><h1>{html.escape(title)}</h1>
{body}
</article>
<footer><p>Copyright 2021 {site}. All rights reserved.</p></footer>
</body></html>"""
    return page, "\n".join([title, *paragraphs])


def test_html_page(tmp_path: Path) -> None:
    page, expected = article_page(3)
    (tmp_path / "cradle.html").write_text(page, encoding="utf-8")
    skips = Skips()
    [doc] = list(read_html(tmp_path / "cradle.html", CONFIG, skips))
    assert skips == []
    assert doc.id == "cradle"
    assert doc.text == expected
    assert doc.title == "Iraqi Resistance Vows To Expel All Remaining US Forces From The Country"
    assert (doc.date, doc.outlet, doc.byline, doc.url) == ("2021-12-29", "The Cradle", "Jane Reporter", None)
    assert "Copyright" not in doc.text and "Home" not in doc.text


def test_document_from_html_uses_given_url_and_fallback_date() -> None:
    page, expected = article_page(3, dated=False)
    doc = document_from_html(page, "crawl.warc", "record 7", "https://ex.com/a", doc_id="x", date="Nov 22, 2021")
    assert doc is not None
    assert (doc.id, doc.location, doc.url, doc.date, doc.text) == (
        "x",
        "record 7",
        "https://ex.com/a",
        "2021-11-22",
        expected,
    )
    assert document_from_html("<html><body></body></html>", "p.html", "") is None


def build_warc(path: Path, *, compress: bool) -> list[str]:
    """Two HTML responses, a PNG, a request and a 404; returns the two HTML record ids."""
    ids = []
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=compress)

        def response(uri: str, payload: bytes, content_type: str, status: str = "200 OK", date: str = "") -> str:
            http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            headers = {"WARC-Date": date} if date else None
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(payload), http_headers=http, warc_headers_dict=headers
            )
            writer.write_record(record)
            return record.rec_headers.get_header("WARC-Record-ID")

        request = writer.create_warc_record(
            "https://ex.com/one",
            "request",
            payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders("GET /one HTTP/1.1", [("Host", "ex.com")], is_http_request=True),
        )
        writer.write_record(request)
        page_one, _ = article_page(0, dated=True)
        ids.append(response("https://ex.com/one", page_one.encode(), "text/html; charset=utf-8"))
        response("https://ex.com/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
        page_two, _ = article_page(3, dated=False, site="Newsweek")
        ids.append(response("https://ex.com/two", page_two.encode(), "text/html", date="2021-11-20T09:15:00Z"))
        response("https://ex.com/missing", b"<html><body><p>Not found</p></body></html>", "text/html", "404 Not Found")
    return ids


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    record_ids = build_warc(path, compress=name.endswith(".gz"))
    skips = Skips()
    docs = list(read_warc(path, CONFIG, skips))
    assert skips == []
    assert [d.id for d in docs] == [rid.removeprefix("<urn:uuid:").removesuffix(">") for rid in record_ids]
    assert [(d.location, d.url) for d in docs] == [
        ("record 2", "https://ex.com/one"),
        ("record 4", "https://ex.com/two"),
    ]
    assert docs[0].text == article_page(0)[1]
    assert docs[1].text == article_page(3)[1]
    assert docs[0].date == "2021-12-29"  # from the page
    assert docs[1].date == "2021-11-20T09:15:00Z"  # from WARC-Date: the page has none
    assert docs[1].outlet == "Newsweek"


# --------------------------------------------------------------------------- inputs


def test_folder_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    for relative, index in (("b/2.txt", 1), ("a.txt", 0), ("b/1.md", 2), (".hidden/x.txt", 3), (".draft.txt", 4)):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(seed(index), encoding="utf-8")
    (root / "logo.png").write_bytes(b"\x89PNG\r\n")
    (root / "README").write_text("notes")
    (root / "c").mkdir()
    (root / "c" / "gold.json").write_text('{"pairs": [["a", "b"]]}')
    docs, skips = read_all([root])
    assert [(d.id, d.path) for d in docs] == [
        ("a", str(root / "a.txt")),
        ("1", str(root / "b" / "1.md")),
        ("2", str(root / "b" / "2.txt")),
    ]
    assert skips.reasons() == [(str(root / "c" / "gold.json"), "line 1", "no 'text' field")]


def test_globs(tmp_path: Path) -> None:
    for name, index in (("z.txt", 0), ("m.txt", 1), ("sub/deep.txt", 2), ("sub/n.jsonl", 3)):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(seed(index), encoding="utf-8")
    write_jsonl(tmp_path / "sub" / "n.jsonl", [{"id": "j", "text": seed(3)}])
    docs, skips = read_all([str(tmp_path / "*.txt"), str(tmp_path / "**" / "*.jsonl"), str(tmp_path / "*.nope")])
    assert [d.id for d in docs] == ["m", "z", "j"]
    assert skips.reasons() == [(str(tmp_path / "*.nope"), "", "no files match this pattern")]
    docs, skips = read_all([str(tmp_path / "**")])
    assert [d.id for d in docs] == ["m", "deep", "j", "z"]
    assert skips == []


def test_stdin_jsonl(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = "\n  " + "".join(json.dumps({"text": seed(i)}) + "\n" for i in range(2))
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines))
    docs, skips = read_all(["-"])
    assert skips == []
    assert [(d.id, d.path, d.location, d.text) for d in docs] == [
        ("stdin:2", "<stdin>", "line 2", seed(0)),
        ("stdin:3", "<stdin>", "line 3", seed(1)),
    ]


def test_stdin_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(seed(0)))
    [doc], skips = read_all(["-"])
    assert skips == []
    assert (doc.id, doc.text, doc.title, doc.date) == ("stdin", seed(0), TITLE_000, "2021-11-23")


def test_stdin_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbf" + seed(4).encode("utf-8")), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", raw)
    [doc], skips = read_all(["-"])
    assert (doc.id, doc.text, doc.title, skips) == ("stdin", seed(4), TITLE_004, [])


def test_stdin_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("  \n\n"))
    docs, skips = read_all(["-"])
    assert (docs, skips.reasons()) == ([], [("<stdin>", "", "empty file")])


# --------------------------------------------------------------------------- bad input


def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "good.txt"
    path.write_text(seed(1), encoding="utf-8")
    return path


def test_missing_path_is_reported_and_run_goes_on(tmp_path: Path) -> None:
    docs, skips = read_all([tmp_path / "nope.txt", good_file(tmp_path)])
    assert [d.id for d in docs] == ["good"]
    assert skips.reasons() == [(str(tmp_path / "nope.txt"), "", "no such file or directory")]


def test_a_single_path_is_one_input_not_a_sequence_of_characters(tmp_path: Path) -> None:
    skips = Skips()
    docs = list(iter_documents(str(good_file(tmp_path)), CONFIG, skips))  # type: ignore[arg-type]
    assert ([d.id for d in docs], skips) == (["good"], [])


@pytest.mark.parametrize(
    "content",
    [b"Title\n\x00\x01\x02binary", bytes(range(1, 8)) * 200 + b"some text"],
    ids=["nul", "control"],
)
def test_binary_file(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "blob.txt").write_bytes(content)
    docs, skips = read_all([tmp_path / "blob.txt", good_file(tmp_path)])
    assert [d.id for d in docs] == ["good"]
    assert skips.reasons() == [(str(tmp_path / "blob.txt"), "", "binary file, not text")]


def test_binary_jsonl(tmp_path: Path) -> None:
    (tmp_path / "blob.jsonl").write_bytes(b'{"text": "a"}\n\x00\x00\x00')
    _, skips = read_all([tmp_path / "blob.jsonl"])
    assert skips.reasons() == [(str(tmp_path / "blob.jsonl"), "", "binary file, not text")]


def test_undecodable_text_file(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"Title\n\nok line\nbad \xff byte\n")
    docs, skips = read_all([tmp_path / "bad.txt", good_file(tmp_path)])
    assert [d.id for d in docs] == ["good"]
    assert skips.reasons() == [(str(tmp_path / "bad.txt"), "", "not valid utf-8 at line 4")]


def test_undecodable_large_text_file_is_found_while_streaming(tmp_path: Path) -> None:
    data = b"line\n" * 30_000 + b"bad \xc3( byte\n" + b"more\n" * 10
    (tmp_path / "bad.txt").write_bytes(data)
    _, skips = read_all([tmp_path / "bad.txt"], ReadConfig(max_chars=100_000))
    assert skips.reasons() == [(str(tmp_path / "bad.txt"), "", "not valid utf-8 at line 30001")]


def test_undecodable_jsonl_line_costs_one_record(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(
        json.dumps({"id": "a", "text": seed(0)}).encode()
        + b'\n{"id": "b", "text": "caf\xe9"}\n'
        + json.dumps({"id": "c", "text": seed(2)}).encode()
        + b"\n"
    )
    docs, skips = read_all([path])
    assert [d.id for d in docs] == ["a", "c"]
    assert skips.reasons() == [(str(path), "line 2", "not valid utf-8 at line 2")]


def test_undecodable_csv_line_ends_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"id,text\na,first story\nb,caf\xe9\nc,third story\n")
    docs, skips = read_all([path])
    assert [d.id for d in docs] == ["a"]
    assert skips.reasons() == [(str(path), "row 2", "not valid utf-8 at line 3")]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        *((f"zero.{ext}", b"") for ext in ("txt", "md", "jsonl", "json", "csv", "html", "parquet", "warc")),
        *((f"blank.{ext}", b"  \n\t\r\n  ") for ext in ("txt", "jsonl", "json", "csv", "tsv", "html")),
    ],
)
def test_empty_file(tmp_path: Path, name: str, content: bytes) -> None:
    (tmp_path / name).write_bytes(content)
    docs, skips = read_all([tmp_path / name, good_file(tmp_path)])
    assert [d.id for d in docs] == ["good"]
    assert skips.reasons() == [(str(tmp_path / name), "", "empty file")]


def test_empty_compressed_jsonl(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl.gz").write_bytes(gzip.compress(b"\n\n"))
    _, skips = read_all([tmp_path / "empty.jsonl.gz"])
    assert skips.reasons() == [(str(tmp_path / "empty.jsonl.gz"), "", "empty file")]


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_truncated_compressed_jsonl(tmp_path: Path, suffix: str) -> None:
    lines = [json.dumps({"id": f"r{i}", "text": f"{seed(i % 5)[:200]} {i}"}) + "\n" for i in range(3000)]
    data = "".join(lines).encode()
    packed = gzip.compress(data) if suffix.endswith(".gz") else zstandard.ZstdCompressor().compress(data)
    path = tmp_path / f"cut{suffix}"
    path.write_bytes(packed[: len(packed) // 2])
    docs, skips = read_all([path, good_file(tmp_path)])
    news = [d for d in docs if d.id != "good"]
    assert 0 < len(news) < 3000
    assert [d.id for d in news] == [f"r{i}" for i in range(len(news))]
    assert docs[-1].id == "good"
    assert skips.reasons() == [(str(path), "", f"truncated or corrupt compressed data after line {len(news)}")]


def test_truncated_warc_gz(tmp_path: Path) -> None:
    path = tmp_path / "cut.warc.gz"
    build_warc(path, compress=True)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) - 40])  # the last record, the 404, is cut
    docs, skips = read_all([path])
    assert [d.url for d in docs] == ["https://ex.com/one", "https://ex.com/two"]
    assert skips.reasons() == [(str(path), "", "truncated or corrupt compressed data after record 4")]


def test_truncated_plain_warc(tmp_path: Path) -> None:
    path = tmp_path / "cut.warc"
    build_warc(path, compress=False)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) - 30])
    docs, skips = read_all([path])
    assert [d.url for d in docs] == ["https://ex.com/one", "https://ex.com/two"]
    assert skips.reasons() == [(str(path), "record 5", "truncated WARC data in record 5")]


def test_invalid_json_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text(
        json.dumps({"id": "a", "text": seed(0)}) + "\n{not json}\n" + json.dumps({"id": "c", "text": seed(1)}) + "\n"
    )
    docs, skips = read_all([path])
    assert [d.id for d in docs] == ["a", "c"]
    assert skips.reasons() == [
        (str(path), "line 2", "not valid JSON: Expecting property name enclosed in double quotes at column 2")
    ]


def test_invalid_json_array_element_ends_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[{"id": "a", "text": "one"},\n {"id": "b", "text": nope}, {"id": "c", "text": "x"}]')
    docs, skips = read_all([path])
    assert [d.id for d in docs] == ["a"]
    assert skips.reasons() == [(str(path), "record 2", "not valid JSON: Expecting value at line 2")]


def test_truncated_gzip_json_array(tmp_path: Path) -> None:
    records = [{"id": f"j{i}", "text": f"{seed(i % 5)[:200]} {i}"} for i in range(3000)]
    data = json.dumps(records).encode()
    packed = gzip.compress(data)
    path = tmp_path / "cut.json.gz"
    path.write_bytes(packed[: len(packed) // 2])
    docs, skips = read_all([path])
    assert 0 < len(docs) < 3000
    assert [d.id for d in docs] == [f"j{i}" for i in range(len(docs))]
    assert skips.reasons() == [(str(path), "", f"truncated or corrupt compressed data after record {len(docs)}")]


def test_undecodable_json_keeps_the_records_before(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(b'[{"id": "a", "text": "one"},\n {"id": "b", "text": "caf\xe9"}, {"id": "c", "text": "x"}]')
    docs, skips = read_all([path])
    assert [d.id for d in docs] == ["a"]
    assert skips.reasons() == [(str(path), "", "not valid utf-8 at line 2")]


def test_utf16_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "wide.jsonl"
    path.write_bytes("".join(json.dumps({"id": f"w{i}", "text": seed(i)}) + "\n" for i in range(2)).encode("utf-16"))
    docs, skips = read_all([path], ReadConfig(encoding="utf-16"))
    assert skips == []
    assert [(d.id, d.location, d.text) for d in docs] == [("w0", "line 1", seed(0)), ("w1", "line 2", seed(1))]


@pytest.mark.parametrize(
    "record",
    [[1, 2], "text", {"id": "x"}, {"id": "x", "text": ""}, {"id": "x", "text": "  \n "}, {"id": "x", "text": 42}],
    ids=["array", "string", "missing", "empty", "blank", "number"],
)
def test_record_without_text(tmp_path: Path, record: object) -> None:
    path = write_jsonl(tmp_path / "records.jsonl", [{"id": "a", "text": seed(0)}, record, {"id": "c", "text": seed(1)}])
    docs, skips = read_all([path])
    assert [d.id for d in docs] == ["a", "c"]
    assert skips.reasons() == [(str(path), "line 2", "no 'text' field")]


def test_record_without_configured_text_field(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "records.jsonl", [{"body": seed(0)}, {"text": seed(1)}])
    docs, skips = read_all([path], ReadConfig(text_field="body"))
    assert [d.id for d in docs] == ["records:1"]
    assert skips.reasons() == [(str(path), "line 2", "no 'body' field")]


def test_missing_text_column(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("id,body,date\n1,hello,2021-01-01\n")
    (tmp_path / "b.tsv").write_text("id\tbody\n1\thello\n")
    pq.write_table(pa.table({"id": ["1"], "body": ["hello"]}), tmp_path / "c.parquet")
    docs, skips = read_all([tmp_path / "a.csv", tmp_path / "b.tsv", tmp_path / "c.parquet", good_file(tmp_path)])
    assert [d.id for d in docs] == ["good"]
    assert skips.reasons() == [
        (str(tmp_path / "a.csv"), "", "no column 'text' (columns: id, body, date)"),
        (str(tmp_path / "b.tsv"), "", "no column 'text' (columns: id, body)"),
        (str(tmp_path / "c.parquet"), "", "no column 'text' (columns: id, body)"),
    ]


def test_html_without_main_text(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_text("<html><head><title>Nothing</title></head><body></body></html>")
    docs, skips = read_all([tmp_path / "empty.html", good_file(tmp_path)])
    assert [d.id for d in docs] == ["good"]
    assert skips.reasons() == [(str(tmp_path / "empty.html"), "", "no main text found in HTML")]


def test_text_file_too_large(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text(seed(0), encoding="utf-8")
    chars = len(seed(0))
    docs, skips = read_all([tmp_path / "big.txt", good_file(tmp_path)], ReadConfig(max_chars=chars - 1))
    assert [d.id for d in docs] == []  # good.txt (5149 chars) is over the limit too
    assert skips.reasons()[0] == (
        str(tmp_path / "big.txt"),
        "",
        f"document too large ({chars} chars > limit {chars - 1})",
    )


def test_huge_text_file_is_measured_not_loaded(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    line = b"crawl accident " * 60 + b"\n"
    with open(path, "wb") as handle:
        for _ in range(30_000_000 // len(line)):
            handle.write(line)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        docs, skips = read_all([path], ReadConfig(max_chars=1_000_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert docs == []
    assert skips.reasons() == [(str(path), "", f"document too large ({size} chars > limit 1000000)")]
    assert peak < 8_000_000


def test_jsonl_line_too_large(tmp_path: Path) -> None:
    long_line = json.dumps({"id": "big", "text": "x" * 5000})
    middle = json.dumps({"id": "mid", "text": "y" * 1500})
    path = tmp_path / "lines.jsonl"
    path.write_text(
        json.dumps({"id": "a", "text": "first"})
        + "\n"
        + long_line
        + "\n"
        + middle
        + "\n"
        + '{"id": "c", "text": "z"}\n'
    )
    docs, skips = read_all([path], ReadConfig(max_chars=1000))
    assert [d.id for d in docs] == ["a", "c"]
    assert skips.reasons() == [
        (str(path), "line 2", f"document too large ({len(long_line)} chars > limit 1000)"),
        (str(path), "line 3", f"document too large ({len(middle)} chars > limit 1000)"),
    ]


def test_repeated_id(tmp_path: Path) -> None:
    (tmp_path / "dup.txt").write_text(seed(0), encoding="utf-8")
    path = write_jsonl(
        tmp_path / "more.jsonl",
        [{"id": "x", "text": seed(1)}, {"id": "dup", "text": seed(2)}, {"id": "x", "text": seed(3)}],
    )
    docs, skips = read_all([tmp_path / "dup.txt", path])
    assert [(d.id, d.text) for d in docs] == [("dup", seed(0)), ("x", seed(1))]
    assert skips.reasons() == [
        (str(path), "line 2", f"repeated id 'dup' (first seen at {tmp_path / 'dup.txt'})"),
        (str(path), "line 3", f"repeated id 'x' (first seen at {path}:line 1)"),
    ]


def test_unsupported_extension(tmp_path: Path) -> None:
    (tmp_path / "notes.xyz").write_text("hello")
    (tmp_path / "archive.tar.gz").write_bytes(gzip.compress(b"x"))
    docs, skips = read_all([tmp_path / "notes.xyz", tmp_path / "archive.tar.gz", good_file(tmp_path)])
    assert [d.id for d in docs] == ["good"]
    assert skips.reasons() == [
        (str(tmp_path / "notes.xyz"), "", "unsupported file type '.xyz'"),
        (str(tmp_path / "archive.tar.gz"), "", "unsupported file type '.tar.gz'"),
    ]


def test_corrupt_parquet_and_warc(tmp_path: Path) -> None:
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    (tmp_path / "bad.warc").write_bytes(b"not a warc\n")
    docs, skips = read_all([tmp_path / "bad.parquet", tmp_path / "bad.warc", good_file(tmp_path)])
    assert [d.id for d in docs] == ["good"]
    assert [(s.path, s.location) for s in skips] == [
        (str(tmp_path / "bad.parquet"), ""),
        (str(tmp_path / "bad.warc"), ""),
    ]
    assert skips[0].reason.startswith("not a valid Parquet file: ")
    assert skips[1].reason.startswith("not a valid WARC file: ")


def test_an_on_skip_that_raises_stops_the_run(tmp_path: Path) -> None:
    class Strict(Exception):
        pass

    calls: list[Skipped] = []

    def strict(skip: Skipped) -> None:
        calls.append(skip)
        raise Strict(skip.reason)

    path = write_jsonl(tmp_path / "r.jsonl", [{"id": "a", "text": "one"}, {"id": "b"}])
    with pytest.raises(Strict, match="no 'text' field"):
        list(iter_documents([path], CONFIG, strict))
    assert len(calls) == 1


# --------------------------------------------------------------------------- streaming and dates


_MEASURE_READ = """
import json, resource, sys
from retold.config import ReadConfig
from retold.read import iter_documents

unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is in bytes there, kB elsewhere
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
skips = []
count = sum(1 for _ in iter_documents([sys.argv[1]], ReadConfig(), skips.append))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"count": count, "skips": len(skips), "growth": (after - before) * unit}))
"""


def test_streaming_200k_lines_keeps_memory_low(tmp_path: Path) -> None:
    # Peak resident memory of a fresh interpreter: tracemalloc would measure the same
    # thing here but slows 200k records fivefold.
    pytest.importorskip("resource")
    path = tmp_path / "stream.jsonl"
    paragraph = "The Pentagon says US forces will remain in Iraq after combat operations end. " * 3
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(200_000):
            handle.write(json.dumps({"id": f"s{i}", "text": f"{paragraph}{i}"}) + "\n")
    assert path.stat().st_size > 45_000_000
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE_READ, str(path)], capture_output=True, text=True, check=True, timeout=120
    )
    measured = json.loads(result.stdout)
    assert (measured["count"], measured["skips"]) == (200_000, 0)
    # Holding the documents would take over 90 MB; what grows is the map of ids
    # seen (about 130 bytes a document).
    assert measured["growth"] < 50_000_000


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-11-23", "2021-11-23"),
        ("2021-11-23T10:00:00Z", "2021-11-23T10:00:00Z"),
        ("2021-11-23T10:00:00+02:00", "2021-11-23T10:00:00+02:00"),
        ("Nov 23, 2021", "2021-11-23"),
        ("November 23, 2021", "2021-11-23"),
        ("23 November 2021", "2021-11-23"),
        ("Tuesday, November 23rd, 2021", "2021-11-23"),
        ("Sept. 5, 2021", "2021-09-05"),
        ("12/31/2021", "2021-12-31"),
        ("31/12/2021", "2021-12-31"),
        ("Tue, 23 Nov 2021 10:00:00 GMT", "2021-11-23T10:00:00Z"),
        ("Nov 23, 2021 3:05 p.m.", "2021-11-23T15:05:00"),
        (1637661600, "2021-11-23T10:00:00Z"),
        (1637661600000, "2021-11-23T10:00:00Z"),
        ("1637661600", "2021-11-23T10:00:00Z"),
        (datetime(2021, 11, 23, tzinfo=UTC), "2021-11-23T00:00:00Z"),
        ("yesterday", None),
        ("13/13/2021", None),
        ("", None),
        (None, None),
        (True, None),
        (float("nan"), None),
        ([2021, 11, 23], None),
    ],
)
def test_parse_date(value: object, expected: str | None) -> None:
    assert parse_date(value) == expected
