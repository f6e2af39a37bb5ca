"""Hostile input at the reading layer: special files, endless streams, odd JSON, slow servers.

Real FIFOs, devices, symlinks and local HTTP servers; commands that would hang or flood memory
if the guard regressed run in a subprocess with a timeout, so a regression fails, not hangs.
"""

from __future__ import annotations

import json
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from cli_checks import one_line_error

from storylens import config
from storylens.errors import InputError
from storylens.ingest import read, read_text
from storylens.ingest.feeds import looks_like_feed
from storylens.ingest.fetch import check_url, fetch
from storylens.ingest.folder import Failure, iter_articles
from storylens.model import Article

REPO = Path(__file__).resolve().parents[1]
ARTICLE = "Passau - Die Donau ist über die Ufer getreten, sagte der Bürgermeister am Montag."


def run(*args: str, stdin: object = None, config_file: Path | None = None, cwd: Path = REPO):
    env = dict(os.environ)
    env.pop("STORYLENS_CONFIG", None)
    if config_file is not None:
        env["STORYLENS_CONFIG"] = str(config_file)
    return subprocess.run(
        [sys.executable, "-m", "storylens", *args], cwd=cwd, env=env, stdin=stdin,
        capture_output=True, text=True, timeout=120,
    )


@pytest.fixture
def small_limits(tmp_path, monkeypatch):
    """input.max_bytes = 1000 and input.fetch_timeout = 1, for this process and subprocesses."""
    path = tmp_path / "limits.toml"
    path.write_text("[input]\nmax_bytes = 1000\nfetch_timeout = 1.0\n", "utf-8")
    monkeypatch.setenv("STORYLENS_CONFIG", str(path))
    config.settings.cache_clear()
    yield path
    monkeypatch.delenv("STORYLENS_CONFIG")
    config.settings.cache_clear()


def split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Failure)]


# 1. Special files and streams -------------------------------------------------------------


