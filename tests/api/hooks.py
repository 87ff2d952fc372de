"""Schemathesis hooks for labcheck's live API tests (tests/it/openapi.rs).

`stays_in_session`: with a learner session's token, no answer may carry data outside the session. A 2xx answer is
allowed only on the session's own lab, for its own learner, and never from the platform-only endpoints. The session
comes from the environment: LABCHECK_SESSION_ID, LABCHECK_SESSION_TOKEN, LABCHECK_SESSION_LAB and
LABCHECK_SESSION_LEARNER.
"""

import json
import os

import schemathesis
from schemathesis.core.failures import Failure

SESSION = os.environ.get("LABCHECK_SESSION_ID", "")
LAB = os.environ.get("LABCHECK_SESSION_LAB", "")
LEARNER = os.environ.get("LABCHECK_SESSION_LEARNER", "")

# Public endpoints: no token is looked at, and nothing of a session is in their answers (health, this document, the
# tool's public keys, and the LTI login and launch, which answer pages and redirects).
OPEN = {"/healthz", "/openapi.json", "/.well-known/jwks.json", "/lti/login", "/lti/launch"}


class OutsideTheSession(Failure):
    def __init__(self, operation, message):
        super().__init__(operation=operation, title="A learner session reached data outside it", message=message)

    @property
    def _unique_key(self):
        return self.message


def _learner_request(response):
    headers = response.request.headers
    return headers.get("Authorization", "").startswith("Bearer lcs.") or "labcheck_learn=lcs." in headers.get(
        "Cookie", ""
    )


@schemathesis.check
def stays_in_session(ctx, response, case):
    if not _learner_request(response) or not 200 <= response.status_code < 300:
        return None
    path, params = case.path, case.path_parameters or {}
    label = case.operation.label

    def refuse(message):
        raise OutsideTheSession(label, f"{case.method} {case.formatted_path}: {message}")

    if path in OPEN:
        return None
    if path == "/v1/labs":
        ids = [lab["id"] for lab in json.loads(response.text)["labs"]]
        if ids != [LAB]:
            refuse(f"listed labs {ids}, not only {LAB}")
        return None
    if path.startswith("/v1/labs/{lab_id}"):
        if params.get("lab_id") != LAB:
            refuse(f"answered for lab {params.get('lab_id')!r}")
        if "learner" in params and params["learner"] != LEARNER:
            refuse(f"answered for learner {params['learner']!r}")
        if path.endswith("/grade") and response.headers.get("content-type", [""])[0].startswith("application/json"):
            recorded = json.loads(response.text).get("recorded") or {}
            if recorded.get("learner", LEARNER) != LEARNER:
                refuse(f"recorded for learner {recorded.get('learner')!r}")
        return None
    if path.startswith("/learn/{session_id}"):
        if params.get("session_id") != SESSION and "data-check=" in response.text:
            refuse("showed the checklist of another session")
        return None
    refuse("a platform-only endpoint answered 2xx")


@schemathesis.hook
def map_path_parameters(ctx, parameters):
    """Half the session ids are the session's own: its page and its checks are reached, not only refused."""
    if SESSION and parameters and "session_id" in parameters and parameters["session_id"].endswith(("0", "2", "4", "6", "8", "a", "c", "e")):
        parameters["session_id"] = SESSION
    return parameters


@schemathesis.hook
def map_body(ctx, body):
    """The access code posted to open a page is the session's own: guessed codes would count as bad tokens, and after
    ten this address is refused (429) for every request of the run (tests/it/learners.rs covers that)."""
    token = os.environ.get("LABCHECK_SESSION_TOKEN", "")
    if token and isinstance(body, dict) and "token" in body:
        body["token"] = token
    return body
