#!/usr/bin/env python3
"""Writes the seed corpora under tests/fuzz/corpus/<target>/ (run from anywhere; rewrites them from scratch) and the
hand-made reproducers of findings under tests/fuzz/regressions/<target>/ (inputs the fuzzer found are copied there
as they are; this script only rewrites the files it names).

CLC seeds are the recorded exchanges in tests/data/clc (response status and body, and for batches the requested
server ids); A4C, UCS, HTTP-reader, small-parser and encoder seeds are written by hand below. Each file is in the
byte layout its target reads (see fuzz_common.hpp: FuzzedDataProvider takes integers from the end, strings from the
front), so a seed is exactly the exchange it names.
"""
import hashlib
import json
import pathlib
import shutil

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "clc"
CORPUS = HERE / "corpus"
HEADER_NAMES = ["Retry-After", "Location", "Set-Cookie", "Content-Type", "X-Fuzz"]


def fdp_string(s: bytes) -> bytes:
    """A FuzzedDataProvider::ConsumeRandomLengthString value: backslashes doubled, ended by backslash + one byte."""
    return s.replace(b"\\", b"\\\\") + b"\\ "


def response_seed(status, body: bytes, headers=(), strings=(), ints=()) -> bytes:
    """fuzzed_response_head's layout. `strings` and `ints` are the target's own values, consumed after the headers
    (strings from the front, one-byte integers from the end, in order)."""
    front = b"".join(fdp_string(v) for _, v in headers) + b"".join(fdp_string(s) for s in strings)
    consumed_from_end = [len(headers)] + [HEADER_NAMES.index(n) for n, _ in headers] + list(ints)
    v = 0x8000 | status
    tail = bytes(reversed(consumed_from_end)) + bytes([v & 0xFF, v >> 8])
    return front + body + tail


def write(target: str, name: str, content: bytes, root=CORPUS):
    d = root / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(content)


def body_bytes(body) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body, separators=(",", ":")).encode()


def requested_ids(request) -> list:
    body = request.get("body")
    if isinstance(body, list):
        return [s for s in body if isinstance(s, str)][:4]
    if isinstance(body, dict):
        if isinstance(body.get("serverIds"), list):
            return body["serverIds"][:4]
        if isinstance(body.get("servers"), list):
            return [s.get("id", "") for s in body["servers"] if isinstance(s, dict)][:4]
    # a per-server call: the id is in the path (/v2/servers/{alias}/{id}[/...])
    parts = request.get("path", "").split("?")[0].split("/")
    return [parts[4]] if len(parts) > 4 and parts[2] == "servers" else []


def clc_seeds():
    seen = set()
    for f in sorted(DATA.glob("*.json")):
        rec = json.loads(f.read_text())
        ids = [i.encode() for i in requested_ids(rec["request"])]
        seed = response_seed(rec["response"]["status"], body_bytes(rec["response"]["body"]), strings=ids,
                             ints=[len(ids)])
        digest = hashlib.sha1(seed).hexdigest()
        if digest not in seen:  # several recordings share an answer
            seen.add(digest)
            write("fuzz_clc_decode", f.stem, seed)
    one = [b"CA1ALTDWEB01"]
    two = [b"CA1ALTDWEB01", b"ca1altdweb02"]
    hand = {
        "429-retry-after": response_seed(429, b'{"message":"Too many requests."}', [("Retry-After", b"30")], one, [1]),
        "400-queue-errors": response_seed(
            400, b'[{"server":"ca1altdweb01","isQueued":false,"errorMessage":"The operation cannot be queued '
                 b'because the server cannot be found or it is not in a valid state."},{"server":"CA1ALTDWEB02",'
                 b'"isQueued":true,"links":[{"rel":"status","href":"/v2/operations/altd/status/ca1-1"}]}]', (), two,
            [2]),
        "400-model-state": response_seed(
            400, b'{"message":"The request is invalid.","modelState":{"body.serverIds":["Missing","Bad"],'
                 b'"x":"one"}}', (), one, [1]),
        "500-aspnet": response_seed(
            500, b'{"Message":"An error has occurred.","exceptionMessage":"boom","exceptionType":"System.Exception"}',
            (), one, [1]),
        "502-html": response_seed(502, b"<html><body>Bad Gateway</body></html>", (), one, [1]),
        "200-duplicate-ids": response_seed(
            200, b'[{"server":"ca1altdweb01","isQueued":true,"links":[{"rel":"status","id":"ca1-9"}]},'
                 b'{"server":"CA1ALTDWEB01","isQueued":true,"links":[{"rel":"status","id":"ca1-9"}]}]', (),
            [b"CA1ALTDWEB01", b"ca1altdweb01"], [2]),
        "200-login-jwt": response_seed(
            200, b'{"userName":"u","accountAlias":"ALTD","locationAlias":"CA1","roles":["AccountAdmin"],'
                 b'"bearerToken":"eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDB9.sig"}', (), (), [0]),
        "202-restore-links": response_seed(
            202, b'{"links":[{"rel":"self","href":"/x"},{"rel":"status","href":"/v2/operations/altd/status/ca1-5"}]}',
            (), one, [1]),
        "204-empty": response_seed(204, b"", (), one, [1]),
        "200-status-unknown-enum": response_seed(200, b'{"status":"paused"}', (), one, [1]),
    }
    for name, seed in hand.items():
        write("fuzz_clc_decode", name, seed)