def test_fifo_and_device_are_refused_unopened(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (tmp_path / "via-link.txt").symlink_to(fifo)
    # Opening the FIFO for reading would block until a writer came: these must return at once.
    for command in (("analyze", str(fifo)), ("ner", str(fifo)), ("analyze", str(tmp_path / "via-link.txt"))):
        one_line_error(run(*command), "[E001]", "not a regular file (a named pipe)")
    one_line_error(run("compare", "/dev/zero", str(REPO / "examples" / "flood_b.txt")),
                   "[E001] Cannot read /dev/zero: not a regular file (a character device)")
    proc = run("ingest", "--db", str(tmp_path / "x.db"), str(fifo), "/dev/zero")
    one_line_error(proc, "nothing ingested")
    assert "pipe.txt: not a regular file (a named pipe)" in proc.stderr
    assert "/dev/zero: not a regular file (a character device)" in proc.stderr


def test_special_files_in_a_folder_are_reported_and_the_rest_is_read(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE, "utf-8")
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    script = (
        "import sys\nfrom storylens.ingest.folder import iter_articles\n"
        "for item in iter_articles([sys.argv[1]]):\n"
        "    print(type(item).__name__, getattr(item, 'reason', ''))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(folder)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "Article "
    assert lines[1].startswith("Failure [E001]") and "pipe.txt: not a regular file (a named pipe)" in lines[1]
    assert lines[2].startswith("Failure [E001]") and "zero.txt: not a regular file (a character device)" in lines[2]
    assert len(lines) == 3


@pytest.mark.parametrize("command", [("analyze", "-"), ("ner", "-"), ("ingest", "--db", "{db}", "-")])
def test_endless_stdin_is_cut_at_the_limit(tmp_path, small_limits, command):
    args = [a.replace("{db}", str(tmp_path / "x.db")) for a in command]
    with open("/dev/zero", "rb") as endless:
        proc = run(*args, stdin=endless, config_file=small_limits)
    one_line_error(proc, "[E005] <stdin> is more than 1000 bytes, above the limit of 1000 bytes")


def test_stdin_below_the_limit_is_read(tmp_path, small_limits):
    text = tmp_path / "in.txt"
    text.write_text(ARTICLE, "utf-8")
    with open(text, "rb") as stdin:
        proc = run("analyze", "-", "--json", stdin=stdin, config_file=small_limits)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["id"] == read_text(ARTICLE).id


def test_a_jsonl_line_above_the_limit_is_one_failure(tmp_path, small_limits):
    dump = tmp_path / "dump.jsonl"
    lines = [{"text": ARTICLE}, {"text": ARTICLE + " " + "x" * 3000}, {"text": ARTICLE + " Zwei."}]
    dump.write_text("\n".join(json.dumps(r) for r in lines) + "\n", "utf-8")
    articles, failures = split(iter_articles([dump]))
    assert [a.text for a in articles] == [ARTICLE, ARTICLE + " Zwei."]
    assert [f.source for f in failures] == [f"{dump} line 2"]
    assert "[E005]" in failures[0].reason and "more than 1000 bytes" in failures[0].reason


# 2. Lone surrogates and control characters --------------------------------------------------


def test_json_surrogates_and_controls_are_cleaned(tmp_path):
    path = tmp_path / "a.json"
    record = {"text": f"{ARTICLE} \ud800 \x00Ende\x1b.", "title": "T\x00x\udc00", "source": "Zei\x07tung"}
    path.write_text(json.dumps(record), "utf-8")
    assert "\\ud800" in path.read_text("utf-8") and "\\u0000" in path.read_text("utf-8")  # JSON escapes
    article = read(path)
    assert article.text == f"{ARTICLE} \ufffd Ende."
    assert (article.title, article.source) == ("Tx\ufffd", "Zeitung")
    article.text.encode("utf-8")  # a lone surrogate would raise here
    proc = run("analyze", "--json", str(path))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["title"] == "Tx\ufffd" and "\x00" not in proc.stdout and "\\u0000" not in proc.stdout


def test_control_characters_leave_text_but_form_feeds_break_lines():
    article = read_text(f"{ARTICLE}\x00\x1b\fZweiter Absatz\ttabelliert.\r\nDritter.")
    assert article.text == f"{ARTICLE}\nZweiter Absatz\ttabelliert.\nDritter."


# 3. Deep nesting ----------------------------------------------------------------------------


def test_deeply_nested_json_is_malformed_not_a_crash(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    path = tmp_path / "deep.json"
    path.write_text(deep, "utf-8")
    with pytest.raises(InputError) as info:
        read(path)
    assert info.value.message == f"[E007] {path}: malformed JSON: nested too deeply."
    one_line_error(run("analyze", str(path)), "[E007]", "nested too deeply")
    dump = tmp_path / "deep.jsonl"
    dump.write_text(json.dumps({"text": ARTICLE}) + "\n" + deep + "\n", "utf-8")
    articles, failures = split(iter_articles([dump]))
    assert len(articles) == 1
    assert [f.reason for f in failures] == [f"[E007] {dump}: malformed JSON line 2: nested too deeply."]


# 4. Types in JSON records -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "found"),
    [("lang", {"a": 1}, "an object"), ("title", 5, "a number"), ("source", False, "a boolean"),
     ("url", 7, "a number"), ("date", ["2022"], "an array"), ("language", 1.5, "a number")],
)
def test_non_string_metadata_is_refused_by_name(tmp_path, field, value, found):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"text": ARTICLE, field: value}), "utf-8")
    with pytest.raises(InputError) as info:
        read(path)
    assert info.value.message == f"[E021] {path}: JSON record: '{field}' is {found}, not a string."


@pytest.mark.parametrize(("value", "found"), [(5, "a number"), (None, "null"), (["a"], "an array")])
def test_text_that_is_not_a_string_says_so(tmp_path, value, found):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"text": value}), "utf-8")
    with pytest.raises(InputError) as info:
        read(path)
    assert info.value.message == f"[E021] {path}: JSON record: 'text' is {found}, not a string."


def test_null_metadata_is_still_fine(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"text": ARTICLE, "title": None, "lang": None, "language": "de"}), "utf-8")
    article = read(path)
    assert article.title is None and article.language == "de"


def test_jsonl_type_errors_are_per_line_and_the_run_goes_on(tmp_path):
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join([
        json.dumps({"text": ARTICLE}),
        "42",
        "null",
        json.dumps({"text": ARTICLE + " Zwei.", "title": 5}),
        json.dumps({"text": ARTICLE + " Drei."}),
    ]), "utf-8")
    articles, failures = split(iter_articles([dump]))
    assert [a.text for a in articles] == [ARTICLE, ARTICLE + " Drei."]
    assert [f.reason for f in failures] == [
        f"[E021] {dump}: JSON record line 2: the value is a number, not a JSON object.",
        f"[E021] {dump}: JSON record line 3: the value is null, not a JSON object.",
        f"[E021] {dump}: JSON record line 4: 'title' is a number, not a string.",
    ]


