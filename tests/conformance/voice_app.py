"""A voice app in Python, run by the emulator, checked with an official library's validator.

Usage: python voice_app.py signalwire|twilio

The app (a menu: 1 says goodbye, 2 records a message) is served on this machine with the
standard library's HTTP server and writes its cXML with the library's VoiceResponse. Calls
are created with the library's REST client; the caller's keys and speech go through the
emulator's control endpoints. Every request the app and its status callback receive must
pass the library's own RequestValidator with the project's Signing Key, and carry the
parameters SignalWire documents.

The emulator's address and credentials come from the environment, as for
helper_libraries.py (EMULATOR_BASE_URL, EMULATOR_PROJECT_ID, EMULATOR_API_TOKEN), and
EMULATOR_SIGNING_KEY.
"""

import base64
import json
import os
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

LIBRARY = sys.argv[1] if len(sys.argv) > 1 else ""
BASE_URL = os.environ["EMULATOR_BASE_URL"]
PROJECT = os.environ["EMULATOR_PROJECT_ID"]
TOKEN = os.environ["EMULATOR_API_TOKEN"]
SIGNING_KEY = os.environ["EMULATOR_SIGNING_KEY"]
ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(BASE_URL))

if LIBRARY == "signalwire":
    from signalwire.rest import Client
    from signalwire.voice_response import VoiceResponse, Gather

    try:
        from signalwire.request_validator import RequestValidator
    except ImportError:  # older releases validate with the Twilio library they build on
        from twilio.request_validator import RequestValidator

    api = Client(PROJECT, TOKEN, signalwire_space_url=urlsplit(BASE_URL).netloc)
elif LIBRARY == "twilio":
    from twilio.request_validator import RequestValidator
    from twilio.rest import Client
    from twilio.twiml.voice_response import Gather, VoiceResponse

    api = Client(PROJECT, TOKEN)
else:
    sys.exit("usage: voice_app.py signalwire|twilio")
api.api.base_url = ORIGIN

validator = RequestValidator(SIGNING_KEY)
received = []  # (path, form, signature valid)
lock = threading.Lock()


def menu(form):
    digits = form.get("Digits")
    response = VoiceResponse()
    if digits == "1":
        response.say("Goodbye.")
        response.hangup()
    elif digits == "2":
        response.say("Leave a message, then press pound.")
        response.record(action="/recorded", finish_on_key="#", max_length=30)
    else:
        response.redirect("/voice")
    return response


def voice(_form):
    response = VoiceResponse()
    gather = Gather(num_digits=1, action="/menu")
    gather.say("Press 1 to leave, 2 to leave a message.")
    response.append(gather)
    response.say("Nothing was pressed.")
    return response


def recorded(_form):
    response = VoiceResponse()
    response.say("Thanks.")
    response.hangup()
    return response


PAGES = {"/voice": voice, "/menu": menu, "/recorded": recorded}


class App(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (the standard library's name)
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8")
        form = dict(parse_qsl(body, keep_blank_values=True))
        url = "http://%s:%d%s" % (self.server.server_address[0], self.server.server_address[1], self.path)
        signature = self.headers.get("X-SignalWire-Signature", "")
        valid = validator.validate(url, form, signature)
        with lock:
            received.append((self.path, form, valid))
        page = PAGES.get(self.path)
        if not valid:
            self.send_response(403)
            self.end_headers()
            return
        text = str(page(form)) if page else ""
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.end_headers()
        self.wfile.write(text.encode("utf-8"))

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), App)
threading.Thread(target=server.serve_forever, daemon=True).start()
APP = "http://127.0.0.1:%d" % server.server_address[1]

from checks import check, finish  # noqa: E402


def control(method, path, body=None):
    request = urllib.request.Request(ORIGIN + "/__emulator" + path, method=method)
    credential = base64.b64encode(("%s:%s" % (PROJECT, TOKEN)).encode()).decode()
    request.add_header("Authorization", "Basic " + credential)
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, data=data, timeout=10) as response:
        text = response.read().decode()
        return json.loads(text) if text else None


def until(call, wanted, what, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        log = control("GET", "/calls/%s/log" % call)["log"]
        if any(wanted(e) for e in log):
            return log
        time.sleep(0.05)
    raise SystemExit("FAIL - %s never came in the log of %s" % (what, call))


def asked(path):
    with lock:
        return [form for p, form, _ in received if p == path]


print("# %s voice app at %s" % (LIBRARY, APP))

# A call that presses 1: the menu, then goodbye; its status callback hears every event.
events = ["initiated", "ringing", "answered", "completed"]
first = api.calls.create(to="+15550001001", from_="+15550009999", url=APP + "/voice",
                         status_callback=APP + "/status", status_callback_event=events)
until(first.sid, lambda e: e["event"] == "verb" and e.get("verb") == "Gather", "the Gather")
control("POST", "/calls/%s/digits" % first.sid, {"digits": "1"})
until(first.sid, lambda e: e["event"] == "ended", "the end")
check("the first document is asked with SignalWire's parameters",
      any(f.get("CallSid") == first.sid and f.get("AccountSid") == PROJECT and f.get("CallStatus") == "in-progress"
          and f.get("Direction") == "outbound-api" and f.get("To") == "+15550001001" and f.get("ApiVersion") == "2010-04-01"
          for f in asked("/voice")), asked("/voice"))
check("the Gather's action is asked with the key pressed", [f.get("Digits") for f in asked("/menu")] == ["1"], asked("/menu"))
check("the call completes", api.calls(first.sid).fetch().status == "completed")

# A call that presses 2 and leaves a message.
second = api.calls.create(to="+15550001002", from_="+15550009999", url=APP + "/voice")
until(second.sid, lambda e: e["event"] == "verb" and e.get("verb") == "Gather", "the Gather")
control("POST", "/calls/%s/digits" % second.sid, {"digits": "2"})
until(second.sid, lambda e: e["event"] == "recording" and e.get("status") == "in-progress", "the recording")
control("POST", "/calls/%s/speech" % second.sid, {"text": "call me back"})
time.sleep(1.5)
control("POST", "/calls/%s/digits" % second.sid, {"digits": "#"})
until(second.sid, lambda e: e["event"] == "ended", "the end")
done = asked("/recorded")
check("the Record's action is asked with the recording",
      len(done) == 1 and done[0].get("RecordingSid") and done[0].get("RecordingUrl", "").endswith(done[0].get("RecordingSid"))
      and int(done[0].get("RecordingDuration", "0")) >= 1 and done[0].get("Digits") == "#", done)
recordings = api.recordings.list(call_sid=second.sid)
check("the recording is in the REST API", len(recordings) == 1 and recordings[0].status == "completed",
      [(r.sid, r.status) for r in recordings])

# The status callbacks arrive in the background.
deadline = time.time() + 10
while time.time() < deadline and len(asked("/status")) < 4:
    time.sleep(0.05)
statuses = [(f.get("CallStatus"), f.get("CallbackSource")) for f in asked("/status")]
check("the status callback hears initiated, ringing, in-progress and completed, in order",
      [s for s, _ in statuses] == ["initiated", "ringing", "in-progress", "completed"], statuses)
check("each status callback has SignalWire's parameters",
      all(f.get("CallSid") == first.sid and f.get("Timestamp") and f.get("SequenceNumber") is not None
          for f in asked("/status")), asked("/status"))

with lock:
    invalid = [(p, f.get("CallSid")) for p, f, valid in received if not valid]
    total = len(received)
check("every request (%d) passes the library's RequestValidator" % total, total >= 9 and not invalid, invalid)

server.shutdown()
finish("%s voice app" % LIBRARY)