def a4c_seeds():
    state = (b'{"data":{"id":"mms_id","user":"admin","userTriggered":true,"progressPercent":25,"log":[{"date":'
             b'1700000000000,"user":"admin","message":"start"},{"date":1700000060000,"user":"admin","message":"25%"}]},'
             b'"error":null}')
    cookie = ("Set-Cookie", b"JSESSIONID=node0abc123.node0; Path=/; HttpOnly")
    seeds = {
        "200-state-on": response_seed(200, state),
        "200-state-off": response_seed(200, b'{"data":null,"error":null}'),
        "201-enabled": response_seed(201, b'{"data":null,"error":null}'),
        "200-disabled": response_seed(200, b"{}"),
        "204-disabled": response_seed(204, b""),
        "503-maintenance": response_seed(
            503, b'{"data":null,"error":{"code":0,"message":"Maintenance mode is enabled."}}', [("Retry-After", b"5")]),
        "409-already": response_seed(409, b'{"data":null,"error":{"code":502,"message":"The posted object already exist."}}'),
        "404-not-enabled": response_seed(404, b'{"data":null,"error":{"code":504,"message":"Maintenance mode is not enabled."}}'),
        "403-no-rights": response_seed(403, b'{"data":null,"error":{"code":102,"message":"Current user has no sufficient rights."}}'),
        "500-spring": response_seed(
            500, b'{"timestamp":1700000000000,"status":500,"error":"Internal Server Error","exception":'
                 b'"java.lang.IllegalAccessError","message":"Maintenance mode is not user triggered.","path":"/rest/v1/maintenance"}'),
        "500-jwt-bad-password": response_seed(
            500, b'{"data":null,"error":{"code":500,"message":"Incorrect password for Pa55 w0rd&fuzz"}}'),
        "302-login": response_seed(302, b"", [("Location", b"http://a4c:8088/rest/auth/status"), cookie]),
        "302-login-failed": response_seed(302, b"", [("Location", b"/rest/auth/authenticationfailed"), cookie]),
        "302-login-two-cookies": response_seed(302, b"", [
            ("Location", b"/rest/auth/status"), ("Set-Cookie", b"JSESSIONID=old; Max-Age=0"),
            ("Set-Cookie", b'JSESSIONID="quoted"; Path=/')]),
        "401-login-failed": response_seed(
            401, b'{"data":null,"error":{"code":101,"message":"Authentication failed, check username and password."}}'),
        "200-login-followed": response_seed(
            200, b'{"data":{"isLogged":true,"username":"admin","roles":["ADMIN"],"groups":[],"authSystem":"alien"},'
                 b'"error":null}', [cookie]),
        "200-jwt": response_seed(200, b'{"data":{"token":"eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJhZG1pbiJ9.c2ln",'
                                      b'"expireAt":1700000000000},"error":null}'),
        "200-jwt-bare": response_seed(200, b'{"data":"eyJhbGciOiJIUzUxMiJ9.e30.c2ln","error":null}'),
        "200-auth-status-anonymous": response_seed(
            200, b'{"data":{"isLogged":false,"username":"anonymousUser","githubUsername":null,"roles":[],'
                 b'"groups":null,"authSystem":null},"error":null}'),
        "201-error-in-success": response_seed(201, b'{"data":null,"error":{"code":373,"message":"deployment node"}}'),
        "500-truncated": response_seed(500, b'{"data":null,"error":{"code":50'),
    }
    for name, seed in seeds.items():
        write("fuzz_a4c_decode", name, seed)