def test_too_short_a_text_is_named_with_its_length_in_plain_words(tmp_path):
    for text, shown in (("a", "1 character"), ("ab", "2 characters")):
        path = tmp_path / "short.txt"
        path.write_text(text, "utf-8")
        with pytest.raises(InputError) as info:
            read(path)
        assert info.value.message == f"[E006] {path} holds no article text: only {shown}."


def test_an_empty_json_array_holds_no_articles(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text("[]", "utf-8")
    message = f"[E006] {path} holds no article text: an empty JSON array."
    with pytest.raises(InputError) as info:
        read(path)
    assert info.value.message == message
    assert list(iter_articles([path])) == [Failure(str(path), message)]
    blank = tmp_path / "blank.jsonl"
    blank.write_text("\n\n", "utf-8")
    assert [f.reason for f in iter_articles([blank])] == [f"[E002] {blank} is empty: an article needs some text."]


# 5. Truncated JSONL line --------------------------------------------------------------------


def test_truncated_jsonl_line_names_the_line_once(tmp_path):
    dump = tmp_path / "dump.jsonl"
    dump.write_text(json.dumps({"text": ARTICLE}) + '\n{"text": "Passau - Die Do\n', "utf-8")
    articles, failures = split(iter_articles([dump]))
    assert len(articles) == 1
    assert [f.reason for f in failures] == [
        f"[E007] {dump}: malformed JSON line 2: Unterminated string starting at column 10."
    ]


def test_malformed_json_document_gives_line_and_column(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('{\n  "text": 3,\n  "title" "x"\n}', "utf-8")
    with pytest.raises(InputError) as info:
        read(path)
    assert info.value.message == f"[E007] {path}: malformed JSON: Expecting ':' delimiter at line 3 column 11."


# 6. URLs ------------------------------------------------------------------------------------


class TrickleServer:
    """A real HTTP server on 127.0.0.1 that sends its answer one byte every 0.2 s, forever,
    either in the body (after complete headers) or in the headers themselves."""

    def __init__(self, in_headers: bool) -> None:
        self.in_headers = in_headers
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/article.txt"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\n" if self.in_headers
                             else b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n")
                while True:
                    conn.sendall(b"X-Slow: a\r\n" if self.in_headers else b"a")
                    time.sleep(0.2)
            except OSError:
                return

    def close(self) -> None:
        self.sock.close()


@pytest.mark.parametrize("in_headers", [False, True])
def test_fetch_has_a_total_deadline(in_headers):
    server = TrickleServer(in_headers)
    try:
        start = time.monotonic()
        with pytest.raises(InputError) as info:
            fetch(server.url, 10_000_000, timeout=20, allow_private=True, total=1.0)
        elapsed = time.monotonic() - start
    finally:
        server.close()
    late = "no complete answer within 1 s (input.fetch_timeout)"
    assert info.value.message == f"[E016] Cannot fetch {server.url}: {late}."
    assert 0.9 < elapsed < 5


def test_ingest_uses_the_fetch_timeout_setting(small_limits):
    server = TrickleServer(in_headers=False)
    try:
        start = time.monotonic()
        (failure,) = list(iter_articles([server.url], allow_private=True))
        elapsed = time.monotonic() - start
    finally:
        server.close()
    assert isinstance(failure, Failure) and "no complete answer within 1 s" in failure.reason
    assert elapsed < 5


def test_a_prompt_server_is_not_cut_off(tmp_path):
    import http.server
    from functools import partial

    (tmp_path / "a.txt").write_text(ARTICLE, "utf-8")
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/a.txt"
        assert fetch(url, 10_000, allow_private=True, total=5.0) == ARTICLE.encode()
        (article,) = list(iter_articles([url], allow_private=True))
        assert isinstance(article, Article) and article.url == url
    finally:
        server.shutdown()
        server.server_close()


class PageServer:
    """A real HTTP server on 127.0.0.1 serving the files of a folder, counting requests."""

    def __init__(self, folder: Path) -> None:
        import http.server
        from functools import partial

        outer = self
        self.requests = 0

        class Handler(http.server.SimpleHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
                outer.requests += 1
                super().do_GET()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(folder)))
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_every_connection_checks_the_address_it_reaches(tmp_path):
    """A host that resolved to a public address when the URL was checked and to a private one
    when the connection is made (DNS rebinding) is refused at the connection: here the URL
    check is skipped and the connection itself must refuse 127.0.0.1."""
    from storylens.ingest.fetch import _Deadline, _open, _Policy

    (tmp_path / "a.txt").write_text(ARTICLE, "utf-8")
    server = PageServer(tmp_path)
    try:
        url = f"{server.base}/a.txt"
        with _Deadline(5.0) as deadline, pytest.raises(InputError) as info:
            _open(_Policy(url, deadline, allow_private=False, late="late"), 5.0, 10_000)
        assert info.value.code.name == "E015" and "127.0.0.1 is not a public address" in info.value.message
        assert server.requests == 0
        with _Deadline(5.0) as deadline:
            assert _open(_Policy(url, deadline, True, "late"), 5.0, 10_000) == ARTICLE.encode()
        assert server.requests == 1
    finally:
        server.close()


def test_a_slow_host_lookup_ends_with_the_deadline(monkeypatch):
    real = socket.getaddrinfo

    def slow_dns(*args: object, **kwargs: object) -> object:
        time.sleep(3)  # a resolver that does not answer in time
        return real(*args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow_dns)
    start = time.monotonic()
    with pytest.raises(InputError) as info:
        fetch("http://example.org/", 10_000, total=0.5)
    assert time.monotonic() - start < 2
    late = "no complete answer within 0.5 s (input.fetch_timeout)"
    assert info.value.message == f"[E016] Cannot fetch http://example.org/: {late}."


def test_compare_and_analyze_read_urls(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, "utf-8")
    (tmp_path / "b.html").write_text(
        f"<html><head><title>Hochwasser</title></head><body><article><p>{ARTICLE}</p></article></body></html>",
        "utf-8",
    )
    server = PageServer(tmp_path)
    try:
        url = f"{server.base}/b.html"
        proc = run("compare", str(tmp_path / "a.txt"), url, "--json", "--allow-private")
        assert proc.returncode == 0, proc.stderr
        second = json.loads(proc.stdout)["articles"][1]
        assert second["url"] == url and second["title"] == "Hochwasser"
        proc = run("analyze", f"{server.base}/a.txt", "--json", "--allow-private")
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["language"] == "de"
        # Without --allow-private the loopback server is refused, in one line, before any request.
        before = server.requests
        proc = run("analyze", f"{server.base}/a.txt")
        one_line_error(proc, "[E015] Refusing to fetch", "127.0.0.1 is not a public address")
        assert server.requests == before
    finally:
        server.close()
    proc = run("compare", str(tmp_path / "a.txt"), "ftp://example.org/a.txt")
    one_line_error(proc, "[E016]", "unsupported URL scheme 'ftp'")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://example.org:99999/", "invalid URL (Port out of range 0-65535)"),
        ("http://example.org:-1/", "invalid URL (Port could not be cast to integer value as '-1')"),
        ("http://[::1/", "invalid URL (Invalid IPv6 URL)"),
        ("http://" + "a" * 64 + ".org/", "invalid host name (a label is empty or longer than 63 characters)"),
        ("http://", "the URL names no host"),
        ("file:///etc/passwd", "unsupported URL scheme 'file' (only http and https are fetched)"),
        ("ftp://x", "unsupported URL scheme 'ftp' (only http and https are fetched)"),
    ],
)
@pytest.mark.parametrize("allow_private", [False, True])
def test_bad_urls_are_one_line_errors(url, reason, allow_private):
    expected = f"[E016] Cannot fetch {url}: {reason}."
    assert list(iter_articles([url], allow_private=allow_private)) == [Failure(url, expected)]
    if url.startswith("http"):
        with pytest.raises(InputError) as info:
            check_url(url, allow_private)
        assert info.value.message == expected


