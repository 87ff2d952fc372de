"""A test LMS built on a real LTI 1.3 platform library (lti1p3platform, pinned by tests/lms/requirements.lock).

It launches learners into labcheck (OIDC login initiation, then the id_token form post) and plays the platform's
side of Assignment and Grade Services: a token endpoint and a line item's score endpoint. The library checks little,
so this LMS records everything labcheck sends (GET /records) for tests/it/lti.rs to assert, claim by claim.

    python lms.py CONFIG_JSON      # prints {"url": "http://127.0.0.1:PORT"} once it listens

CONFIG: {"tool": "http://localhost:PORT" (labcheck; or later by GET /configure?tool=...), "client_id", "deployment_id", "lab", "steps" (optional),
"role_arn" (optional; `{account}` in it stands for an account per learner), "token_failures": N (the token endpoint answers 500 that many times first),
"too_many": N (the first N score posts answer 429 with Retry-After: 1), "throttle": {"high_water", "outflow",
"preflight", "cost", "used"} (score posts charged as Canvas charges API requests: a leaky bucket of `high_water` units
draining `outflow` a second; a request holds `preflight` units while it runs and leaves `cost`; one that would
overflow answers 403 "Rate Limit Exceeded"; the bucket holds `used` units when the first score post reaches it, as
when other tools share the platform's token)}.

Test-only: GET /authorize?...&forge=KIND answers {"id_token", "state"} as JSON instead of the form, with the token
spoiled as KIND says (wrong_signature, unknown_kid, wrong_aud, expired, wrong_type, unknown_deployment,
not_yet_valid, foreign_account, lineitem_elsewhere, none).
"""

import functools
import html
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import lti1p3platform.registration
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request

CONFIG = json.loads(sys.argv[1])
ISSUER = "https://lms.test.example"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


def new_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return private, public


PRIVATE, PUBLIC = new_key()
OTHER_PRIVATE, _ = new_key()


@functools.lru_cache(maxsize=8)
def loaded(private_pem):
    """A private key read once: reading a PEM checks the RSA key (about 60 ms), and the library reads its PEM at
    every signature, which held a class's launches to 6 a second."""
    return serialization.load_pem_private_key(private_pem.encode(), password=None)


def sign(payload, key, *args, **kwargs):
    if isinstance(key, str) and "PRIVATE KEY" in key:
        key = loaded(key)
    return jwt.encode(payload, key, *args, **kwargs)


lti1p3platform.registration.jwt_encode = sign
lti1p3platform.registration.Registration.get_jwk = staticmethod(
    functools.lru_cache(maxsize=8)(lti1p3platform.registration.Registration.get_jwk)
)
RECORDS = {"auth_requests": [], "token_requests": [], "scores": [], "problems": [], "throttled": [], "max_in_flight": 0}
LOCK = threading.Lock()
STATE = {"token_failures": int(CONFIG.get("token_failures", 0)), "too_many": int(CONFIG.get("too_many", 0)),
         "bucket": None, "drained_at": time.monotonic(), "in_flight": 0}


def admit_score():
    """Canvas's throttling, as its API documentation describes it: None if the request may run (its pre-flight
    units taken), else the refusal's (status, body, headers)."""
    throttle = CONFIG.get("throttle")
    with LOCK:
        if STATE["too_many"] > 0:
            STATE["too_many"] -= 1
            RECORDS["throttled"].append({"at": time.time(), "status": 429})
            return 429, '{"error": "too many requests"}', [("retry-after", "1")]
        if throttle:
            now = time.monotonic()
            if STATE["bucket"] is None:
                STATE["bucket"], STATE["drained_at"] = float(throttle.get("used", 0)), now
            STATE["bucket"] = max(0.0, STATE["bucket"] - (now - STATE["drained_at"]) * throttle["outflow"])
            STATE["drained_at"] = now
            if STATE["bucket"] + throttle["preflight"] > throttle["high_water"]:
                RECORDS["throttled"].append({"at": time.time(), "status": 403})
                return 403, "403 Forbidden (Rate Limit Exceeded)", []
            STATE["bucket"] += throttle["preflight"]
        STATE["in_flight"] += 1
        RECORDS["max_in_flight"] = max(RECORDS["max_in_flight"], STATE["in_flight"])
        return None


def charge_score():
    throttle = CONFIG.get("throttle")
    with LOCK:
        STATE["in_flight"] -= 1
        if throttle:
            STATE["bucket"] += throttle["cost"] - throttle["preflight"]


def record(kind, entry):
    with LOCK:
        RECORDS[kind].append(entry)


def problem(text):
    record("problems", text)