def ucs_seeds():
    status = (b'{"mode":"production","version":"8.5.000.10","system_time":"2010-02-24T15:56:46.369Z",'
              b'"started":"2010-02-24 15:00:00+01:00","last_request":"2010-02-24T15:56:46Z","max_memory":1864192,'
              b'"allocated_memory":1864192,"free_memory":1721342,"used_memory":142849,"request_today":12,'
              b'"client_errors_today":0,"server_errors_today":0}')
    seeds = {
        "200-set-maintenance": response_seed(200, b'{"server changed":"maintenance"}', [("Location", b"/server/status")]),
        "200-set-production": response_seed(200, b'{"server changed":"PRODUCTION"}'),
        "200-status": response_seed(200, status),
        "200-status-minimal": response_seed(200, b'{"mode":"Maintenance"}'),
        "200-status-bad-time": response_seed(200, b'{"mode":"maintenance","system_time":"2010-02-30T00:00:00Z"}'),
        "503-switching": response_seed(
            503, b'{"error":{"code":503,"message":"Method not available while in production mode"}}',
            [("Retry-After", b"60")]),
        "503-text": response_seed(503, b"Not available"),
        "400-error": response_seed(400, b'{"error":{"code":"400","message":"Invalid mode","details":{"error":'
                                        b'{"message":"nested"}}}}'),
        "401-html": response_seed(401, b"<html><body>Unauthorized</body></html>"),
        "500-empty": response_seed(500, b""),
    }
    for name, seed in seeds.items():
        write("fuzz_ucs_decode", name, seed)


def reader_seed(wire: bytes, config: int, seed: int) -> bytes:
    """fuzz_response_reader's layout: the peer bytes, then a config byte and the 8-byte split seed at the end."""
    return wire + bytes([config]) + seed.to_bytes(8, "little")