def test_a_private_address_is_named_with_the_host_that_led_to_it():
    """An address in the URL is named once; a host name is named with the address it resolves to."""
    with pytest.raises(InputError) as info:
        check_url("http://127.0.0.1:9/feed")
    assert ": 127.0.0.1 is not a public address (use --allow-private" in info.value.message
    with pytest.raises(InputError) as info:
        check_url("http://localhost:9/feed")
    assert re.search(r": localhost is (127\.0\.0\.1|::1), not a public address \(", info.value.message)


def test_bad_url_on_the_command_line(tmp_path):
    proc = run("ingest", "--db", str(tmp_path / "x.db"), "http://example.org:99999/")
    one_line_error(proc, "[E016]", "Port out of range")


# 7. Unreadable subfolders -------------------------------------------------------------------

# Loads what the walk needs, then (as root) becomes nobody, whom a mode-000 folder stops.
WALK_AS_NOBODY = """
import os, sys
from storylens.config import settings
from storylens.ingest.folder import iter_articles
settings()
os.chdir(sys.argv[1])
if os.geteuid() == 0:
    try:
        os.setgroups([]); os.setgid(65534); os.setuid(65534)
    except PermissionError:
        sys.exit(3)
for item in iter_articles(["."]):
    print(type(item).__name__, getattr(item, "reason", ""))
"""