class Platform(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs):
        pass

    def get_registration_by_params(self, **kwargs):
        return (
            Registration()
            .set_iss(ISSUER)
            .set_client_id(CONFIG["client_id"])
            .set_deployment_id(CONFIG["deployment_id"])
            .set_oidc_login_url(CONFIG["tool"] + "/lti/login")
            .set_launch_url(CONFIG["tool"] + "/lti/launch")
            .set_platform_public_key(PUBLIC)
            .set_platform_private_key(PRIVATE)
            .set_tool_key_set_url(CONFIG["tool"] + "/.well-known/jwks.json")
        )


class HttpRequest(Request):
    def build_metadata(self, request):
        return request


class Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs):
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url):
        return url


class Launch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data, **kwargs):
        return launch_data


def platform():
    conf = Platform()
    conf.get_registration()
    return conf


# The platform's storage, as an LMS page keeps it for the tool in its frame: lti.put_data and lti.get_data, answered
# to the sender's origin, keyed by it; every message kept in window.storageLog for the test to read.
STORAGE_SCRIPT = """
window.storageLog = [];
const kept = {};
window.addEventListener("message", (event) => {
  const m = event.data;
  if (!m || typeof m.subject !== "string") return;
  window.storageLog.push({ subject: m.subject, origin: event.origin, key: m.key });
  const answer = { subject: m.subject + ".response", message_id: m.message_id, key: m.key };
  if (m.subject === "lti.put_data") { kept[event.origin + " " + m.key] = m.value; answer.value = m.value; }
  else if (m.subject === "lti.get_data") { answer.value = kept[event.origin + " " + m.key]; }
  else return;
  event.source.postMessage(answer, event.origin);
});
"""


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body, content_type="application/json", headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def query(self):
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))

    def form(self):
        length = int(self.headers.get("content-length", 0))
        return dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        if path == "/jwks":
            return self.answer(200, json.dumps(platform().get_jwks()))
        if path == "/configure":
            # Test-only: labcheck's address, once it listens (it needs this LMS's to start).
            CONFIG.update(self.query())
            return self.answer(200, "{}")
        if path == "/records":
            with LOCK:
                return self.answer(200, json.dumps(RECORDS))
        if path == "/course":
            user = html.escape(self.query().get("user", "student-1"))
            page = f'<!DOCTYPE html><title>Course</title><h1>AWS labs</h1><a id="open" href="/launch?user={user}">Open the lab</a>'
            return self.answer(200, page, "text/html")
        if path == "/framed":
            # The lab in the course's frame, with the platform's storage (LTI Client Side postMessages) in the page.
            user = urllib.parse.quote(self.query().get("user", "student-1"))
            page = (
                '<!DOCTYPE html><title>Course</title><h1>AWS labs</h1><script>' + STORAGE_SCRIPT + '</script>'
                f'<iframe name="tool" title="lab" width="900" height="900" src="/launch?user={user}&storage=_parent"></iframe>'
            )
            return self.answer(200, page, "text/html")
        if path == "/launch":
            query = self.query()
            return self.initiate_login(query.get("user", "student-1"), query.get("storage"))
        if path == "/authorize":
            return self.authorize(self.query())
        return self.answer(404, "{}")

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        if path == "/token":
            return self.token(self.form())
        if path == "/lineitems/1/lineitem/scores":
            return self.score()
        return self.answer(404, "{}")

    def initiate_login(self, user, storage=None):
        conf = platform()
        login = Login(HttpRequest({"get_data": {}, "form_data": {}}), conf)
        login.set_lti_message_hint(hint="resource-link-1")
        url = login.initiate_login(user)
        if storage:
            url += "&" + urllib.parse.urlencode({"lti_storage_target": storage})
        return self.answer(302, "", headers=[("location", url)])

    def authorize(self, params):
        record("auth_requests", params)
        forge = params.pop("forge", None)
        conf = platform()
        launch = Launch(HttpRequest({"get_data": params, "form_data": {}}), conf)
        launch.set_user_data(params.get("login_hint", ""), ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"])
        launch.set_resource_link_claim("resource-link-1")
        launch.set_launch_context_claim("course-1")
        custom = {"lab": CONFIG["lab"]}
        for name in ("steps", "role_arn", "region"):
            if CONFIG.get(name):
                custom[name] = CONFIG[name]
        if "{account}" in custom.get("role_arn", ""):
            # An account per learner (the rush benchmark): 12 digits from the number in the learner's id.
            number = int("".join(c for c in params.get("login_hint", "") if c.isdigit()) or 0)
            custom["role_arn"] = custom["role_arn"].replace("{account}", f"{100000000000 + number:012d}")
        launch.set_custom_parameters_claim(custom)
        presentation = {"document_target": "iframe", "locale": CONFIG.get("locale", "en")}
        launch.set_extra_claims({"https://purl.imsglobal.org/spec/lti/claim/launch_presentation": presentation})
        lineitem = "http://" + self.headers["host"] + "/lineitems/1/lineitem?type_id=7"
        launch.set_ags(lineitems_url=None, lineitem_url=lineitem, allow_creating_lineitems=False)
        try:
            data = launch.lti_launch()
        except Exception as error:  # the library refused labcheck's auth request
            problem(f"authorize: {error!r}")
            return self.answer(400, json.dumps({"error": repr(error)}))
        if forge:
            data["id_token"] = spoil(data["id_token"], forge)
            return self.answer(200, json.dumps({"id_token": data["id_token"], "state": data["state"]}))
        page = (
            '<!DOCTYPE html><title>Launching</title>'
            f'<form id="launch" method="post" action="{html.escape(data["launch_url"])}">'
            f'<input type="hidden" name="id_token" value="{html.escape(data["id_token"])}">'
            f'<input type="hidden" name="state" value="{html.escape(data["state"])}">'
            '<button type="submit">Continue</button></form>'
            '<script>document.getElementById("launch").submit()</script>'
        )
        return self.answer(200, page, "text/html")

    def token(self, form):
        record("token_requests", {"form": form, "content_type": self.headers.get("content-type")})
        if STATE["token_failures"] > 0:
            STATE["token_failures"] -= 1
            return self.answer(500, '{"error": "server_error"}')
        assertion = form.get("client_assertion", "")
        try:
            claims = jwt.decode(assertion, options={"verify_signature": False})
            header = jwt.get_unverified_header(assertion)
            record("token_requests", {"assertion_claims": claims, "assertion_header": header})
            answer = platform().get_access_token(form)  # verifies the assertion with the tool's JWKS
        except Exception as error:
            problem(f"token: {error!r}")
            return self.answer(400, json.dumps({"error": "invalid_client", "error_description": repr(error)}))
        return self.answer(200, json.dumps(answer))

    def score(self):
        arrived = time.time()
        length = int(self.headers.get("content-length", 0))
        body = self.rfile.read(length).decode()
        refused = admit_score()
        if refused:
            status, text, headers = refused
            return self.answer(status, text, "text/plain", headers)
        try:
            status, text = self.take_score(body, arrived)
        finally:
            # Done before the answer leaves: once the tool has it, it may send the next post, which must not find
            # this one still counted in flight.
            charge_score()
        return self.answer(status, text)

    def take_score(self, body, arrived):
        """The answer to a score post: (status, body)."""
        time.sleep(0.02)  # the LMS's own work: parallel requests overlap
        query = self.query()
        authorization = self.headers.get("authorization", "")
        entry = {"query": query, "content_type": self.headers.get("content-type"), "body": body, "at": arrived}
        try:
            token = authorization.removeprefix("Bearer ")
            entry["token_valid"] = platform().validate_token(token, allowed_scopes=[SCORE_SCOPE])
        except Exception as error:
            entry["token_valid"] = False
            problem(f"score token: {error!r}")
        record("scores", entry)
        if query.get("type_id") != "7":
            return 400, '{"error": "the line item query string was lost"}'
        return 200, "{}"


def spoil(token, kind):
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    key = PRIVATE
    if kind == "wrong_signature":
        key = OTHER_PRIVATE
    elif kind == "unknown_kid":
        header["kid"] = "no-such-key"
    elif kind == "wrong_aud":
        claims["aud"] = "another-tool"
        claims["azp"] = "another-tool"
    elif kind == "expired":
        claims["iat"] = int(time.time()) - 3600
        claims["exp"] = int(time.time()) - 600
    elif kind == "wrong_type":
        claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] = "LtiDeepLinkingRequest"
    elif kind == "unknown_deployment":
        claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] = "not-registered"
    elif kind == "not_yet_valid":
        claims["nbf"] = int(time.time()) + 3600
    elif kind == "foreign_account":
        custom = claims.setdefault("https://purl.imsglobal.org/spec/lti/claim/custom", {})
        custom["role_arn"] = "arn:aws:iam::999999999999:role/chosen-by-a-link-editor"
    elif kind == "lineitem_elsewhere":
        ags = claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]
        ags["lineitem"] = "https://collector.example/lineitems/1/lineitem"
    elif kind != "none":
        raise ValueError(kind)
    return sign(claims, key, algorithm="RS256", headers={"kid": header.get("kid")})


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(json.dumps({"url": f"http://127.0.0.1:{server.server_port}", "issuer": ISSUER}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