def reader_seeds():
    ok = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{\"status\":\"ok\"} "
    seeds = {
        "content-length": ok,
        "chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\n"
                   b"Trailer: x\r\n\r\n",
        "close-delimited": b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the peer closes",
        "no-content": b"HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n",
        "not-modified": b"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n",
        "redirect-cookies": b"HTTP/1.1 302 Found\r\nLocation: /rest/auth/status\r\nSet-Cookie: JSESSIONID=abc; Path=/\r\n"
                            b"Set-Cookie: other=1\r\nContent-Length: 0\r\n\r\n",
        "pipelined": ok + b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 0\r\n\r\n",
        "continue-then-final": b"HTTP/1.1 100 Continue\r\n\r\n" + ok,
        "obs-fold": b"HTTP/1.1 200 OK\r\nX-Long: a\r\n b\r\nContent-Length: 0\r\n\r\n",
        "truncated-body": b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort",
        "bad-chunk": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "two-lengths": b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "utf8-reason": "HTTP/1.1 500 Erreur interne\u00e9\r\nContent-Length: 2\r\n\r\n{}".encode(),
    }
    for i, (name, wire) in enumerate(seeds.items()):
        # config: body limit / header limit defaults, pieces of 1 << (3 + i % 5) bytes at most
        write("fuzz_response_reader", name, reader_seed(wire, (3 + i % 5) << 4, 0x9E3779B97F4A7C15 + i))
    write("fuzz_response_reader", "content-length-body-limit-16", reader_seed(ok, 2, 7))
    write("fuzz_response_reader", "content-length-header-limit-16", reader_seed(ok, 1 << 2, 7))


def small_parser_seeds():
    def jwt(payload: bytes) -> bytes:
        import base64
        b = lambda x: base64.urlsafe_b64encode(x).rstrip(b"=")
        return b(b'{"alg":"HS256","typ":"JWT"}') + b"." + b(payload) + b".c2lnbmF0dXJl"
    seeds = {
        "url-https": b"https://api.ctl.io/v2",
        "url-ipv6": b"http://[::1]:8080/genesys/1/cs/",
        "url-userinfo": b"https://user:pw@host/x?y#z",
        "url-port": b"http://127.0.0.1:65535",
        "jwt-2023": jwt(b'{"exp":1700000000,"nbf":1698790400}'),
        "jwt-float-exp": jwt(b'{"exp":1.7e9}'),
        "base64-padded": b"aGVsbG8gd29ybGQ=",
        "base64-url": b"-_-_",
        "retry-after": b"120",
        "cookie-lines": b"JSESSIONID=abc; Path=/\nJSESSIONID=; Max-Age=0\nJSESSIONID=\"q\"",
        "timestamp": b"2010-02-24T15:56:46.369Z",
        "timestamp-offset": b"2010-02-24 15:56:46,5+01:30",
        "printable-utf8": "\x28caf\u00e9 \u65e5\u672c \U0001F600 tab\there\nnew line".encode(),
    }
    for name, seed in seeds.items():
        write("fuzz_small_parsers", name, seed)


def encode_seed(alias, token, ids, other, cookie, jwt_, user, password, url=None) -> bytes:
    """fuzz_encode_roundtrip's layout: strings from the front in the order the target takes them; from the end the
    base-URL flag, then the id count (1-3)."""
    strings = ([url] if url is not None else []) + [alias, token] + ids + [other, cookie, jwt_, user, password]
    front = b"".join(fdp_string(s) for s in strings)
    return front + bytes([len(ids) - 1, 1 if url is not None else 0])


def encode_seeds():
    seeds = {
        "plain": encode_seed(b"ALTD", b"token", [b"CA1ALTDWEB01"], b"ca1-123", b"abc", b"eyJ.e30.c2ln", b"user", b"pw"),
        "three-ids": encode_seed(b"altd", b"t", [b"a", b"B", b"c-d_e.f~g"], b"snap 1", b"", b"", b"", b""),
        "base-url": encode_seed(b"ALTD", b"", [b"id"], b"x", b"", b"", b"u", b"p", url=b"https://h:8443/alien/"),
        "reserved-chars": encode_seed(b"al/ias", b"", [b"a/b?c#d%e f"], b"%2e%2E", b"", b"", b"", b""),
        "utf8-id": encode_seed(b"ALTD", b"", ["s\u00e9rveur".encode()], b"\xff\xfe", b"", b"", b"", b""),
    }
    for name, seed in seeds.items():
        write("fuzz_encode_roundtrip", name, seed)


REGRESSIONS = HERE / "regressions"


def regressions():
    """One input per finding (tests/fuzz/README.md), smallest form, named after what it shows."""
    def reg(target, name, content):
        write(target, name, content, REGRESSIONS)

    import base64
    b64 = lambda x: base64.urlsafe_b64encode(x).rstrip(b"=")
    # printable / error::message: the first byte of a small-parsers input is printable's limit.
    reg("fuzz_small_parsers", "printable-invalid-utf8", b"\x10caf\xe9 au lait")
    reg("fuzz_small_parsers", "printable-c1-control", b"\x10line\xc2\x85forged")
    reg("fuzz_small_parsers", "printable-cut-inside-character", b"\x02\xc3\xa9t\xc3\xa9")
    reg("fuzz_small_parsers", "token-exp-after-2262", b"x." + b64(b'{"exp":10000000000}') + b".sig")
    reg("fuzz_small_parsers", "endpoint-port-with-letters", b"https://h:8n/")
    reg("fuzz_small_parsers", "endpoint-empty-port", b"http://h:/v2")
    reg("fuzz_small_parsers", "endpoint-port-out-of-range", b"http://h:99999")
    reg("fuzz_small_parsers", "endpoint-host-percent-nul", b"https://a%00b.example/v2")
    reg("fuzz_clc_decode", "login-password-echoed",
        response_seed(400, b'{"message":"Bad password Pa55-w0rd-fuzz for user"}', (), (), [0]))
    reg("fuzz_clc_decode", "error-text-body-invalid-utf8", response_seed(500, b"Erreur: caf\xe9", (), (), [0]))
    reg("fuzz_clc_decode", "error-json-message-c1", response_seed(500, b'{"message":"a\\u0085b"}', (), (), [0]))
    reg("fuzz_a4c_decode", "error-message-c1",
        response_seed(409, b'{"data":null,"error":{"code":502,"message":"a\\u009bb"}}'))
    reg("fuzz_ucs_decode", "error-text-body-invalid-utf8", response_seed(503, b"indisponible \xff"))
    reg("fuzz_encode_roundtrip", "dot-segment-ids",
        encode_seed(b"ALTD", b"", [b".."], b".", b"", b"", b"", b""))
    reg("fuzz_encode_roundtrip", "clc-bearer-token-crlf",
        encode_seed(b"ALTD", b"x\r\nX-Injected: 1", [b"id"], b"s", b"", b"", b"", b""))
    reg("fuzz_encode_roundtrip", "base-url-port-with-letters",
        encode_seed(b"ALTD", b"", [b"id"], b"s", b"", b"", b"", b"", url=b"https://h:8n/"))
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
    reg("fuzz_response_reader", "interim-100-continue", reader_seed(b"HTTP/1.1 100 Continue\r\n\r\n" + ok, 0x70, 1))
    reg("fuzz_response_reader", "interim-103-early-hints",
        reader_seed(b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + ok, 0x00, 1))
    # beast#2861: an empty chunked body ("0" CRLF CRLF) read one byte at a time trips Beast 1.81's assertion.
    reg("fuzz_response_reader", "beast-chunk-header-in-pieces",
        reader_seed(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0x00, 3))


if __name__ == "__main__":
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    clc_seeds()
    a4c_seeds()
    ucs_seeds()
    reader_seeds()
    small_parser_seeds()
    encode_seeds()
    regressions()
    for d in sorted(CORPUS.iterdir()):
        print(f"{d.name}: {len(list(d.iterdir()))} seeds")