def test_an_unreadable_subfolder_is_a_failure(tmp_path):
    folder = tmp_path / "in"
    locked = folder / "locked"
    locked.mkdir(parents=True)
    (folder / "good.txt").write_text(ARTICLE, "utf-8")
    (locked / "hidden.txt").write_text(ARTICLE + " Versteckt.", "utf-8")
    locked.chmod(0)
    try:
        proc = subprocess.run([sys.executable, "-c", WALK_AS_NOBODY, str(folder)], capture_output=True,
                              text=True, timeout=120)
    finally:
        locked.chmod(0o755)
    if proc.returncode == 3:
        pytest.skip("running as root without the right to become another user")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["Article ", "Failure [E001] Cannot read locked: permission denied."]


# 8. Symlink loop ----------------------------------------------------------------------------


def test_symlink_loop_is_named_as_such(tmp_path):
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    expected = f"[E001] Cannot read {loop}: Too many levels of symbolic links."
    assert list(iter_articles([loop])) == [Failure(str(loop), expected)]
    with pytest.raises(InputError) as info:
        read(loop)
    assert info.value.message == expected


# 9. UTF-16 without a BOM --------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_decoded(tmp_path, encoding):
    path = tmp_path / "a.txt"
    path.write_bytes((ARTICLE + "\nZweite Zeile mit Größe.\n").encode(encoding))
    assert read(path).text == ARTICLE + "\nZweite Zeile mit Größe."


def test_small_numbers_are_still_binary(tmp_path):
    path = tmp_path / "numbers.txt"
    path.write_bytes(b"".join(struct.pack("<h", (i * 37) % 256) for i in range(600)))
    with pytest.raises(InputError) as info:
        read(path)
    assert info.value.code.name == "E003"


# 10. Feeds ----------------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Beispiel-Zeitung</title>
<item><title>Flut</title><link>https://example.org/a</link>
<description>Passau - Die Donau ist &uuml;ber die Ufer getreten,&nbsp;sagte der B&uuml;rgermeister
am Montag. Die Altstadt wurde ger&auml;umt.</description></item>
<item><title>Zweite</title><link>https://example.org/b</link>
<description>Nach tagelangem Regen stieg der Pegel in Passau auf 9,80 Meter, meldete die Stadt.</description></item>
</channel></rss>
"""


def test_a_feed_with_entities_and_a_trailing_comment_is_read(tmp_path):
    path = tmp_path / "feed.rss"
    path.write_text(RSS + "<!-- cached 0.1 s -->\n", "utf-8")
    articles, failures = split(iter_articles([path]))
    assert not failures
    assert [a.title for a in articles] == ["Flut", "Zweite"]
    assert "über die Ufer" in articles[0].text


def test_a_long_doctype_does_not_hide_a_feed(tmp_path):
    entity = "<!ENTITY big '" + "x" * 5000 + "'>"
    data = RSS.replace("<rss", f"<!-- {'c' * 2000} -->\n<!DOCTYPE rss [{entity}]>\n<rss", 1)
    assert looks_like_feed(data.encode())
    path = tmp_path / "feed.xml"
    path.write_text(data.replace("Ufer getreten", "Ufer getreten &big;"), "utf-8")
    articles, failures = split(iter_articles([path]))
    assert not articles  # never the raw XML as one article
    assert len(failures) == 1 and "malformed feed" in failures[0].reason
    assert not looks_like_feed(b"<html><body><feed>x</feed></body></html>")


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.95])
def test_a_truncated_feed_is_malformed(tmp_path, cut):
    path = tmp_path / "feed.rss"
    path.write_text(RSS[: int(len(RSS) * cut)], "utf-8")
    articles, failures = split(iter_articles([path]))
    assert not articles
    assert len(failures) == 1 and failures[0].source == str(path)
    assert failures[0].reason.startswith(f"[E006] {path} holds no article text: malformed feed: ")
    assert "entry" not in failures[0].reason
